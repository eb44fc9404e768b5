"""Satisfaction surveys (满意度测评): what a survey holds, how an answer becomes a 0-100 score
per unit. No I/O."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from feedback.domain import CODE
from feedback.domain_votes import OptionIn
from houqin_shared.contracts.common import UnitType
from houqin_shared.contracts.feedback import SurveyInvitationsIssued, SurveyInvitee, UnitScore
from houqin_shared.field_errors import invalid_field
from houqin_shared.params import Day
from houqin_shared.strict import NONBLANK_PLAIN, STRICT_INT, TOKEN, TrimmedModel

UserId = Annotated[str, Field(min_length=1, max_length=128, pattern=TOKEN)]


class QuestionIn(TrimmedModel):
    id: str = Field(min_length=1, max_length=32, pattern=CODE)
    text: str = Field(min_length=1, max_length=500, pattern=NONBLANK_PLAIN)


class SurveyIn(TrimmedModel):
    title: str = Field(min_length=1, max_length=200, pattern=NONBLANK_PLAIN)
    campaign_id: uuid.UUID | None = None
    period_start: Day
    period_end: Day
    questions: list[QuestionIn] = Field(min_length=1, max_length=30)
    units: list[OptionIn] = Field(min_length=1, max_length=200, description="The units rated.")
    audience: list[UserId] = Field(
        default_factory=list,
        max_length=20000,
        description="User ids to give a personal link now (more can be issued later).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SurveyIn:
        if self.period_end < self.period_start:
            raise invalid_field("period_reversed")
        if len({q.id for q in self.questions}) != len(self.questions):
            raise invalid_field("question_ids_repeated")
        if len({(u.unit_type, u.unit_id) for u in self.units}) != len(self.units):
            raise invalid_field("unit_repeated")
        return self


class UnitAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_type: UnitType
    unit_id: str = Field(min_length=1, max_length=64, pattern=CODE)
    scores: dict[str, Annotated[int, Field(ge=1, le=5), STRICT_INT]] = Field(
        max_length=30, description="Question id -> 1..5."
    )


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[UnitAnswer] = Field(min_length=1, max_length=200)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


INVITEES_PER_EVENT = 500  # keeps each event far below the broker's message size


def link_path(survey_id: uuid.UUID, token: str) -> str:
    """The console page a personal link opens (console/pages/surveys.py)."""
    return f"/surveys/{survey_id}?t={token}"


def invitations(
    survey: dict[str, Any], tokens: dict[str, str], at: datetime
) -> list[SurveyInvitationsIssued]:
    """The events asking notify to send each new invitee their link (user -> token), in
    chunks of INVITEES_PER_EVENT."""
    people = [
        SurveyInvitee(person_id=user, link=link_path(survey["id"], token))
        for user, token in tokens.items()
    ]
    return [
        SurveyInvitationsIssued(
            survey_id=survey["id"],
            title=survey["title"],
            period_end=survey["period_end"],
            invitees=people[i : i + INVITEES_PER_EVENT],
            issued_at=at,
        )
        for i in range(0, len(people), INVITEES_PER_EVENT)
    ]


def unit_scores(survey: dict[str, Any], answer: AnswerIn) -> list[UnitScore] | str:
    """Each answered unit's score 0-100 (mean of its 1-5 answers, scaled), or why the answer is
    not acceptable. Units the respondent does not know may be left out; each answered unit must
    answer every question."""
    units = {(u["unit_type"], u["unit_id"]) for u in survey["units"]}
    questions = {q["id"] for q in survey["questions"]}
    out: list[UnitScore] = []
    seen: set[tuple[str, str]] = set()
    for a in answer.answers:
        key = (a.unit_type, a.unit_id)
        if key not in units:
            return f"{a.unit_type} {a.unit_id} is not rated in this survey"
        if key in seen:
            return f"{a.unit_type} {a.unit_id} is answered twice"
        seen.add(key)
        if set(a.scores) != questions:
            return f"answer every question ({', '.join(sorted(questions))}) for {a.unit_id}"
        if any(not 1 <= s <= 5 for s in a.scores.values()):
            return "scores are 1 to 5"
        mean = sum(a.scores.values()) / len(a.scores)
        out.append(
            UnitScore(
                unit_type=a.unit_type,
                unit_id=a.unit_id,
                score=round((mean - 1) / 4 * 100, 2),
            )
        )
    return out
