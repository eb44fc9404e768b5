"""A supervisor accepts the reason a ticket could not be done (不能办理): the close then counts as
on time. The correction is a TicketStatusChanged restating the close (same status and time,
finish stage on time) so scoring's facts and the reporter's report follow it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts import TicketStatusChanged
from houqin_shared.db import Conn
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import problem
from tickets.lifecycle_service import load
from tickets.repository import tickets as repo
from tickets.rows import TicketRow, ticket_with


async def accept_reason(
    conn: Conn, ticket_id: UUID, p: Principal, note: str | None, now: datetime
) -> TicketRow:
    if not p.has_any(Role.supervisor):
        raise problem(
            "reason-accept-supervisors-only",
            "only a quality supervisor accepts the reason a ticket could not be done",
        )
    t = await load(conn, ticket_id, None)
    if t["status"] != "closed" or t["closed_as"] != "cannot_be_done":
        raise problem(
            "ticket-not-cannot-be-done", "only a ticket closed as cannot be done has a reason"
        )
    if t["reason_accepted_by"] is not None:
        raise problem("ticket-reason-accepted", "the reason is already accepted")
    fields = {"reason_accepted_by": p.subject, "reason_accepted_at": now, "updated_at": now}
    await repo.update_ticket(conn, t["id"], fields)
    detail = {"stage": "finish", "on_time": True}
    await repo.add_action(
        conn, t["id"], now, p.subject, "accept_reason", "closed", "closed", note, detail
    )
    closed_at = t["closed_at"] or now
    await outbox.add(
        conn,
        TicketStatusChanged(
            ticket_id=t["id"],
            report_id=t["report_id"],
            tracking_no=t["tracking_no"],
            status="closed",
            previous_status="closed",
            actor_id=p.subject,
            department_id=t["department_id"],
            team_id=t["team_id"],
            assignee_id=t["assignee_id"],
            stage="finish",
            stage_due_at=t["finish_due_at"],
            on_time=True,
            changed_at=closed_at,
            track=t["track"],
            closed_as="cannot_be_done",
            reason_accepted_by=p.subject,
        ),
    )
    return ticket_with(t, fields)
