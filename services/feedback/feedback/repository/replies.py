"""Published replies on the public board."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from feedback.repository.open311 import PUBLIC
from houqin_shared.db import Conn


async def report_for_reply(conn: Conn, report_id: UUID) -> dict[str, Any] | None:
    """The report with its service's public flag, locked."""
    row = await conn.fetchrow(
        "SELECT r.id, r.kind, r.anonymous, r.team_id, r.department_id, r.ticket_status,"
        " r.category, coalesce(s.public, false) AS public"
        " FROM reports r LEFT JOIN services s ON s.code = r.category WHERE r.id = $1"
        " FOR UPDATE OF r",
        report_id,
    )
    return dict(row) if row else None


async def publish(
    conn: Conn, report_id: UUID, question: str, reply: str, by: str, at: datetime
) -> dict[str, Any]:
    """Publish (or reword) the report's reply."""
    row = await conn.fetchrow(
        "INSERT INTO public_replies (report_id, question, reply, published_by, published_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (report_id) DO UPDATE SET"
        " question = EXCLUDED.question, reply = EXCLUDED.reply,"
        " published_by = EXCLUDED.published_by, published_at = EXCLUDED.published_at"
        " RETURNING report_id, question, reply, published_at",
        report_id,
        question,
        reply,
        by,
        at,
    )
    assert row is not None
    return dict(row)


async def published(conn: Conn, start: datetime, end: datetime, limit: int) -> list[dict[str, Any]]:
    """Replies published in the period, newest first, of reports still public (a service
    made private since takes its replies off the board)."""
    rows = await conn.fetch(
        "SELECT r.category, s.name AS service_name, s.name_en AS service_name_en, r.kind,"
        " p.question, p.reply, p.published_at"
        " FROM public_replies p JOIN reports r ON r.id = p.report_id"
        " JOIN services s ON s.code = r.category"
        f" WHERE p.published_at >= $1 AND p.published_at < $2 AND {PUBLIC}"
        " ORDER BY p.published_at DESC LIMIT $3",
        start,
        end,
        limit,
    )
    return [dict(r) for r in rows]
