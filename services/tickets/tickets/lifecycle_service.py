"""Lifecycle moves applied to stored tickets: access, state machine, time limits, audit and
TicketStatusChanged, all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts import TicketStatusChanged
from houqin_shared.contracts.tickets import ComplaintOutcome
from houqin_shared.db import Conn
from houqin_shared.identity import Principal, Role
from houqin_shared.problems import problem
from tickets import sla_service, supervision_service
from tickets.access import may_act
from tickets.lifecycle import (
    Action,
    InvalidTransition,
    NoteRequired,
    NotForTrack,
    Transition,
    transition,
)
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repo
from tickets.sla import SlaClock, clock_for, on_time
from tickets.tracks import OutcomeProblem, check_outcome

_DONE_AT = {"accept": "accepted_at", "arrive": "arrived_at", "finish": "resolved_at"}


async def load(conn: Conn, ticket_id: UUID, p: Principal | None) -> dict[str, Any]:
    """The ticket, locked, if `p` may act on it (None: the system)."""
    t = await repo.get_ticket(conn, ticket_id, lock=True)
    if t is None:
        raise problem("ticket-not-found", f"no ticket {ticket_id}")
    if p is not None and not may_act(p, t["assignee_id"], t["team_id"], t["department_id"]):
        raise problem(
            "ticket-act-forbidden",
            "only the assignee, the team lead, the department head or a supervisor may act on it",
        )
    return t


def check(
    t: dict[str, Any], action: Action, note: str | None, outcome: ComplaintOutcome | None = None
) -> Transition:
    try:
        tr = transition(
            t["status"], action, t["paused_from"], note, t["track"], t["arrived_at"] is not None
        )
        check_outcome(t["track"], action, outcome)
        return tr
    except OutcomeProblem as exc:
        raise problem(exc.slug, str(exc)) from exc
    except NotForTrack as exc:
        raise problem("ticket-action-not-for-track", str(exc)) from exc
    except NoteRequired as exc:
        raise problem("ticket-note-required", str(exc)) from exc
    except InvalidTransition as exc:
        raise problem("ticket-transition-invalid", str(exc)) from exc


async def apply(
    conn: Conn,
    t: dict[str, Any],
    tr: Transition,
    actor: str | None,
    note: str | None,
    now: datetime,
    outcome: ComplaintOutcome | None = None,
) -> dict[str, Any]:
    """Store the move, its audit row and its event; return the updated ticket. A complaint's
    investigation findings stay in the audit row (the complainant sees the reply only)."""
    policy = sla_service.policy_from(t["policy"], t["urgency"])
    cal = await sla_service.calendar(conn)
    clock = sla_service.clock_of(t)
    fields: dict[str, Any] = {"status": tr.to_status, "updated_at": now}
    stage_due = timely = None
    if tr.stage is not None:
        stage_due, timely = t[f"{tr.stage}_due_at"], on_time(policy, cal, clock, tr.stage, now)
        fields[_DONE_AT[tr.stage]] = now
    if tr.action == "pause":
        clock = clock.pause(now)
        fields |= {"paused_at": now, "paused_from": t["status"]}
    elif tr.action == "resume":
        clock = clock.resume(now, clock_for(policy, cal))
        fields |= {"paused_at": None, "paused_from": None, "credit_s": clock.credit_s}
    elif tr.action == "reopen":  # a new round: the clock starts again
        clock = SlaClock(now)
        fields |= {"clock_started_at": now, "credit_s": 0.0, "cycle": t["cycle"] + 1}
        fields |= {"accepted_at": None, "arrived_at": None, "resolved_at": None, "closed_at": None}
        fields["outcome"] = None
    elif tr.action == "close":
        fields["closed_at"] = now
    elif tr.action == "resolve" and outcome is not None:
        fields["outcome"] = outcome
    if tr.action in ("pause", "resume", "reopen"):
        fields |= sla_service.due_fields(policy, cal, clock)
    if tr.action == "reopen":
        fields["esc_stage"] = None  # a new round escalates from its first step
    fields |= sla_service.schedule_fields({**t, **fields}, policy, cal)
    await repo.update_ticket(conn, t["id"], fields)
    detail = {
        "stage": tr.stage,
        "stage_due_at": stage_due and stage_due.isoformat(),
        "on_time": timely,
        "outcome": outcome,
    }
    await repo.add_action(
        conn, t["id"], now, actor, tr.action, tr.from_status, tr.to_status, note, detail
    )
    superior = None
    if tr.action == "cannot_handle":  # reported to the superior automatically
        lead, head = await dir_repo.unit_leads(conn, t["team_id"], t["department_id"])
        superior = lead or head
    await outbox.add(
        conn,
        TicketStatusChanged(
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
            stage_due_at=stage_due,
            on_time=timely,
            superior_id=superior,
            changed_at=now,
            track=t["track"],
            outcome=outcome if tr.action == "resolve" else None,
        ),
    )
    return {**t, **fields}


async def act(
    conn: Conn,
    ticket_id: UUID,
    p: Principal,
    action: Action,
    note: str | None,
    now: datetime,
    outcome: ComplaintOutcome | None = None,
) -> dict[str, Any]:
    t = await load(conn, ticket_id, p)
    moved = await apply(conn, t, check(t, action, note, outcome), p.subject, note, now, outcome)
    if outcome == "upheld" and p.has_any(Role.supervisor):
        await supervision_service.complaint_upheld(conn, moved, p, note or "", now)
    return moved
