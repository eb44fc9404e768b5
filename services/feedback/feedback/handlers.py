"""What the feedback worker does with tickets' events: keep the reporter's status current."""

from __future__ import annotations

from feedback import repository
from houqin_shared.consumer import Handler
from houqin_shared.contracts import TicketOpened
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger

log = get_logger(__name__)


async def on_ticket_opened(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketOpened)
    await repository.set_status(conn, e.report_id, "ticket_opened", only_from="filed")
    log.info("report_status", report_id=str(e.report_id), status="ticket_opened")


HANDLERS: dict[type[Event], Handler] = {TicketOpened: on_ticket_opened}
