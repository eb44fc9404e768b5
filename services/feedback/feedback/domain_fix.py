"""Rules of the reporter's side after the work: answering an explanation, confirming a fix,
rating it. No I/O."""

from __future__ import annotations

from pydantic import Field, StrictBool, ValidationInfo, field_validator

from feedback.rows import ReportRow
from houqin_shared.field_errors import invalid_field
from houqin_shared.principal import Principal, Role
from houqin_shared.strict import NONBLANK_PLAIN, JsonInt, TrimmedModel

LOW = 2  # a score at or below this needs a comment


class AnswerIn(TrimmedModel):
    """The reporter's answer to an explanation of why something cannot be done."""

    text: str = Field(min_length=1, max_length=2000, pattern=NONBLANK_PLAIN)


class ConfirmationIn(TrimmedModel):
    fixed: StrictBool
    reason: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        pattern=NONBLANK_PLAIN,
        validate_default=True,
        description="Required when not fixed (error type not_fixed_reason_required at"
        " body.reason).",
    )

    @field_validator("reason")
    @classmethod
    def _reason_when_not_fixed(cls, reason: str | None, info: ValidationInfo) -> str | None:
        """Not fixed needs a reason, named at the field so a form shows it next to the box."""
        if info.data.get("fixed") is False and not reason:
            raise invalid_field("not_fixed_reason_required")
        return reason


class RatingIn(TrimmedModel):
    quality: JsonInt = Field(ge=1, le=5)
    timeliness: JsonInt = Field(ge=1, le=5)
    attitude: JsonInt = Field(ge=1, le=5)
    comment: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        pattern=NONBLANK_PLAIN,
        validate_default=True,
        description=f"Required when any score is {LOW} or below (error type"
        " rating_comment_required at body.comment).",
    )

    @field_validator("comment")
    @classmethod
    def _comment_when_low(cls, comment: str | None, info: ValidationInfo) -> str | None:
        """A low score needs a comment; the error names the field and a stable type, so a form
        can show it next to the comment box in the reader's language."""
        scores = [info.data.get(k) for k in ("quality", "timeliness", "attitude")]
        if not comment and any(s is not None and s <= LOW for s in scores):
            raise invalid_field("rating_comment_required", low=LOW)
        return comment


def is_reporter(report: ReportRow, subject: str) -> bool:
    return report["reporter_id"] is not None and report["reporter_id"] == subject


# The refusals below answer a problem slug (houqin_shared.problem_types), or None when allowed.


def answer_refusal(report: ReportRow) -> str | None:
    if report["ticket_status"] != "cannot_handle":
        return "no-explanation-waiting"
    return None


def confirmation_refusal(report: ReportRow) -> str | None:
    if not report["awaiting_confirmation"]:
        return "confirmation-not-waiting"
    return None


def own_team_refusal(report: ReportRow, who: Principal) -> str | None:
    """Nobody confirms or rates their own team's work (issue 14): not the person who did it, not
    a worker or lead of the team that has it, not the head of its department (a report they
    filed themselves is confirmed automatically in time, which never counts as satisfied)."""
    if who.subject in report["assignees"]:
        return "rating-own-work"
    team, department = report["team_id"], report["department_id"]
    if team and who.team_id == team and who.has_any(Role.staff, Role.team_lead):
        return "rating-own-team"
    if department and who.department_id == department and who.has_any(Role.dept_head):
        return "rating-own-team"
    return None


def rating_refusal(report: ReportRow, rater: str) -> str | None:
    """Why `rater` may not rate this report (None when they may)."""
    if rater in report["assignees"]:
        return "rating-own-work"
    if report["resolved_at"] is None:
        return "rating-before-resolved"
    return None
