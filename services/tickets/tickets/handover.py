"""Leave hands work over (主辅岗制, issue 14): when a post's primary goes on leave, their open
tickets not yet accepted move to the post's backup (on duty, not on leave), who is told by
TicketAssigned (via backup) like any assignee. Accepted work stays with the person (their lead
reassigns it if need be); a post without an available backup keeps the ticket where it is, in
the team's view. Run with the overdue sweeper; at most once per ticket and leave, since the
ticket's assignee is the backup afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from houqin_shared import outbox
from houqin_shared.contracts import TicketAssigned
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets.repository import handover as repo
from tickets.repository import tickets as tickets_repo

log = get_logger(__name__)
BATCH = 500


async def hand_over_batch(conn: Conn, now: datetime, batch: int = BATCH) -> int:
    """One claimed batch in the caller's transaction; the tickets moved."""
    rows = await repo.claim_due(conn, now, batch)
    for t in rows:
        fields = {"assignee_id": t["backup_id"], "assigned_via": "backup", "updated_at": now}
        await tickets_repo.update_ticket(conn, t["id"], fields)
        await tickets_repo.add_action(
            conn, t["id"], now, None, "handover", t["status"], t["status"],
            "主岗休假，转由辅岗处理 (the primary is on leave: the backup takes it)",
            {"from": t["assignee_id"], "to": t["backup_id"], "post_id": t["post_id"],
             "leave_id": t["leave_id"]},
        )  # fmt: skip
        await outbox.add(
            conn,
            TicketAssigned(
                ticket_id=t["id"], report_id=t["report_id"], tracking_no=t["tracking_no"],
                assignee_id=t["backup_id"], team_id=t["team_id"],
                department_id=t["department_id"], via="backup", assigned_at=now,
            ),
        )  # fmt: skip
    return len(rows)


async def hand_over(pool: asyncpg.Pool, now: datetime | None = None) -> int:
    """Hand over until nothing due is left unclaimed; the tickets moved."""
    at, total = now or datetime.now(UTC), 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            moved = await hand_over_batch(conn, at)
        total += moved
        if moved < BATCH:
            break
    if total:
        log.info("leave_handed_over", count=total)
    return total
