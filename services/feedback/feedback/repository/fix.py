"""Confirmations, ratings, auto-confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def settle_confirmation(
    conn: Conn, report_id: UUID, outcome: str, status: str, at: datetime
) -> bool:
    """End the wait for confirmation; False when it was no longer waiting."""
    done = await conn.fetchval(
        "UPDATE reports SET awaiting_confirmation = false, confirmation = $2, status = $3,"
        " confirmed_at = $4 WHERE id = $1 AND awaiting_confirmation RETURNING id",
        report_id,
        outcome,
        status,
        at,
    )
    return done is not None


async def insert_rating(conn: Conn, row: dict[str, Any]) -> bool:
    """False when this rater already rated this report."""
    done = await conn.fetchval(
        "INSERT INTO ratings (id, report_id, rater_id, quality, timeliness, attitude, comment,"
        " rated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING RETURNING id",
        row["id"],
        row["report_id"],
        row["rater_id"],
        row["quality"],
        row["timeliness"],
        row["attitude"],
        row["comment"],
        row["rated_at"],
    )
    return done is not None


async def rating_of(conn: Conn, report_id: UUID, rater_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, quality, timeliness, attitude, comment, rated_at FROM ratings"
        " WHERE report_id = $1 AND rater_id = $2",
        report_id,
        rater_id,
    )
    return dict(row) if row else None


async def auto_confirm_due(
    conn: Conn, resolved_before: datetime, at: datetime, limit: int
) -> list[dict[str, Any]]:
    """Mark fixes resolved before `resolved_before` and still unanswered as auto-confirmed; rows
    another replica is confirming at the same moment are skipped, never taken twice."""
    rows = await conn.fetch(
        "UPDATE reports r SET awaiting_confirmation = false, confirmation = 'auto',"
        " status = 'confirmed', confirmed_at = $2"
        " FROM (SELECT id FROM reports WHERE awaiting_confirmation AND resolved_at < $1"
        "       ORDER BY resolved_at LIMIT $3 FOR UPDATE SKIP LOCKED) due"
        " WHERE r.id = due.id AND r.awaiting_confirmation"
        " RETURNING r.id, r.ticket_id, r.tracking_no",
        resolved_before,
        at,
        limit,
    )
    return [dict(r) for r in rows]
