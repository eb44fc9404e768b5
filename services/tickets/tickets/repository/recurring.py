"""Recurring problems (重复问题): detections, the list managers review, acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_COLUMNS = (
    "p.problem_id, p.category, p.place_key, p.location, p.department_id, p.team_id,"
    " p.ticket_ids, p.count, p.detections, p.first_detected_at, p.last_detected_at,"
    " p.acknowledged_at, p.acknowledged_by, p.acknowledgement,"
    " b.name AS building_name, d.name AS department_name, tm.name AS team_name"
)
_FROM = (
    " FROM recurring_problems p"
    " LEFT JOIN areas b ON b.id = p.location->>'building'"
    " LEFT JOIN departments d ON d.id = p.department_id"
    " LEFT JOIN teams tm ON tm.id = p.team_id"
)


async def mark(
    conn: Conn,
    problem: str,
    at: datetime,
    window_start: datetime,
    *,
    category: str,
    place_key: str,
    location: dict[str, Any],
    department_id: str | None,
    team_id: str | None,
    ticket_ids: list[UUID],
) -> bool:
    """Record a detection unless one was made inside the window; True when this one counts.
    A problem that comes back after it was acknowledged is open again."""
    done = await conn.fetchval(
        "INSERT INTO recurring_problems (problem_id, last_detected_at, first_detected_at, count,"
        " category, place_key, location, department_id, team_id, ticket_ids)"
        " VALUES ($1, $2, $2, $3, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (problem_id) DO UPDATE SET last_detected_at = EXCLUDED.last_detected_at,"
        " count = EXCLUDED.count, category = EXCLUDED.category, place_key = EXCLUDED.place_key,"
        " location = EXCLUDED.location, department_id = EXCLUDED.department_id,"
        " team_id = EXCLUDED.team_id, ticket_ids = EXCLUDED.ticket_ids,"
        " detections = recurring_problems.detections + 1, acknowledged_at = NULL,"
        " acknowledged_by = NULL, acknowledgement = NULL"
        " WHERE recurring_problems.last_detected_at < $4 RETURNING true",
        problem,
        at,
        len(ticket_ids),
        window_start,
        category,
        place_key,
        location,
        department_id,
        team_id,
        ticket_ids,
    )
    return bool(done)


async def listing(
    conn: Conn,
    department_id: str | None,
    team_id: str | None,
    open_only: bool,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """Newest detection first; within a department or team when given; only those not
    acknowledged since they last came back when `open_only`."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS}{_FROM}"
        " WHERE ($1::text IS NULL OR p.department_id = $1) AND ($2::text IS NULL OR p.team_id = $2)"
        " AND (NOT $3 OR p.acknowledged_at IS NULL)"
        " ORDER BY p.last_detected_at DESC, p.problem_id LIMIT $4 OFFSET $5",
        department_id,
        team_id,
        open_only,
        limit,
        offset,
    )
    return [_row(r) for r in rows]


async def get(conn: Conn, problem: str, for_update: bool = False) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF p" if for_update else ""
    row = await conn.fetchrow(f"SELECT {_COLUMNS}{_FROM} WHERE p.problem_id = $1{lock}", problem)
    return _row(row) if row is not None else None


async def acknowledge(conn: Conn, problem: str, by: str, note: str, at: datetime) -> None:
    await conn.execute(
        "UPDATE recurring_problems SET acknowledged_at = $2, acknowledged_by = $3,"
        " acknowledgement = $4 WHERE problem_id = $1",
        problem,
        at,
        by,
        note,
    )


def _row(r: Any) -> dict[str, Any]:
    return dict(r)  # location: the pool's jsonb codec decodes it
