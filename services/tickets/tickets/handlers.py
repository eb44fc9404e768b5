"""What the tickets worker does with each event it consumes (in the runner's transaction)."""

from __future__ import annotations

from houqin_shared import outbox
from houqin_shared.consumer import Handler
from houqin_shared.contracts import ComplaintFiled, TicketOpened
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets import repository
from tickets.domain import ticket_id_for

log = get_logger(__name__)


async def on_complaint_filed(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, ComplaintFiled)
    ticket = {
        "id": ticket_id_for(e.report_id),
        "report_id": e.report_id,
        "tracking_no": e.tracking_no,
        "kind": e.kind,
        "category": e.category,
        "urgency": e.urgency,
        "location": e.location.model_dump(),
        "description": e.description,
        "status": "new",
        "department_id": None,
        "team_id": None,
        "opened_at": env.time,
    }
    if not await repository.open_ticket(conn, ticket):
        return  # this report already has its ticket
    await outbox.add(
        conn,
        TicketOpened(
            ticket_id=ticket["id"],
            report_id=e.report_id,
            tracking_no=e.tracking_no,
            kind=e.kind,
            category=e.category,
            urgency=e.urgency,
            location=e.location,
            opened_at=env.time,
        ),
    )
    log.info("ticket_opened", ticket_id=str(ticket["id"]), tracking_no=e.tracking_no)


HANDLERS: dict[type[Event], Handler] = {ComplaintFiled: on_complaint_filed}
