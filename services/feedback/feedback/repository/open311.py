"""Reports as Open311 service requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_SELECT = (
    "SELECT r.tracking_no, r.id, r.category, r.status, r.explanation, r.description,"
    " r.department_id, r.filed_at, r.location, r.urgency, s.name AS service_name, s.limits,"
    " (SELECT max(e.at) FROM report_events e WHERE e.report_id = r.id) AS updated_at,"
    " r.media_url, (SELECT p.id FROM photos p WHERE p.report_id = r.id"
    "  ORDER BY p.uploaded_at, p.id LIMIT 1) AS first_photo_id"
    " FROM reports r LEFT JOIN services s ON s.code = r.category"
)
_CLOSED = "('closed', 'confirmed')"


async def by_tracking_numbers(conn: Conn, numbers: list[str]) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _SELECT + " WHERE r.tracking_no = ANY($1::text[]) ORDER BY r.filed_at DESC", numbers
    )
    return [dict(r) for r in rows]


async def search(
    conn: Conn,
    codes: list[str],
    start: datetime,
    end: datetime,
    want_open: bool,
    want_closed: bool,
    limit: int,
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _SELECT + " WHERE r.filed_at >= $1 AND r.filed_at <= $2"
        " AND (cardinality($3::text[]) = 0 OR r.category = ANY($3::text[]))"
        f" AND (($4 AND r.status NOT IN {_CLOSED}) OR ($5 AND r.status IN {_CLOSED}))"
        " ORDER BY r.filed_at DESC LIMIT $6",
        start,
        end,
        codes,
        want_open,
        want_closed,
        limit,
    )
    return [dict(r) for r in rows]


async def tracking_no_of(conn: Conn, report_id: UUID) -> str | None:
    value = await conn.fetchval("SELECT tracking_no FROM reports WHERE id = $1", report_id)
    return str(value) if value is not None else None
