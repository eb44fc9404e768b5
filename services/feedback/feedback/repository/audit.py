"""The record of every unmasking of an anonymous reporter (kind unmask, by a supervisor) and of
every read of a report's audience (kind audience, by a client such as notify)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def record_unmask(
    conn: Conn,
    report_id: UUID,
    supervisor_id: str,
    reason: str,
    at: datetime,
    *,
    kind: str = "unmask",
) -> int:
    value = await conn.fetchval(
        "INSERT INTO unmask_audit (report_id, supervisor_id, reason, at, kind)"
        " VALUES ($1,$2,$3,$4,$5) RETURNING id",
        report_id,
        supervisor_id,
        reason,
        at,
        kind,
    )
    return int(value)


async def unmaskings(conn: Conn, report_id: UUID | None, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, report_id, supervisor_id, reason, at, kind FROM unmask_audit"
        " WHERE $1::uuid IS NULL OR report_id = $1 ORDER BY id DESC LIMIT $2",
        report_id,
        limit,
    )
    return [dict(r) for r in rows]
