"""The only place feedback's SQL lives. Functions take the caller's connection; callers commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_COLUMNS = (
    "id, tracking_no, kind, category, channel, urgency, location, description, anonymous, "
    "reporter_id, contact, filed_by, status, filed_at"
)


async def next_sequence(conn: Conn) -> int:
    value = await conn.fetchval("SELECT nextval('report_seq')")
    return int(value)


async def insert_report(conn: Conn, row: dict[str, Any]) -> None:
    await conn.execute(
        f"INSERT INTO reports ({_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
        row["id"],
        row["tracking_no"],
        row["kind"],
        row["category"],
        row["channel"],
        row["urgency"],
        row["location"],
        row["description"],
        row["anonymous"],
        row["reporter_id"],
        row["contact"],
        row["filed_by"],
        row["status"],
        row["filed_at"],
    )


async def get_report(conn: Conn, report_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM reports WHERE id = $1", report_id)
    return dict(row) if row else None


async def reports_of(
    conn: Conn, reporter_id: str, before: datetime | None, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM reports WHERE reporter_id = $1 AND ($2::timestamptz IS NULL OR filed_at < $2)"
        " ORDER BY filed_at DESC LIMIT $3",
        reporter_id,
        before,
        limit,
    )
    return [dict(r) for r in rows]


async def set_status(conn: Conn, report_id: UUID, status: str, only_from: str) -> None:
    await conn.execute(
        "UPDATE reports SET status = $2 WHERE id = $1 AND status = $3", report_id, status, only_from
    )
