"""Lifecycle moves applied to stored tickets: access, state machine, time limits, audit and
TicketStatusChanged, all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts import TicketStatusChanged
from houqin_shared.contracts.tickets import ComplaintOutcome, PauseReason
from houqin_shared.db import Conn
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import problem
from tickets import sla_service, supervision_service
from tickets.access import may_act, may_manage
from tickets.escalation import decision_step
from tickets.lifecycle import (
    MANAGERS_ONLY,
    Action,
    InvalidTransition,
    NoteRequired,
    NotForTrack,
    Transition,
    stage_on_time,
    transition,
)
from tickets.pauses import Pause, PauseRefused, plan_pause
from tickets.repository import directory as dir_repo
from tickets.repository import policies as policy_repo
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
    pause: Pause | None = None,
) -> dict[str, Any]:
    """Store the move, its audit row and its event; return the updated ticket. A complaint's
    investigation findings stay in the audit row (the complainant sees the reply only)."""
    policy = sla_service.policy_from(t["policy"], t["urgency"])
    cal = await sla_service.calendar(conn)
    clock = sla_service.clock_of(t)
    fields: dict[str, Any] = {"status": tr.to_status, "updated_at": now}
    stage_due = timely = None
    if tr.stage is not None:
        stage_due = t[f"{tr.stage}_due_at"]
        timely = stage_on_time(tr.action, on_time(policy, cal, clock, tr.stage, now))
        fields[_DONE_AT[tr.stage]] = now
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
        fields |= {"accepted_at": None, "arrived_at": None, "resolved_at": None, "closed_at": None}
        fields |= {"outcome": None, "stuck_at": None, "closed_as": None}
        fields |= {"reason_accepted_by": None, "reason_accepted_at": None}
    elif tr.action == "close":
        fields["closed_at"] = now
    elif tr.action == "cannot_do":
        fields |= {"closed_at": now, "closed_as": "cannot_be_done", "stuck_at": None}
    elif tr.action == "cannot_handle":
        fields["stuck_at"] = now
    elif tr.action == "resolve" and outcome is not None:
        fields["outcome"] = outcome
    if tr.action in ("pause", "resume", "reopen"):
        fields |= sla_service.due_fields(policy, cal, clock)
    if tr.action == "reopen":
        fields["esc_stage"] = None  # a new round escalates from its first step
    fields |= sla_service.schedule_fields({**t, **fields}, policy, cal)
    if tr.action == "cannot_handle":  # chased until the lead or head decides
        nxt = decision_step(0, now, cal, policy.chase.remind_every_s)
        fields |= {"esc_stage": "decide", "esc_step": 0, "next_check_at": nxt.at}
    elif pause is not None:  # looked at again when the pause runs out
        fields["next_check_at"] = pause.until
    await repo.update_ticket(conn, t["id"], fields)
    detail: dict[str, Any] = {
        "stage": tr.stage,
        "stage_due_at": stage_due and stage_due.isoformat(),
        "on_time": timely,
        "outcome": outcome,
    }
    if pause is not None:
        detail |= {"pause_reason": pause.reason, "pause_days": pause.days}
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
            pause_reason=pause.reason if pause else None,
            pause_until=pause.until if pause else None,
            closed_as="cannot_be_done" if tr.action == "cannot_do" else None,
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
    pause_reason: PauseReason | None = None,
    pause_days: int | None = None,
) -> dict[str, Any]:
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
    t: dict[str, Any],
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
