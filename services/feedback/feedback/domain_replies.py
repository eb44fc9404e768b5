"""Published replies (公示, issue 14): a suggestion or consultation answered by its team lead,
department head or a supervisor may be put on the public board, worded by them for the public
(the question and the reply; the reporter's own words and identity never). Only for a report
the public may see (a public service, not anonymous: feedback.domain_public). No I/O."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from feedback import domain_public
from houqin_shared.principal import Principal, Role
from houqin_shared.strict import NONBLANK_PLAIN, TrimmedModel

ANSWERED = frozenset({"resolved", "closed"})


class PublicReplyIn(TrimmedModel):
    question: str = Field(
        min_length=1, max_length=500, pattern=NONBLANK_PLAIN,
        description="The question as the public reads it (no names, rooms or phone numbers).",
    )  # fmt: skip
    reply: str = Field(
        min_length=1, max_length=2000, pattern=NONBLANK_PLAIN, description="The answer."
    )


def publish_refusal(report: dict[str, Any], who: Principal) -> str | None:
    """Why `who` may not publish this report's reply: a problem slug, or None."""
    supervisor = who.has_any(Role.supervisor)
    head = who.has_any(Role.dept_head) and who.department_id == report["department_id"]
    lead = who.has_any(Role.team_lead) and bool(report["team_id"])
    lead = lead and who.team_id == report["team_id"]
    if not (supervisor or head or lead):
        return "public-reply-forbidden"
    if report["kind"] not in ("suggestion", "consultation") or not domain_public.is_public(report):
        return "public-reply-not-public"
    if report["ticket_status"] not in ANSWERED:
        return "public-reply-not-answered"
    return None
