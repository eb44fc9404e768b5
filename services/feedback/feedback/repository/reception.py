"""Reception-day sessions and the reports logged at them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def insert_session(conn: Conn, row: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO reception_sessions (id, held_on, place, leaders, created_by, created_at)"
        " VALUES ($1,$2,$3,$4,$5,$6)",
        row["id"],
        row["held_on"],
        row["place"],
        row["leaders"],
        row["created_by"],
        row["created_at"],
    )


async def get_session(conn: Conn, session_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, held_on, place, leaders FROM reception_sessions WHERE id = $1", session_id
    )
    return dict(row) if row else None


async def list_sessions(conn: Conn, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, held_on, place, leaders FROM reception_sessions ORDER BY held_on DESC LIMIT $1",
        limit,
    )
    return [dict(r) for r in rows]


async def reports_of_session(conn: Conn, origin: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT r.id, r.tracking_no, r.kind, r.category, r.description, r.status, r.filed_at,"
        " (SELECT e.note FROM report_events e WHERE e.report_id = r.id"
        "   AND e.kind = 'answered_on_spot' LIMIT 1) AS answer"
        " FROM reports r WHERE r.channel = 'reception_day' AND r.origin = $1"
        " ORDER BY r.filed_at LIMIT 500",
        origin,
    )
    return [dict(r) for r in rows]


async def session_exists(conn: Conn, session_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM reception_sessions WHERE id::text = $1", session_id.lower()
    )
    return found is not None
