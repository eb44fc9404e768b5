"""The worker's periodic work: auto-confirm fixes nobody answered; make tomorrow's tracking
sequence ahead of time. Both are safe with several worker replicas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from feedback import repository
from feedback.repository import fix, timeline
from feedback.settings import FeedbackSettings
from houqin_shared import outbox
from houqin_shared.contracts import FixConfirmed
from houqin_shared.logs import get_logger
from houqin_shared.service import Periodic

log = get_logger(__name__)
BATCH = 200


async def auto_confirm(pool: asyncpg.Pool, days: float, now: datetime | None = None) -> int:
    """Confirm every fix resolved more than `days` ago and still unanswered, marked auto (it
    never counts as a top rating: no rating is made for it). Returns how many."""
    now = now or datetime.now(UTC)
    total = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            due = await fix.auto_confirm_due(conn, now - timedelta(days=days), now, BATCH)
            for row in due:
                await timeline.add_entry(conn, row["id"], "auto_confirmed", now, status="confirmed")
                await outbox.add(
                    conn,
                    FixConfirmed(
                        report_id=row["id"],
                        ticket_id=row["ticket_id"],
                        tracking_no=row["tracking_no"],
                        auto=True,
                        confirmed_at=now,
                    ),
                )
        total += len(due)
        if len(due) < BATCH:
            break
    if total:
        log.info("auto_confirmed", count=total)
    return total


async def prepare_sequences(pool: asyncpg.Pool, zone: ZoneInfo) -> None:
    today = datetime.now(UTC).astimezone(zone).date()
    async with pool.acquire() as conn:
        for day in (today, today + timedelta(days=1)):
            await repository.ensure_day_sequence(conn, day)


def tasks(settings: FeedbackSettings) -> list[Periodic]:
    zone = ZoneInfo(settings.timezone)

    async def confirm(pool: asyncpg.Pool) -> None:
        await auto_confirm(pool, settings.auto_confirm_days)

    async def sequences(pool: asyncpg.Pool) -> None:
        await prepare_sequences(pool, zone)

    return [
        Periodic("auto_confirm", settings.auto_confirm_every_s, confirm),
        Periodic("tracking_sequences", 3600, sequences),
    ]
