"""The overdue sweeper (a worker Periodic): it reads only tickets whose next check is due (an
index on next_check_at), claims them with FOR UPDATE SKIP LOCKED, fires each escalation step
once (a unique key per subject, cycle, stage, level, warning and reminder) and emits
RectificationOverdue in the same transaction.

A cannot_handle ticket is chased until its lead or head decides (escalation.decision_step; the
events say stage finish, the stage that is stuck). A paused ticket whose pause has run out is
resumed by the system (TicketStatusChanged resumed, note 暂停期满): its clock runs again and it
is chased like any other from then on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
from prometheus_client import Counter

from houqin_shared import outbox
from houqin_shared.contracts import RectificationOverdue
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from houqin_shared.service import Periodic
from tickets import lifecycle_service, sla_service
from tickets.escalation import (
    current_stage,
    deadline_limit,
    due_decision_steps,
    due_steps,
    first_level,
)
from tickets.handover import hand_over
from tickets.lifecycle import transition
from tickets.repository import escalations as repo
from tickets.repository import rectifications as rect_repo
from tickets.repository import tickets as tickets_repo
from tickets.rows import DueTicketRow, EscalationKey, FiredEscalation
from tickets.sla import RoundTheClock, WorkingCalendar, clock_for

log = get_logger(__name__)
# For the alert on overdue work by level (deploy/monitoring): each escalation fired once.
OVERDUE = Counter(
    "houqin_tickets_overdue_escalations_total",
    "Escalations the overdue sweeper fired (warnings included), by subject, stage and level",
    ["subject", "stage", "level", "warning"],
)
BATCH = 1000
EVERY_S = 10.0
PAUSE_OVER = "暂停期满，自动恢复计时 (the pause ran out: the clock runs again)"


async def sweep_batch(
    conn: Conn, now: datetime, cal: WorkingCalendar, batch: int = BATCH
) -> tuple[int, int]:
    """One claimed batch, in the caller's transaction: (tickets looked at, escalations fired)."""
    rows = await repo.claim_due(conn, now, batch)
    records: list[FiredEscalation] = []
    events: dict[EscalationKey, RectificationOverdue] = {}
    moves: list[tuple[Any, str | None, int, datetime | None]] = []
    resumes: list[Any] = []
    led = await repo.teams_with_lead(conn, sorted({t["team_id"] for t in rows if t["team_id"]}))
    for t in rows:
        if t["status"] == "paused" and t["pause_until"] is not None:
            if t["pause_until"] <= now:
                resumes.append(t["id"])
            else:
                moves.append((t["id"], t["esc_stage"], t["esc_step"], t["pause_until"]))
            continue
        if t["status"] == "cannot_handle" and t["stuck_at"] is not None:
            moves.append(_chase_decision(t, now, cal, records, events))
            continue
        moves.append(_escalate(t, now, cal, t["team_id"] in led, records, events))
    new = await repo.record(conn, records)
    if new:
        await outbox.add(conn, *(events[k] for k in events if k in new))
        _count(new)
    await repo.reschedule(conn, moves)
    for ticket_id in resumes:
        full = await tickets_repo.get_ticket(conn, ticket_id)
        assert full is not None  # claimed (locked) above
        tr = transition("paused", "resume", full["paused_from"], track=full["track"])
        await lifecycle_service.apply(conn, full, tr, None, PAUSE_OVER, now)
    return len(rows), len(new)


def _escalate(
    t: DueTicketRow,
    now: datetime,
    cal: WorkingCalendar,
    team_has_lead: bool,
    records: list[FiredEscalation],
    events: dict[EscalationKey, RectificationOverdue],
) -> tuple[Any, str | None, int, datetime | None]:
    """The steps of the stage `t` is timed on that are due by `now` (added to `records` and
    `events`), and where its escalation stands next."""
    policy = sla_service.policy_from(t["policy"], t["urgency"])
    stage = current_stage(t, policy)
    limit = policy.limit(stage) if stage else None
    if stage is None or limit is None:
        return (t["id"], None, 0, None)
    index = t["esc_step"] if t["esc_stage"] == stage else 0
    fired, nxt = due_steps(
        index, now, limit, sla_service.clock_of(t), clock_for(policy, cal), cal, policy.chase
    )
    due_at = {
        "accept": t["accept_due_at"], "arrive": t["arrive_due_at"], "finish": t["finish_due_at"]
    }[stage]  # fmt: skip
    for s in fired:
        level = first_level(s.level, s.warning, team_has_lead)
        key = EscalationKey("ticket", t["id"], t["cycle"], stage, level, s.warning, s.seq)
        if key in events:  # level 1 went to the head already: level 2 is not sent twice
            continue
        records.append(FiredEscalation(key, due_at or s.at, now))
        events[key] = RectificationOverdue(
            subject_kind="ticket",
            subject_id=t["id"],
            tracking_no=t["tracking_no"],
            stage=stage,
            level=level,
            warning=s.warning,
            due_at=due_at or s.at,
            overdue_by_s=int((now - due_at).total_seconds()) if due_at else 0,
            department_id=t["department_id"],
            team_id=t["team_id"],
            responsible_id=t["assignee_id"],
            detected_at=now,
        )
    return (t["id"], stage, nxt.index if nxt else index + len(fired), nxt.at if nxt else None)


