"""Public reports as Open311 service requests (feedback.domain_public says which are public)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from feedback.domain_public import PUBLIC_KINDS
from houqin_shared.db import Conn

PUBLIC = f"s.public AND NOT r.anonymous AND r.kind IN ({', '.join(repr(k) for k in PUBLIC_KINDS)})"
"""The SQL condition of a public report `r` of service `s` (as domain_public.is_public)."""

_SELECT = (
    "SELECT r.tracking_no, r.id, r.category, r.status, r.department_id, r.filed_at, r.location,"
    " r.urgency, s.name AS service_name, s.limits,"
    " (SELECT max(e.at) FROM report_events e WHERE e.report_id = r.id) AS updated_at,"
    " r.media_url, (SELECT p.id FROM photos p WHERE p.report_id = r.id"
    "  ORDER BY p.uploaded_at, p.id LIMIT 1) AS first_photo_id"
    f" FROM reports r JOIN services s ON s.code = r.category WHERE {PUBLIC}"
)
_CLOSED = "('closed', 'confirmed')"


async def by_tracking_numbers(conn: Conn, numbers: list[str]) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _SELECT + " AND r.tracking_no = ANY($1::text[]) ORDER BY r.filed_at DESC", numbers
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
        _SELECT + " AND r.filed_at >= $1 AND r.filed_at <= $2"
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


async def public_photo(conn: Conn, photo_id: UUID) -> dict[str, Any] | None:
    """A photo on a public report (never an unattached upload, never one of a private report)."""
    row = await conn.fetchrow(
        "SELECT p.id, p.content_type, p.storage_key FROM photos p"
        " JOIN reports r ON r.id = p.report_id JOIN services s ON s.code = r.category"
        f" WHERE p.id = $1 AND {PUBLIC}",
        photo_id,
    )
    return dict(row) if row else None
