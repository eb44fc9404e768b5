"""Oversight SQL (issue 17): the overdue board (each late ticket's current escalation level, and
counts by department, team and person), chases, inspection templates. Callers own the
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

# Open tickets with an escalation fired on their current stage in this cycle, and the highest.
_BOARD = """
WITH late AS (
  SELECT t.id, t.tracking_no, t.kind, t.category, t.urgency, t.location, t.status,
         t.department_id, t.team_id, t.assignee_id, t.opened_at, t.track,
         e.stage, e.level, e.warning, e.due_at, e.fired_at,
         (SELECT max(a.at) FROM ticket_actions a WHERE a.ticket_id = t.id AND a.action = 'chase')
           AS chased_at
  FROM tickets t
  JOIN LATERAL (
    SELECT x.stage, x.level, x.warning, x.due_at, x.fired_at FROM escalations x
    WHERE x.subject_kind = 'ticket' AND x.subject_id = t.id AND x.cycle = t.cycle
      AND (x.stage = t.esc_stage OR (t.esc_stage = 'decide' AND x.stage LIKE 'decide-%'))
    ORDER BY x.warning, x.level DESC, x.fired_at DESC LIMIT 1
  ) e ON true
  WHERE t.status IN ('new', 'assigned', 'accepted', 'on_site', 'reopened', 'cannot_handle')
    AND ($1::text IS NULL OR t.department_id = $1) AND ($2::text IS NULL OR t.team_id = $2)
    AND ($3::text IS NULL OR t.assignee_id = $3)
)
"""
_LEVEL = " WHERE ($4::int IS NULL OR (CASE WHEN warning THEN 0 ELSE level END) = $4)"


async def overdue_board(
    conn: Conn,
    department_id: str | None,
    team_id: str | None,
    assignee_id: str | None,
    level: int | None,
    limit: int,
) -> dict[str, Any]:
    """Late (and nearly late) tickets, highest level first, and the counts per department, team
    and person of every match (level 0 is the warning)."""
    args = (department_id, team_id, assignee_id, level)
    rows = await conn.fetch(
        _BOARD + "SELECT * FROM late" + _LEVEL
        + " ORDER BY warning, level DESC, due_at, id LIMIT $5",
        *args, limit,
    )  # fmt: skip
    groups = await conn.fetch(
        _BOARD
        + "SELECT department_id, team_id, assignee_id,"
        " GROUPING(department_id, team_id, assignee_id) AS g,"
        " count(*) FILTER (WHERE warning)::int AS warning,"
        " count(*) FILTER (WHERE NOT warning AND level = 1)::int AS level_1,"
        " count(*) FILTER (WHERE NOT warning AND level = 2)::int AS level_2,"
        " count(*) FILTER (WHERE NOT warning AND level = 3)::int AS level_3"
        " FROM late" + _LEVEL
        + " GROUP BY GROUPING SETS ((department_id), (team_id), (assignee_id))",
        *args,
    )  # fmt: skip
    out: dict[str, Any] = {"items": [dict(r) for r in rows]}
    # GROUPING(...) has a bit set for each key a row is not grouped by: 0b011 is by department
    for key, name, bits in (("department_id", "departments", 3), ("team_id", "teams", 5),
                            ("assignee_id", "people", 6)):  # fmt: skip
        out[name] = [_group(r, key) for r in groups if r["g"] == bits and r[key] is not None]
    return out


def _group(r: Any, key: str) -> dict[str, Any]:
    return {"id": r[key], **{k: r[k] for k in ("warning", "level_1", "level_2", "level_3")}}


async def add_chase(
    conn: Conn, ticket_id: UUID, at: datetime, actor_id: str, note: str, level: int | None,
    status: str,
) -> None:  # fmt: skip
    await conn.execute(
        "INSERT INTO ticket_actions (ticket_id, at, actor_id, action, from_status, to_status, note,"
        " detail) VALUES ($1, $2, $3, 'chase', $4, $4, $5, $6)",
        ticket_id, at, actor_id, status, note, {"level": level},
    )  # fmt: skip


async def current_level(conn: Conn, ticket_id: UUID, cycle: int) -> int | None:
    got = await conn.fetchval(
        "SELECT max(level) FROM escalations WHERE subject_kind = 'ticket' AND subject_id = $1"
        " AND cycle = $2 AND NOT warning",
        ticket_id,
        cycle,
    )
    return None if got is None else int(got)


async def chases(conn: Conn, ticket_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT at, actor_id, note, detail FROM ticket_actions"
        " WHERE ticket_id = $1 AND action = 'chase' ORDER BY id DESC LIMIT 50",
        ticket_id,
    )
    return [dict(r) for r in rows]


async def templates(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, kind, name, name_en, items FROM inspection_templates ORDER BY kind, id"
    )
    return [dict(r) for r in rows]
