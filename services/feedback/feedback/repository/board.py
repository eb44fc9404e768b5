"""The public board: counts and shares per category and per department of public reports
(the condition of the Open311 feed), nothing personal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.repository.open311 import PUBLIC
from houqin_shared.db import Conn


def _board(group: str) -> str:
    return (
        f"SELECT {group} AS key, count(*)::int AS reports,"
        " count(*) FILTER (WHERE r.resolved_at IS NOT NULL)::int AS resolved,"
        " count(*) FILTER (WHERE r.finished_on_time IS NOT NULL)::int AS timed,"
        " count(*) FILTER (WHERE r.finished_on_time)::int AS on_time,"
        " count(g.id)::int AS ratings,"
        " round(avg((g.quality + g.timeliness + g.attitude) / 3.0)::numeric, 2)::float8"
        "  AS average_rating"
        " FROM reports r JOIN services s ON s.code = r.category"
        " LEFT JOIN ratings g ON g.report_id = r.id"
        f" WHERE r.filed_at >= $1 AND r.filed_at < $2 AND {PUBLIC}"
        f" GROUP BY {group} ORDER BY 1 NULLS LAST"
    )


async def by_category(conn: Conn, start: datetime, end: datetime) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(_board("r.category"), start, end)]


async def by_department(conn: Conn, start: datetime, end: datetime) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(_board("r.department_id"), start, end)]
