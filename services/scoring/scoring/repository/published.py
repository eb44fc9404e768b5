"""What 公示 shows besides the scores: the rectification results (整改验收) of a published
campaign's period per department, by name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from houqin_shared.db import Conn

RECTIFICATIONS = """
SELECT COALESCE(d.name, '') AS department_name,
       count(*) FILTER (WHERE x.outcome = 'on_time') AS accepted_on_time,
       count(*) FILTER (WHERE x.outcome = 'late') AS accepted_late,
       count(*) FILTER (WHERE x.outcome = 'rejected') AS rejected
FROM rectification_results x
LEFT JOIN teams t ON t.id = x.team_id
LEFT JOIN departments d ON d.id = COALESCE(x.department_id, t.department_id)
WHERE x.at >= $1 AND x.at < $2 AND ($3::text[] IS NULL OR d.id = ANY($3))
GROUP BY d.name
ORDER BY d.name NULLS LAST
"""


async def rectifications(
    conn: Conn, start: datetime, end: datetime, departments: list[str] | None
) -> list[dict[str, Any]]:
    """Per department evaluated: rectification items accepted on time, accepted late, and
    acceptances refused (a rejected result: done again), in [start, end)."""
    return [dict(r) for r in await conn.fetch(RECTIFICATIONS, start, end, departments)]
