"""What the scoring worker does with each event it consumes."""

from __future__ import annotations

from houqin_shared.consumer import Handler
from houqin_shared.contracts import TicketOpened
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from scoring import repository

log = get_logger(__name__)


async def on_ticket_opened(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketOpened)
    await repository.record_ticket(
        conn, e.ticket_id, e.category, e.department_id, e.team_id, e.opened_at
    )
    log.info("ticket_fact_recorded", ticket_id=str(e.ticket_id))


HANDLERS: dict[type[Event], Handler] = {TicketOpened: on_ticket_opened}
