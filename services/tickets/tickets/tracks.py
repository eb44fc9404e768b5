"""Each kind of report its own path (no I/O): which track a report's ticket follows, who handles
it, its time limits, and what answering a complaint needs.

- repair (报修): the post's on-duty primary or backup, stages accept / on site / resolve.
- complaint (投诉): the head of the department that owns the place and work (else a quality
  supervisor), never the team complained about; acknowledge (accept), investigate (arrive) and
  reply (finish) limits; the reply names an outcome.
- answer (建议, 咨询): the owning team's lead (else the department head, else a supervisor); one
  limit, the reply (finish).
- praise (表扬): no ticket at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from houqin_shared.contracts.tickets import ComplaintOutcome, Track
from tickets.recurring import TicketRules
from tickets.routing import Route
from tickets.sla import Policy

OUTCOMES: frozenset[str] = frozenset(get_args(ComplaintOutcome))
_TRACKS: dict[str, Track] = {
    "repair": "repair",
    "complaint": "complaint",
    "suggestion": "answer",
    "consultation": "answer",
}
Role = Literal["department_head", "team_lead", "supervisor"]


def track_of(kind: str) -> Track | None:
    """The track of a report's kind; None: the kind opens no work (praise)."""
    return _TRACKS.get(kind)


def policy_of(track: Track, rules: TicketRules, reply_minutes: int | None = None) -> Policy | None:
    """A complaint's or answer's limits from the ticket rules (working time), an answer's reply
    deadline the catalogue's for its service (`reply_minutes`) when it publishes one; None for a
    repair (the catalogue's limits for its category and urgency apply)."""
    if track == "complaint":
        return Policy(
            rules.complaint_acknowledge_minutes * 60,
            rules.complaint_investigate_minutes * 60,
            rules.complaint_reply_minutes * 60,
        )
    if track == "answer":
        return Policy(None, None, (reply_minutes or rules.answer_reply_minutes) * 60)
    return None


@dataclass(frozen=True)
class Handler:
    """Who a complaint or answer ticket goes to, and the team it is filed under (None for a
    complaint: the team complained about must not see it in its queue)."""

    assignee_id: str | None
    role: Role | None
    team_id: str | None


def handler(
    track: Track,
    r: Route,
    heads: Mapping[str, str | None],
    leads: Mapping[str, str | None],
    supervisors: Sequence[str],
) -> Handler:
    """The department head for a complaint (a quality supervisor when the department has none);
    the team lead, else the department head, else a supervisor for an answer."""
    head = heads.get(r.department_id) if r.department_id else None
    supervisor = supervisors[0] if supervisors else None
    if track == "complaint":
        if head:
            return Handler(head, "department_head", None)
        return Handler(supervisor, "supervisor" if supervisor else None, None)
    lead = leads.get(r.team_id) if r.team_id else None
    for who, role in ((lead, "team_lead"), (head, "department_head"), (supervisor, "supervisor")):
        if who:
            return Handler(who, role, r.team_id)  # type: ignore[arg-type]
    return Handler(None, None, r.team_id)


class OutcomeProblem(Exception):
    """A resolve whose outcome does not fit the track; `slug` is the problem type."""

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug


def check_outcome(track: str, action: str, outcome: str | None) -> None:
    """Resolving a complaint needs an outcome; nothing else takes one."""
    if track == "complaint" and action == "resolve":
        if outcome not in OUTCOMES:
            raise OutcomeProblem(
                "complaint-outcome-required",
                "resolving a complaint needs outcome upheld, partly_upheld or not_upheld",
            )
    elif outcome is not None:
        raise OutcomeProblem(
            "ticket-outcome-not-for-track", "only resolving a complaint takes an outcome"
        )


def assigned_via(stored: str) -> dict[str, str]:
    """TicketAssigned's `via` (and `as_role`) for a ticket's stored assigned_via: a role a
    complaint or answer ticket was given by is `manual` with that role."""
    if stored in ("primary", "backup", "manual"):
        return {"via": stored}
    return {"via": "manual", "as_role": stored}


def may_take_complaint(about_team_id: str | None, staff_team_id: str | None) -> bool:
    """A complaint is never assigned to a member of the team it is about."""
    return about_team_id is None or staff_team_id != about_team_id
