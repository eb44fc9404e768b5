"""Campaigns, leadership's work marks, recompute bookkeeping and publication."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_COLUMNS = (
    "id, name, period_start, period_end, timezone, departments, rules, published_at,"
    " published_by, created_by, created_at, updated_at"
)


async def create(
    conn: Conn,
    campaign_id: UUID,
    name: str,
    period_start: date,
    period_end: date,
    timezone: str,
    departments: list[str] | None,
    rules: dict[str, Any],
    created_by: str,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "INSERT INTO campaigns (id, name, period_start, period_end, timezone, departments, rules,"
        f" created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}",
        campaign_id,
        name,
        period_start,
        period_end,
        timezone,
        departments,
        rules,
        created_by,
    )
    assert row is not None
    return dict(row)


async def get(conn: Conn, campaign_id: UUID, lock: bool = False) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM campaigns WHERE id = $1" + (" FOR NO KEY UPDATE" if lock else ""),
        campaign_id,
    )
    return dict(row) if row else None


async def list_all(conn: Conn, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM campaigns ORDER BY period_start DESC, name, id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def update(
    conn: Conn,
    campaign_id: UUID,
    name: str,
    period_start: date,
    period_end: date,
    timezone: str,
    departments: list[str] | None,
    rules: dict[str, Any],
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "UPDATE campaigns SET name = $2, period_start = $3, period_end = $4, timezone = $5,"
        " departments = $6, rules = $7, updated_at = now()"
        f" WHERE id = $1 RETURNING {_COLUMNS}",
        campaign_id,
        name,
        period_start,
        period_end,
        timezone,
        departments,
        rules,
    )
    assert row is not None
    return dict(row)


async def set_mark(
    conn: Conn,
    campaign_id: UUID,
    unit_type: str,
    unit_id: str,
    mark: float,
    justification: str,
    marked_by: str,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "INSERT INTO work_marks (campaign_id, unit_type, unit_id, mark, justification, marked_by)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, unit_type, unit_id) DO UPDATE"
        " SET mark = EXCLUDED.mark, justification = EXCLUDED.justification,"
        " marked_by = EXCLUDED.marked_by, marked_at = now()"
        " RETURNING unit_type, unit_id, mark::float8 AS mark, justification, marked_by, marked_at",
        campaign_id,
        unit_type,
        unit_id,
        mark,
        justification,
        marked_by,
    )
    assert row is not None
    return dict(row)


async def delete_mark(conn: Conn, campaign_id: UUID, unit_type: str, unit_id: str) -> bool:
    done = await conn.fetchval(
        "DELETE FROM work_marks WHERE campaign_id = $1 AND unit_type = $2 AND unit_id = $3"
        " RETURNING 1",
        campaign_id,
        unit_type,
        unit_id,
    )
    return done is not None


async def marks(conn: Conn, campaign_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT unit_type, unit_id, mark::text AS mark_text, mark::float8 AS mark, justification,"
        " marked_by, marked_at FROM work_marks WHERE campaign_id = $1 ORDER BY unit_type, unit_id",
        campaign_id,
    )
    return [dict(r) for r in rows]


async def touch(conn: Conn, campaign_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO campaign_touches (campaign_id, seq) VALUES ($1, nextval('touch_seq'))"
        " ON CONFLICT (campaign_id) DO UPDATE SET seq = EXCLUDED.seq,"
        " touched_at = clock_timestamp()",
        campaign_id,
    )


async def touched(conn: Conn) -> list[tuple[UUID, int]]:
    rows = await conn.fetch(
        "SELECT campaign_id, seq FROM campaign_touches ORDER BY touched_at LIMIT 20"
    )
    return [(r["campaign_id"], r["seq"]) for r in rows]


async def touch_seq(conn: Conn, campaign_id: UUID) -> int | None:
    seq = await conn.fetchval(
        "SELECT seq FROM campaign_touches WHERE campaign_id = $1", campaign_id
    )
    return int(seq) if seq is not None else None


async def clear_touch(conn: Conn, campaign_id: UUID, seq: int | None = None) -> None:
    """Forget the touch this recompute covered; a newer touch (another seq) stays."""
    await conn.execute(
        "DELETE FROM campaign_touches WHERE campaign_id = $1 AND ($2::bigint IS NULL OR seq = $2)",
        campaign_id,
        seq,
    )


async def lock(conn: Conn, campaign_id: UUID, wait: bool) -> bool:
    """One recompute of a campaign at a time, across API and worker replicas."""
    if wait:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('scoring-campaign/' || $1::uuid::text, 0))",
            campaign_id,
        )
        return True
    got = await conn.fetchval(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('scoring-campaign/' || $1::uuid::text, 0))",
        campaign_id,
    )
    return bool(got)


async def publish(
    conn: Conn,
    campaign_id: UUID,
    by: str,
    at: datetime,
    awards: list[tuple[Any, ...]],
    *,
    first_per_unit: bool = False,
) -> None:
    """Freeze the campaign and keep its award list: (award, unit_type, unit_id, rank, composite);
    with `first_per_unit`, a unit's later awards are left out instead of refused."""
    await conn.execute(
        "UPDATE campaigns SET published_at = $2, published_by = $3, updated_at = $2 WHERE id = $1",
        campaign_id,
        at,
        by,
    )
    await conn.executemany(
        "INSERT INTO published_awards (campaign_id, award, unit_type, unit_id, rank, composite)"
        " VALUES ($1, $2, $3, $4, $5, $6)" + (" ON CONFLICT DO NOTHING" if first_per_unit else ""),
        [(campaign_id, *a) for a in awards],
    )
    await clear_touch(conn, campaign_id)


async def published_awards(conn: Conn, campaign_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT a.award, a.unit_type, a.unit_id, s.unit_name, s.department_id, s.team_id, a.rank,"
        " a.composite FROM published_awards a LEFT JOIN scores s USING (campaign_id, unit_type,"
        " unit_id) WHERE a.campaign_id = $1 ORDER BY a.unit_type, a.rank",
        campaign_id,
    )
    return [dict(r) for r in rows]
