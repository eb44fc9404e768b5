"""Telling a report's followers (its reporter, anonymous or not, and every "me too" and linked
reporter) once feedback says who they are. The consumer only notes what is to be told
(`reporter_news`); this periodic task of the worker asks feedback outside any transaction, then
stores the messages, so a slow or absent feedback never holds up any other message. While
feedback or the SSO cannot answer, an item waits and is tried again with backoff."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg

from houqin_shared.backoff import backoff_s
from houqin_shared.consumer import Unavailable
from houqin_shared.contracts import REGISTRY
from houqin_shared.contracts.base import Event
from houqin_shared.db import Conn
from houqin_shared.logs import bind_correlation_id, get_logger
from notify import recipients, reporters
from notify.names import ticket_of
from notify.planning import plan, recipient_from_row
from notify.repository import config, directory, messages, names, news

log = get_logger(__name__)
BATCH = 200
LEASE_S = 60.0
CONCURRENCY = 8
BACKOFF_S, BACKOFF_CAP_S = 1.0, 300.0


def ask_feedback(event: Event) -> bool:
    """Whether the followers of the event's report must come from feedback (configured, and
    not a new report whose named reporter the event carries)."""
    if not reporters.AUDIENCE.configured or getattr(event, "report_id", None) is None:
        return False
    return recipients.named_reporter(event) is None


async def tell(pool: asyncpg.Pool) -> None:
    """One round of the Periodic: the due items, looked up at most CONCURRENCY at a time."""
    async with pool.acquire() as conn, conn.transaction():
        due = await news.claim(conn, BATCH, LEASE_S)
    if not due:
        return
    gate = asyncio.Semaphore(CONCURRENCY)

    async def look_up(item: dict[str, Any]) -> list[str] | Unavailable | None:
        async with gate:
            try:
                return await reporters.AUDIENCE.of(item["report_id"])
            except Unavailable as exc:
                return exc

    found = await asyncio.gather(*(look_up(item) for item in due))
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        snaps: dict[str, dict[str, Any]] = {}
        for item, who in zip(due, found, strict=True):
            if isinstance(who, Unavailable):
                delay = backoff_s(item["attempts"], BACKOFF_S, BACKOFF_CAP_S)
                await news.retry(conn, item["id"], delay, str(who))
                log.warning("followers_unavailable", event_id=item["event_id"], error=str(who))
                continue
            if item["event_type"] not in snaps:
                snaps[item["event_type"]] = await config.snapshot(conn, item["event_type"])
            ids = who if who is not None else await directory.reporter_of(conn, item["report_id"])
            stored = await store(conn, item, ids, snaps[item["event_type"]], now)
            await news.done(conn, item["id"])
            log.info("followers_told", event_id=item["event_id"], messages=stored)


async def store(
    conn: Conn, item: dict[str, Any], ids: list[str], snap: dict[str, Any], now: datetime
) -> int:
    """The rule's messages to `ids` for the item's event (none if the rule was since removed
    or disabled); at most once per recipient and channel, however often this runs."""
    rule = next((r for r in snap["rules"] if r.id == item["rule_id"]), None)
    if rule is None or not ids:
        return 0
    event = REGISTRY[item["event_type"]].model_validate(item["event"])
    bind_correlation_id(item["correlation_id"] or item["event_id"])
    who = [recipient_from_row(r) for r in await directory.people(conn, ids)]
    known, facts = await names.for_events(conn, [event])
    about = facts.get(str(ticket_of(event)))
    found = plan(event, rule, who, snap["channels"], snap["templates"], now, known, about)
    return await messages.record(conn, [(item["event_id"], item["event_type"], m) for m in found])
