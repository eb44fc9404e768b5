"""Manual assignment by a lead, head or supervisor (a ticket nobody could take, or a reshuffle)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts import TicketAssigned
from houqin_shared.db import Conn
from houqin_shared.principal import Principal
from houqin_shared.problems import problem
from tickets.access import may_manage
from tickets.lifecycle import RESTARTS, TRANSFERABLE
from tickets.lifecycle_service import load
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repo
from tickets.rows import TicketRow, ticket_with
from tickets.tracks import may_take_complaint


async def check_assignee(conn: Conn, t: TicketRow, assignee_id: str) -> None:
    """The assignee exists, is not in the team a complaint is about, and works in the ticket's
    department (across departments the other side must accept: the transfer workflow)."""
    staff = await dir_repo.get_staff(conn, assignee_id)
    if staff is None:
        raise problem("staff-unknown", f"no staff {assignee_id}")
    if t["track"] == "complaint" and not may_take_complaint(t["about_team_id"], staff["team_id"]):
        raise problem(
            "complaint-kept-from-team", f"{assignee_id} is in the team the complaint is about"
        )
    department = staff["department_id"] or (
        await dir_repo.department_of_team(conn, staff["team_id"]) if staff["team_id"] else None
    )
    if t["department_id"] is not None and department != t["department_id"]:
        raise problem(
            "assignee-in-another-department",
            f"{assignee_id} works in another department: transfer the ticket instead",
        )


async def assign(
    conn: Conn, ticket_id: UUID, p: Principal, assignee_id: str, now: datetime
) -> TicketRow:
    t = await load(conn, ticket_id, None)
    if not may_manage(p, t["team_id"], t["department_id"]):
        raise problem(
            "ticket-assign-forbidden",
            "only the team lead, the department head or a supervisor assigns",
        )
    await check_assignee(conn, t, assignee_id)
    if t["status"] not in TRANSFERABLE:
        raise problem(
            "ticket-not-reassignable", f"a ticket that is {t['status']} cannot be reassigned"
        )
    status = "assigned" if t["status"] in RESTARTS else t["status"]
    fields = {
        "assignee_id": assignee_id,
        "assigned_via": "manual",
        "status": status,
        "updated_at": now,
        "stuck_at": None,  # a cannot_handle ticket is decided: no longer chased as such
    }
    await repo.update_ticket(conn, t["id"], fields)
    await repo.add_action(
        conn,
        t["id"],
        now,
        p.subject,
        "assign",
        t["status"],
        status,
        None,
        {"assignee_id": assignee_id},
    )
    await outbox.add(
        conn,
        TicketAssigned(
            ticket_id=t["id"],
            report_id=t["report_id"],
            tracking_no=t["tracking_no"],
            assignee_id=assignee_id,
            team_id=t["team_id"],
            department_id=t["department_id"],
            via="manual",
            assigned_at=now,
        ),
    )
    return ticket_with(t, fields)
