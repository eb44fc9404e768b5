"""What the feedback worker does with tickets' events: keep the reporter's status and timeline
current (reports of other feedback instances are ignored)."""

from __future__ import annotations

from feedback import inbound
from feedback.repository import timeline
from houqin_shared.consumer import Handler
from houqin_shared.contracts import (
    ReportSubmitted,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger

log = get_logger(__name__)


async def on_ticket_opened(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketOpened)
    if not await timeline.ticket_opened(conn, e.report_id, e.ticket_id, e.department_id, e.team_id):
        log.info("unknown_report", report_id=str(e.report_id), type=env.type)
        return
    await timeline.add_entry(
        conn,
        e.report_id,
        "ticket_opened",
        e.opened_at,
        event_id=env.id,
        status="ticket_opened",
        team_id=e.team_id,
        department_id=e.department_id,
    )
    log.info("report_status", report_id=str(e.report_id), status="ticket_opened")


async def on_ticket_assigned(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketAssigned)
    if not await timeline.ticket_assigned(
        conn, e.report_id, e.assignee_id, e.department_id, e.team_id
    ):
        return
    # The reporter sees which team took it on, not the worker's identity.
    await timeline.add_entry(
        conn,
        e.report_id,
        "assigned",
        e.assigned_at,
        event_id=env.id,
        status="assigned",
        team_id=e.team_id,
        department_id=e.department_id,
    )


async def on_ticket_status_changed(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketStatusChanged)
    on_time = e.on_time if e.stage == "finish" else None
    if not await timeline.ticket_status(
        conn, e.report_id, e.status, e.note, e.changed_at, e.assignee_id, on_time
    ):
        return
    await timeline.add_entry(
        conn,
        e.report_id,
        "status",
        e.changed_at,
        event_id=env.id,
        status=e.status,
        note=e.note,
        team_id=e.team_id,
        department_id=e.department_id,
    )
    log.info("report_status", report_id=str(e.report_id), status=e.status)


async def on_ticket_transferred(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketTransferred)
    accepted = e.state == "accepted"
    moved = await timeline.ticket_transferred(
        conn,
        e.report_id,
        e.to_department_id if accepted else None,
        e.to_team_id if accepted else None,
    )
    if not moved:
        return
    await timeline.add_entry(
        conn,
        e.report_id,
        f"transfer_{e.state}",
        e.at,
        event_id=env.id,
        team_id=e.to_team_id,
        department_id=e.to_department_id,
    )


HANDLERS: dict[type[Event], Handler] = {
    TicketOpened: on_ticket_opened,
    TicketAssigned: on_ticket_assigned,
    TicketStatusChanged: on_ticket_status_changed,
    TicketTransferred: on_ticket_transferred,
    ReportSubmitted: inbound.on_report_submitted,
}
