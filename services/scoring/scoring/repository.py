"""The only place the scoring service's SQL lives. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def record_ticket(
    conn: Conn,
    ticket_id: UUID,
    category: str,
    department_id: str | None,
    team_id: str | None,
    opened_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO ticket_facts (ticket_id, category, department_id, team_id, opened_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id,
        category,
        department_id,
        team_id,
        opened_at,
    )


async def volume_by_unit(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT department_id, team_id, count(*) AS tickets FROM ticket_facts"
        " GROUP BY department_id, team_id ORDER BY tickets DESC, department_id, team_id"
    )
    return [dict(r) for r in rows]