def _chase_decision(
    t: DueTicketRow,
    now: datetime,
    cal: WorkingCalendar,
    records: list[FiredEscalation],
    events: dict[EscalationKey, RectificationOverdue],
) -> tuple[Any, str | None, int, datetime | None]:
    """Steps due on a cannot_handle ticket nobody has decided: the head, then supervisors."""
    since = t["stuck_at"]
    if since is None:  # declared and then decided meanwhile: nothing to chase
        return (t["id"], None, 0, None)
    index = t["esc_step"] if t["esc_stage"] == "decide" else 0
    every_s = sla_service.policy_from(t["policy"], t["urgency"]).chase.remind_every_s
    fired, nxt = due_decision_steps(index, now, since, cal, every_s)
    for s in fired:
        # one key per declaration: a ticket declared cannot_handle again is chased again
        stage = f"decide-{int(since.timestamp())}"
        key = EscalationKey("ticket", t["id"], t["cycle"], stage, s.level, s.warning, s.seq)
        records.append(FiredEscalation(key, s.at, now))
        events[key] = RectificationOverdue(
            subject_kind="ticket",
            subject_id=t["id"],
            tracking_no=t["tracking_no"],
            stage="finish",
            level=s.level,
            warning=False,
            due_at=s.at,
            overdue_by_s=int((now - s.at).total_seconds()),
            department_id=t["department_id"],
            team_id=t["team_id"],
            responsible_id=t["assignee_id"],
            detected_at=now,
        )
    return t["id"], "decide", nxt.index, nxt.at


async def sweep_rectifications(
    conn: Conn, now: datetime, cal: WorkingCalendar, batch: int = BATCH
) -> tuple[int, int]:
    """Rectification items past (or near) their deadline, like tickets' stages."""
    rows = await rect_repo.claim_due(conn, now, batch)
    records: list[FiredEscalation] = []
    events: dict[EscalationKey, RectificationOverdue] = {}
    moves: list[tuple[Any, int, datetime | None]] = []
    for r in rows:
        if r["status"] != "open":
            moves.append((r["id"], r["esc_step"], None))
            continue
        limit, sla = deadline_limit(r["round_started_at"], r["deadline"])
        fired, nxt = due_steps(r["esc_step"], now, limit, sla, RoundTheClock(), cal)
        for s in fired:
            key = EscalationKey(
                "rectification", r["id"], r["round"], "deadline", s.level, s.warning, s.seq
            )
            records.append(FiredEscalation(key, r["deadline"], now))
            events[key] = RectificationOverdue(
                subject_kind="rectification",
                subject_id=r["id"],
                stage="deadline",
                level=s.level,
                warning=s.warning,
                due_at=r["deadline"],
                overdue_by_s=int((now - r["deadline"]).total_seconds()),
                department_id=r["department_id"],
                team_id=r["team_id"],
                responsible_id=r["responsible_id"],
                detected_at=now,
            )
        moves.append(
            (r["id"], nxt.index if nxt else r["esc_step"] + len(fired), nxt.at if nxt else None)
        )
    new = await repo.record(conn, records)
    if new:
        await outbox.add(conn, *(events[k] for k in events if k in new))
        _count(new)
    await rect_repo.reschedule(conn, moves)
    return len(rows), len(new)


def _count(fired: set[EscalationKey]) -> None:
    for subject, _id, _cycle, stage, level, warning, _seq in fired:
        OVERDUE.labels(subject, stage, str(level), str(bool(warning)).lower()).inc()


async def sweep(pool: asyncpg.Pool, now: datetime | None = None, batch: int = BATCH) -> int:
    """Sweep until nothing due is left unclaimed; returns the escalations fired."""
    at = now or datetime.now(UTC)
    total = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            cal = await sla_service.calendar(conn)
            seen, fired = await sweep_batch(conn, at, cal, batch)
            seen_r, fired_r = await sweep_rectifications(conn, at, cal, batch)
        total += fired + fired_r
        if seen < batch and seen_r < batch:
            break
    if total:
        log.info("escalations_fired", count=total)
    return total


async def _run(pool: asyncpg.Pool) -> None:
    await sweep(pool)
    await hand_over(pool)  # leave that has started hands unaccepted tickets to the backup


PERIODIC = Periodic(name="overdue-sweeper", every_s=EVERY_S, run=_run)
