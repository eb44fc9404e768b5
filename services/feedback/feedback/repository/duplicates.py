"""Open reports at a place, supporters ("me too"), links between duplicates, audiences."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_CANDIDATE = (
    "SELECT r.id, r.tracking_no, r.description, r.filed_at, r.status, r.kind, r.anonymous,"
    " coalesce((SELECT s.public FROM services s WHERE s.code = r.category), false) AS public,"
    " (SELECT count(*) FROM supporters s WHERE s.report_id = r.id) AS supporters,"
    " (SELECT count(*) FROM photos p WHERE p.report_id = r.id) AS photo_count,"
    " (SELECT p.id FROM photos p WHERE p.report_id = r.id ORDER BY p.uploaded_at LIMIT 1)"
    "  AS first_photo_id"
)
_OPEN = (
    " FROM reports r WHERE r.category = $1 AND r.status NOT IN ('closed', 'confirmed')"
    " AND r.primary_id IS NULL AND r.id <> $2"
)


async def open_in_room(
    conn: Conn, category: str, building: str, room: str, exclude: UUID, limit: int
) -> list[dict[str, Any]]:
    """Open reports of `category` in this room, newest first (their location is known)."""
    rows = await conn.fetch(
        _CANDIDATE + _OPEN + " AND r.location->>'building' = $3 AND r.location->>'room' = $4"
        " ORDER BY r.filed_at DESC LIMIT $5",
        category,
        exclude,
        building,
        room,
        limit,
    )
    return [dict(r) for r in rows]


async def open_in_box(
    conn: Conn, category: str, box: tuple[float, float, float, float], exclude: UUID, limit: int
) -> list[dict[str, Any]]:
    """Open reports of `category` with a position inside `box`, with their location."""
    rows = await conn.fetch(
        _CANDIDATE + ", r.location" + _OPEN + " AND r.location->>'lat' IS NOT NULL"
        " AND (r.location->>'lat')::float8 BETWEEN $3 AND $4"
        " AND (r.location->>'long')::float8 BETWEEN $5 AND $6"
        " ORDER BY r.filed_at DESC LIMIT $7",
        category,
        exclude,
        *box,
        limit,
    )
    return [dict(r) for r in rows]


async def add_supporter(conn: Conn, report_id: UUID, user_id: str, at: datetime) -> bool:
    done = await conn.fetchval(
        "INSERT INTO supporters (report_id, user_id, at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING report_id",
        report_id,
        user_id,
        at,
    )
    return done is not None


async def supporter_count(conn: Conn, report_id: UUID) -> int:
    return int(
        await conn.fetchval("SELECT count(*) FROM supporters WHERE report_id = $1", report_id)
    )


async def is_supporter(conn: Conn, report_id: UUID, user_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM supporters WHERE report_id = $1 AND user_id = $2", report_id, user_id
    )
    return found is not None


async def supported_by(conn: Conn, user_id: str, limit: int) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT report_id FROM supporters WHERE user_id = $1 ORDER BY at DESC LIMIT $2",
        user_id,
        limit,
    )
    return [r["report_id"] for r in rows]


async def link(conn: Conn, report_id: UUID, primary_id: UUID, by: str, at: datetime) -> None:
    """Link the report to its primary; from now on it follows the primary's ticket, starting
    from where that ticket is (a resolved one waits for this reporter's confirmation too)."""
    await conn.execute(
        "UPDATE reports d SET primary_id = p.id, linked_by = $3, linked_at = $4,"
        " ticket_id = coalesce(p.ticket_id, d.ticket_id),"
        " ticket_status = coalesce(p.ticket_status, d.ticket_status),"
        " department_id = coalesce(p.department_id, d.department_id),"
        " team_id = coalesce(p.team_id, d.team_id),"
        " assignees = CASE WHEN p.ticket_id IS NULL THEN d.assignees ELSE p.assignees END,"
        " status = CASE WHEN p.ticket_status IS NULL THEN d.status"
        "   WHEN p.ticket_status = 'new' THEN 'ticket_opened' ELSE p.ticket_status END,"
        " explanation = CASE WHEN p.ticket_status = 'cannot_handle' THEN p.explanation"
        "   ELSE d.explanation END,"
        " resolved_at = CASE WHEN p.ticket_id IS NULL THEN d.resolved_at ELSE p.resolved_at END,"
        " awaiting_confirmation = CASE WHEN p.ticket_id IS NULL THEN d.awaiting_confirmation"
        "   ELSE p.ticket_status = 'resolved' END"
        " FROM reports p WHERE d.id = $1 AND p.id = $2",
        report_id,
        primary_id,
        by,
        at,
    )


async def audience(conn: Conn, primary_id: UUID) -> list[str]:
    """Every user to tell about the group led by `primary_id`: its reporters (anonymous ones
    included, for notify's own delivery) and supporters, of it and of each linked report."""
    rows = await conn.fetch(
        "WITH grp AS (SELECT id FROM reports WHERE id = $1 OR primary_id = $1)"
        " SELECT reporter_id AS user_id FROM reports WHERE id IN (SELECT id FROM grp)"
        "  AND reporter_id IS NOT NULL"
        " UNION SELECT user_id FROM supporters WHERE report_id IN (SELECT id FROM grp)"
        " ORDER BY 1",
        primary_id,
    )
    return [r["user_id"] for r in rows]
