"""The facts behind one unit's score, page by page: the same queries as the totals, filtered to
the unit, in the order of `sql.ORDER` (keyset pagination: a page starts after the time and key of
the last fact of the page before)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from scoring.repository import sql

Key = tuple[datetime, str]  # a fact's place in its component's order


async def page(
    conn: Conn,
    component: str,
    unit_type: str,
    unit_id: str,
    bounds: tuple[datetime, datetime],
    campaign_id: UUID,
    after: Key | None,
    limit: int,
    few: bool,
) -> tuple[list[dict[str, Any]], Key | None]:
    """Up to `limit` facts of one component for one unit, after `after` (from the first when
    None), and the place of the last one when more follow (else None). `few`: the unit has few
    facts of the component (its totals say so), read them all (`sql.facts_page`)."""
    args: list[Any] = [*bounds] + ([campaign_id] if sql.uses_campaign(component) else [])
    args.append(unit_id)
    if after is not None:
        args += [after[0], after[1]]
    rows = await conn.fetch(
        sql.facts_page(component, unit_type, after is not None, few), *args, limit + 1
    )
    hidden = ("dept", "team", "staff", "dept_raw", "_at", "_key")
    out = [{k: v for k, v in r.items() if k not in hidden} for r in rows[:limit]]
    more = len(rows) > limit
    return out, ((rows[limit - 1]["_at"], rows[limit - 1]["_key"]) if more else None)


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
