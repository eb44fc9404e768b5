"""What the notify worker does with each event: record the messages it calls for."""

from __future__ import annotations

from houqin_shared.consumer import Handler
from houqin_shared.contracts import ComplaintFiled, TicketOpened
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from notify import repository
from notify.domain import messages_for

log = get_logger(__name__)


async def on_event(conn: Conn, env: Envelope) -> None:
    messages = messages_for(env.data)
    await repository.record(conn, env.id, env.type, messages)
    log.info("messages_recorded", type=env.type, recipients=len(messages))


HANDLERS: dict[type[Event], Handler] = {ComplaintFiled: on_event, TicketOpened: on_event}
