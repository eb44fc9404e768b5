"""The facts behind one unit's score: the same queries as the totals, filtered to the unit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from scoring.repository import sql

LIMIT = 5000  # facts listed per component; totals always cover every fact


async def facts(
    conn: Conn,
    component: str,
    unit_type: str,
    unit_id: str,
    start: datetime,
    end: datetime,
    campaign_id: UUID,
) -> list[dict[str, Any]]:
    args: list[Any] = [start, end] + ([campaign_id] if sql.uses_campaign(component) else [])
    rows = await conn.fetch(sql.facts_of(component, unit_type) + f" LIMIT {LIMIT}", *args, unit_id)
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k not in ("dept", "team", "staff")}
        out.append(row)
    return out


async def work_mark(conn: Conn, campaign_id: UUID, source: str | None) -> dict[str, Any] | None:
    """The mark a unit's work score came from ('team:plumbers' style source)."""
    if not source:
        return None
    unit_type, _, unit_id = source.partition(":")
    row = await conn.fetchrow(
        "SELECT unit_type, unit_id, mark::float8 AS mark, justification, marked_by, marked_at"
        " FROM work_marks WHERE campaign_id = $1 AND unit_type = $2 AND unit_id = $3",
        campaign_id,
        unit_type,
        unit_id,
    )
    return dict(row) if row else None
