"""Lifecycle moves applied to stored tickets: access, state machine, time limits, audit and
TicketStatusChanged, all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts.tickets import ComplaintOutcome, PauseReason
from houqin_shared.db import Conn
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import problem
from tickets import sla_service, supervision_service
from tickets.access import may_act, may_manage
from tickets.lifecycle import (
    MANAGERS_ONLY,
    Action,
    InvalidTransition,
    NoteRequired,
    NotForTrack,
    Transition,
    audit_detail,
    effects,
    status_changed,
    transition,
)
from tickets.pauses import Pause, PauseRefused, plan_pause
from tickets.repository import directory as dir_repo
from tickets.repository import policies as policy_repo
from tickets.repository import tickets as repo
from tickets.rows import TicketRow, ticket_with
from tickets.tracks import OutcomeProblem, check_outcome


async def load(conn: Conn, ticket_id: UUID, p: Principal | None) -> TicketRow:
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
    t: TicketRow, action: Action, note: str | None, outcome: ComplaintOutcome | None = None
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
    t: TicketRow,
    tr: Transition,
    actor: str | None,
    note: str | None,
    now: datetime,
    outcome: ComplaintOutcome | None = None,
    pause: Pause | None = None,
) -> TicketRow:
    """Store the move, its audit row and its event; return the updated ticket. A complaint's
    investigation findings stay in the audit row (the complainant sees the reply only)."""
    policy = sla_service.policy_from(t["policy"], t["urgency"])
    done = effects(t, tr, now, policy, await sla_service.calendar(conn), outcome, pause)
    await repo.update_ticket(conn, t["id"], done.fields)
    detail = audit_detail(tr, done, outcome, pause)
    await repo.add_action(
        conn, t["id"], now, actor, tr.action, tr.from_status, tr.to_status, note, detail
    )
    superior = None
    if tr.action == "cannot_handle":  # reported to the superior automatically
        lead, head = await dir_repo.unit_leads(conn, t["team_id"], t["department_id"])
        superior = lead or head
    event = status_changed(
        t, tr, done, actor=actor, note=note, now=now, outcome=outcome, pause=pause,
        superior=superior,
    )  # fmt: skip
    await outbox.add(conn, event)
    return ticket_with(t, done.fields)


async def act(
    conn: Conn,
    ticket_id: UUID,
    p: Principal,
    action: Action,
    note: str | None,
    now: datetime,
    outcome: ComplaintOutcome | None = None,
    pause_reason: PauseReason | None = None,
    pause_days: int | None = None,
) -> TicketRow:
    t = await load(conn, ticket_id, p)
    if action in MANAGERS_ONLY and not may_manage(p, t["team_id"], t["department_id"]):
        raise problem(
            "ticket-decide-forbidden",
            "only the team lead, the department head or a supervisor closes a ticket as cannot"
            " be done",
        )
    tr = check(t, action, note, outcome)
    pause = None
    if action == "pause":
        pause = await _pause(conn, t, p, pause_reason, pause_days, note, now)
        note = pause.note
    moved = await apply(conn, t, tr, p.subject, note, now, outcome, pause)
    if outcome == "upheld" and p.has_any(Role.supervisor):
        await supervision_service.complaint_upheld(conn, moved, p, note or "", now)
    return moved


async def _pause(
    conn: Conn,
    t: TicketRow,
    p: Principal,
    reason: PauseReason | None,
    days: int | None,
    note: str | None,
    now: datetime,
) -> Pause:
    """The pause `p` asks for, within the rules (a longer one only by a lead, head or
    supervisor)."""
    rules = await policy_repo.get_rules(conn)
    cal = await sla_service.calendar(conn)
    approver = may_manage(p, t["team_id"], t["department_id"])
    used = await repo.pause_days_since(conn, t["id"], t["clock_started_at"] or t["opened_at"])
    try:
        return plan_pause(reason, days, note, now, cal, rules.pause_max_days, approver, used)
    except PauseRefused as exc:
        raise problem(exc.slug, str(exc)) from exc
