"""May this caller read that ticket or team? The checks that need the database (a pending
transfer, a team's department), shared by the routes that read tickets, queues and rosters."""

from __future__ import annotations

import uuid
from typing import Any

from houqin_shared.db import Conn
from houqin_shared.principal import Principal
from houqin_shared.problems import problem
from tickets.access import may_read_team, may_read_ticket
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repository
from tickets.repository import transfers as tr_repo
from tickets.rows import TicketRow


async def check_read(conn: Conn, t: TicketRow, p: Principal) -> TicketRow:
    """`t` if `p` may read it (as they may act on it, or decide a transfer offering it); 403
    otherwise, as for acting on it."""
    where = (t["assignee_id"], t["team_id"], t["department_id"])
    if may_read_ticket(p, *where):
        return t
    if may_read_ticket(p, *where, offered_to=await tr_repo.pending_of(conn, t["id"])):
        return t
    raise problem(
        "ticket-read-forbidden",
        "only the assignee, the team lead, the department head, a supervisor, a leader or the"
        " side a transfer is offered to may read this ticket",
    )


async def readable(conn: Conn, ticket_id: uuid.UUID, p: Principal) -> TicketRow:
    t = await repository.get_ticket(conn, ticket_id)
    if t is None:
        raise problem("ticket-not-found", f"no ticket {ticket_id}")
    return await check_read(conn, t, p)


async def team_readable(pool: Any, p: Principal, team_id: str, what: str) -> None:
    """403 unless `p` may read team `team_id`'s `what` (only a department head's call needs
    the team's department)."""
    if may_read_team(p, team_id, None):
        return
    async with pool.acquire() as conn:
        department = await dir_repo.department_of_team(conn, team_id)
    if not may_read_team(p, team_id, department):
        raise problem(
            "queue-read-forbidden",
            f"you may read your own team's {what} (a department head: the department's teams')",
        )
