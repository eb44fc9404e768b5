"""Tickets to hand over because their assignee's leave has started (tickets.handover)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from houqin_shared.db import Conn

# Open tickets not yet accepted, whose assignee is on leave now and is the primary of a post of
# the ticket's team whose backup is on duty and not on leave; claimed, so replicas share them.
_DUE = """
SELECT t.id, t.report_id, t.tracking_no, t.status, t.team_id, t.department_id,
       t.assignee_id, b.backup_id, b.post_id, l.leave_id
FROM tickets t
CROSS JOIN LATERAL (
    SELECT l.id AS leave_id FROM staff_leave l
    WHERE l.staff_id = t.assignee_id AND l.starts_at <= $1 AND l.ends_at > $1
    ORDER BY l.starts_at LIMIT 1) l
CROSS JOIN LATERAL (
    SELECT p.backup_id, p.id AS post_id FROM posts p JOIN staff s ON s.id = p.backup_id
    WHERE p.team_id = t.team_id AND p.primary_id = t.assignee_id AND s.on_duty
      AND NOT EXISTS (SELECT FROM staff_leave o WHERE o.staff_id = p.backup_id
                      AND o.starts_at <= $1 AND o.ends_at > $1)
    ORDER BY p.id LIMIT 1) b
WHERE t.status IN ('assigned', 'reopened') AND t.assignee_id IS NOT NULL
ORDER BY t.opened_at
LIMIT $2
FOR UPDATE OF t SKIP LOCKED
"""


async def claim_due(conn: Conn, now: datetime, limit: int) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(_DUE, now, limit)]
