"""What the notify worker does with each event: keep the directory and reporters read models,
and record the messages the rules call for (each also a pending delivery)."""

from __future__ import annotations

from datetime import UTC, datetime

from houqin_shared.consumer import Handler
from houqin_shared.contracts import (
    AwardsPublished,
    ComplaintFiled,
    DirectoryChanged,
    RectificationOverdue,
    RecurringProblemDetected,
    ScoreComputed,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from notify import recipients
from notify.domain import Message
from notify.planning import Recipient, plan, recipient_from_row
from notify.repository import config, directory, messages

log = get_logger(__name__)


async def on_directory(conn: Conn, env: Envelope) -> None:
    d = env.data
    assert isinstance(d, DirectoryChanged)
    replaced = await directory.replace(
        conn, d.version, d.changed_at, d.departments, d.teams, d.staff
    )
    log.info("directory_snapshot", version=d.version, replaced=replaced, staff=len(d.staff))


async def on_event(conn: Conn, env: Envelope) -> None:
    event = env.data
    if isinstance(event, ComplaintFiled) and event.reporter_id and not event.anonymous:
        await directory.remember_reporter(
            conn, event.report_id, event.reporter_id, event.tracking_no
        )
    found = await messages_for(conn, event, datetime.now(UTC))
    new = await messages.record(conn, env.id, env.type, found)
    log.info("messages_recorded", type=env.type, messages=len(found), new=new)


async def messages_for(conn: Conn, event: Event, now: datetime) -> list[Message]:
    snap = await config.snapshot(conn, event.event_type)
    data = event.model_dump(mode="json")
    out: list[Message] = []
    for rule in snap["rules"]:
        if not rule.applies_to(data):
            continue
        ids = await recipients.ids_for(conn, rule.audience, event)
        if not ids:
            log.info("no_recipients", rule=rule.id, audience=rule.audience)
            continue
        is_queue = rule.audience == "team_queue"
        rows = await directory.people(conn, ids)
        who: list[Recipient] = [recipient_from_row(r, is_queue) for r in rows]
        out += plan(event, rule, who, snap["channels"], snap["templates"], now)
    return out


HANDLERS: dict[type[Event], Handler] = {
    DirectoryChanged: on_directory,
    ComplaintFiled: on_event,
    TicketOpened: on_event,
    TicketAssigned: on_event,
    TicketStatusChanged: on_event,
    RectificationOverdue: on_event,
    RecurringProblemDetected: on_event,
    ScoreComputed: on_event,
    AwardsPublished: on_event,
}
