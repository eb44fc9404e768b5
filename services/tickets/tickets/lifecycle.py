"""The ticket state machine without I/O.

new → assigned → accepted → on_site → resolved → closed, with reopened (FixRejected),
cannot_handle (explanation required), and paused (clock stopped) from accepted or on_site.
A cannot_handle ticket waits for its team lead or department head (tickets.decisions): they
reassign or transfer it, or close it as cannot be done (不能办理, `cannot_do`, a reason the
reporter sees), which completes the finish stage late unless a supervisor accepts the reason.

A complaint ticket (tickets.tracks) is acknowledged (accept), investigated (findings noted; it
stays accepted) and answered (resolve); an answer ticket (suggestion, consultation) is answered
(resolve) from wherever it waits. Neither goes on site nor pauses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from houqin_shared.contracts import TicketStatusChanged
from houqin_shared.contracts.tickets import ComplaintOutcome
from tickets.escalation import decision_step, schedule_fields
from tickets.pauses import Pause
from tickets.sla import (
    Policy,
    SlaClock,
    Stage,
    WorkingCalendar,
    clock_for,
    clock_of,
    due_fields,
    on_time,
)

Action = Literal[
    "accept",
    "on_site",
    "investigate",
    "resolve",
    "cannot_handle",
    "pause",
    "resume",
    "close",
    "reopen",
    "cannot_do",
]
OPEN = frozenset({"new", "assigned", "accepted", "on_site", "paused", "reopened"})
# cannot_handle too: the lead or head decides by reassigning or transferring it.
TRANSFERABLE = frozenset({"new", "assigned", "accepted", "reopened", "cannot_handle"})
# Where a reassignment or an accepted transfer starts the ticket again.
RESTARTS = frozenset({"new", "assigned", "accepted", "cannot_handle"})

_RULES: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"assigned", "reopened"}), "accepted"),
    "on_site": (frozenset({"accepted"}), "on_site"),
    "investigate": (frozenset({"accepted"}), "accepted"),
    "resolve": (frozenset({"accepted", "on_site"}), "resolved"),
    "cannot_handle": (
        frozenset({"new", "assigned", "accepted", "on_site", "reopened"}),
        "cannot_handle",
    ),
    "pause": (frozenset({"accepted", "on_site"}), "paused"),
    "resume": (frozenset({"paused"}), "*"),  # back to where it paused
    "close": (frozenset({"resolved", "cannot_handle"}), "closed"),
    "reopen": (frozenset({"resolved", "closed", "cannot_handle"}), "reopened"),
    "cannot_do": (frozenset({"cannot_handle"}), "closed"),
}
# A pause needs a listed reason instead (tickets.pauses).
NEEDS_NOTE = frozenset({"resolve", "cannot_handle", "investigate", "cannot_do"})
# Moves only a team lead, a department head or a supervisor makes.
MANAGERS_ONLY = frozenset({"cannot_do"})
STAGE_OF: dict[str, Stage] = {
    "accept": "accept",
    "on_site": "arrive",
    "investigate": "arrive",
    "resolve": "finish",
    "cannot_do": "finish",
}
_COMMON = frozenset({"accept", "resolve", "cannot_handle", "close", "reopen", "cannot_do"})
ACTIONS_OF: dict[str, frozenset[str]] = {
    "repair": frozenset(_RULES) - {"investigate"},
    "complaint": _COMMON | {"investigate"},
    "answer": _COMMON,
}
# An answer may be given without accepting first.
_FROM: dict[tuple[str, str], frozenset[str]] = {
    ("answer", "resolve"): frozenset({"new", "assigned", "accepted", "reopened"}),
}


def stage_on_time(action: str, timely: bool | None) -> bool | None:
    """A close as cannot be done counts as late, whatever the clock says (until a supervisor
    accepts the reason: tickets.decisions)."""
    return False if action == "cannot_do" else timely


class InvalidTransition(Exception):
    pass


class NoteRequired(InvalidTransition):
    pass


class NotForTrack(InvalidTransition):
    pass


@dataclass(frozen=True)
class Transition:
    action: Action
    from_status: str
    to_status: str
    event_status: str  # what TicketStatusChanged says ("resumed" for a resume)
    stage: Stage | None


def transition(
    status: str,
    action: Action,
    paused_from: str | None = None,
    note: str | None = None,
    track: str = "repair",
    investigated: bool = False,
) -> Transition:
    """The move `action` makes from `status` on a ticket of `track`, or InvalidTransition
    (nothing changes); NotForTrack for a step the track does not have."""
    if action not in ACTIONS_OF.get(track, ACTIONS_OF["repair"]):
        raise NotForTrack(f"a {track} ticket has no {action} step")
    allowed, target = _RULES[action]
    allowed = _FROM.get((track, action), allowed)
    if status not in allowed or (action == "investigate" and investigated):
        raise InvalidTransition(f"cannot {action} a ticket that is {status}")
    if action in NEEDS_NOTE and not (note and note.strip()):
        raise NoteRequired(f"{action} needs a note (a reply, an explanation or a reason)")
    if action == "resume":
        target = paused_from or "accepted"
    return Transition(
        action, status, target, "resumed" if action == "resume" else target, STAGE_OF.get(action)
    )


# --- what a move changes ----------------------------------------------------------------------

_DONE_AT = {"accept": "accepted_at", "arrive": "arrived_at", "finish": "resolved_at"}
_NEW_ROUND = dict.fromkeys(
    ("accepted_at", "arrived_at", "resolved_at", "closed_at", "outcome", "stuck_at", "closed_as")
) | {"reason_accepted_by": None, "reason_accepted_at": None}


@dataclass(frozen=True)
class Effects:
    """What a move does to a ticket: its new field values (status, stage times, clock, due
    times, escalation schedule), and the stage it completes with that stage's due time and
    whether it was met."""

    fields: dict[str, Any]
    stage_due: datetime | None
    on_time: bool | None


def effects(
    t: Mapping[str, Any],
    tr: Transition,
    now: datetime,
    policy: Policy,
    cal: WorkingCalendar,
    outcome: ComplaintOutcome | None = None,
    pause: Pause | None = None,
) -> Effects:
    """The fields `tr` changes on stored ticket `t` at `now`, under its time limits."""
    fields: dict[str, Any] = {"status": tr.to_status, "updated_at": now}
    stage_due = timely = None
    if tr.stage is not None:
        stage_due = t[f"{tr.stage}_due_at"]
        timely = stage_on_time(tr.action, on_time(policy, cal, clock_of(t), tr.stage, now))
        fields[_DONE_AT[tr.stage]] = now
    fields |= _clock_fields(t, tr, now, policy, cal, pause)
    fields |= _closing_fields(t, tr, now, outcome)
    fields |= schedule_fields({**t, **fields}, policy, cal)
    if tr.action == "cannot_handle":  # chased until the lead or head decides
        nxt = decision_step(0, now, cal, policy.chase.remind_every_s)
        fields |= {"esc_stage": "decide", "esc_step": 0, "next_check_at": nxt.at}
    elif pause is not None:  # looked at again when the pause runs out
        fields["next_check_at"] = pause.until
    return Effects(fields, stage_due, timely)


def _clock_fields(
    t: Mapping[str, Any],
    tr: Transition,
    now: datetime,
    policy: Policy,
    cal: WorkingCalendar,
    pause: Pause | None,
) -> dict[str, Any]:
    """A pause stops the clock, a resume restarts it (crediting the time paused), a reopen
    starts a new round; each moves the due times."""
    clock = clock_of(t)
    fields: dict[str, Any] = {}
    if tr.action == "pause":
        clock = clock.pause(now)
        fields |= {"paused_at": now, "paused_from": t["status"]}
        if pause is not None:
            fields |= {"pause_reason": pause.reason, "pause_until": pause.until}
    elif tr.action == "resume":
        clock = clock.resume(now, clock_for(policy, cal))
        fields |= {"paused_at": None, "paused_from": None, "credit_s": clock.credit_s}
        fields |= {"pause_reason": None, "pause_until": None}
    elif tr.action == "reopen":  # a new round: the clock starts again
        clock = SlaClock(now)
        fields |= {"clock_started_at": now, "credit_s": 0.0, "cycle": t["cycle"] + 1}
    else:
        return fields
    return fields | due_fields(policy, cal, clock)


def _closing_fields(
    t: Mapping[str, Any], tr: Transition, now: datetime, outcome: ComplaintOutcome | None
) -> dict[str, Any]:
    if tr.action == "reopen":  # a new round escalates from its first step
        return _NEW_ROUND | {"esc_stage": None}
    if tr.action == "close":
        return {"closed_at": now}
    if tr.action == "cannot_do":
        return {"closed_at": now, "closed_as": "cannot_be_done", "stuck_at": None}
    if tr.action == "cannot_handle":
        return {"stuck_at": now}
    if tr.action == "resolve" and outcome is not None:
        return {"outcome": outcome}
    return {}


def audit_detail(
    tr: Transition, done: Effects, outcome: ComplaintOutcome | None, pause: Pause | None
) -> dict[str, Any]:
    """The audit row's detail (a complaint's investigation findings stay in its note)."""
    detail: dict[str, Any] = {
        "stage": tr.stage,
        "stage_due_at": done.stage_due and done.stage_due.isoformat(),
        "on_time": done.on_time,
        "outcome": outcome,
    }
    if pause is not None:
        detail |= {"pause_reason": pause.reason, "pause_days": pause.days}
    return detail


def status_changed(
    t: Mapping[str, Any],
    tr: Transition,
    done: Effects,
    *,
    actor: str | None,
    note: str | None,
    now: datetime,
    outcome: ComplaintOutcome | None,
    pause: Pause | None,
    superior: str | None,
) -> TicketStatusChanged:
    """The event of the move (the complainant never sees investigation findings)."""
    return TicketStatusChanged(
        ticket_id=t["id"],
        report_id=t["report_id"],
        tracking_no=t["tracking_no"],
        status=tr.event_status,
        previous_status=tr.from_status,
        actor_id=actor,
        department_id=t["department_id"],
        team_id=t["team_id"],
        assignee_id=t["assignee_id"],
        note=None if tr.action == "investigate" else note,
        stage=tr.stage,
        stage_due_at=done.stage_due,
        on_time=done.on_time,
        superior_id=superior,
        changed_at=now,
        track=t["track"],
        outcome=outcome if tr.action == "resolve" else None,
        pause_reason=pause.reason if pause else None,
        pause_until=pause.until if pause else None,
        closed_as="cannot_be_done" if tr.action == "cannot_do" else None,
    )
