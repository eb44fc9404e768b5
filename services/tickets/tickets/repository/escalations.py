"""Escalation SQL: claim what is due (SKIP LOCKED), record fired escalations once, reschedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from houqin_shared.db import Conn
from tickets.rows import DueTicketRow, EscalationKey, FiredEscalation

DUE_COLUMNS = (
    "id, report_id, tracking_no, status, urgency, policy, opened_at, clock_started_at, credit_s,"
    " paused_at, accepted_at, arrived_at, resolved_at, esc_stage, esc_step, cycle, team_id,"
    " department_id, assignee_id, accept_due_at, arrive_due_at, finish_due_at, stuck_at,"
    " pause_until"
)
_CLAIM = f"""
SELECT {DUE_COLUMNS}
FROM tickets
WHERE next_check_at <= $1
ORDER BY next_check_at
LIMIT $2
FOR UPDATE SKIP LOCKED
"""

_RECORD = """
INSERT INTO escalations (subject_kind, subject_id, cycle, stage, level, warning, seq, due_at, fired_at)
SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::int[], $6::bool[],
                     $7::int[], $8::timestamptz[], $9::timestamptz[])
ON CONFLICT DO NOTHING
RETURNING subject_kind, subject_id, cycle, stage, level, warning, seq
"""

_RESCHEDULE = """
UPDATE tickets SET esc_stage = u.stage, esc_step = u.step, next_check_at = u.next_at
FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[]) AS u (id, stage, step, next_at)
WHERE tickets.id = u.id
"""


async def claim_due(conn: Conn, now: datetime, limit: int) -> list[DueTicketRow]:
    return [cast(DueTicketRow, dict(r)) for r in await conn.fetch(_CLAIM, now, limit)]


async def record(conn: Conn, rows: list[FiredEscalation]) -> set[EscalationKey]:
    """Insert fired escalations; the keys that were new (a replica may have fired the rest)."""
    if not rows:
        return set()
    cols = list(zip(*((*r.key, r.due_at, r.fired_at) for r in rows), strict=True))
    got = await conn.fetch(_RECORD, *cols)
    return {EscalationKey(**dict(r)) for r in got}


async def teams_with_lead(conn: Conn, team_ids: list[str]) -> set[str]:
    """Which of these teams have a team lead (level 1 of their tickets' chase goes to them)."""
    if not team_ids:
        return set()
    rows = await conn.fetch(
        "SELECT id FROM teams WHERE id = ANY($1::text[]) AND lead_id IS NOT NULL", team_ids
    )
    return {r["id"] for r in rows}


async def reschedule(conn: Conn, rows: list[tuple[Any, str | None, int, datetime | None]]) -> None:
    if rows:
        await conn.execute(_RESCHEDULE, *(list(c) for c in zip(*rows, strict=True)))


async def fired(conn: Conn, subject_id: Any) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT cycle, stage, level, warning, seq, due_at, fired_at FROM escalations"
        " WHERE subject_id = $1 ORDER BY fired_at, level",
        subject_id,
    )
    return [dict(r) for r in rows]
