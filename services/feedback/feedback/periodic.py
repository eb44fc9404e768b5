"""The worker's periodic work: auto-confirm fixes nobody answered; close surveys whose period
has ended; make tomorrow's tracking sequence ahead of time; delete photo uploads never attached
to a report. All are safe with several worker replicas."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from feedback import repository
from feedback.photos import LocalDiskStore, PhotoStore
from feedback.repository import fix, photos, surveys, timeline
from feedback.settings import FeedbackSettings
from feedback.survey_close import publish_closed
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


async def close_ended_surveys(
    pool: asyncpg.Pool, zone: ZoneInfo, now: datetime | None = None
) -> int:
    """Close every open survey whose period (inclusive, in the campus's time zone) has ended,
    with the same SurveyClosed as a supervisor's close, in the transaction that closes it: each
    survey is closed once, whichever replica or supervisor gets there first. Returns how many."""
    now = now or datetime.now(UTC)
    today = now.astimezone(zone).date()
    total = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            due = await surveys.close_due(conn, today, now, BATCH)
            for survey in due:
                await publish_closed(conn, survey, now)
        total += len(due)
        if len(due) < BATCH:
            break
    if total:
        log.info("surveys_closed", count=total)
    return total


async def expire_uploads(
    pool: asyncpg.Pool, store: PhotoStore, hours: float, now: datetime | None = None
) -> int:
    """Delete every upload still unattached `hours` after it was made: its row, then its file
    (a file whose row is gone is never served). Returns how many."""
    before = (now or datetime.now(UTC)) - timedelta(hours=hours)
    total = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            keys = await photos.delete_unattached_before(conn, before, BATCH)
        for key in keys:
            await store.delete(key)
        total += len(keys)
        if len(keys) < BATCH:
            break
    if total:
        log.info("uploads_expired", count=total)
    return total


async def sweep_orphans(pool: asyncpg.Pool, store: LocalDiskStore, hours: float) -> int:
    """Delete files older than `hours` that no photo owns (an upload whose row was never
    written, a file whose row was expired but not the file, an unfinished write); a photo's
    derived files (`<key>-thumb`) live as long as it does. Returns how many."""
    names = await store.older_than(hours * 3600)
    gone = 0
    for i in range(0, len(names), 1000):
        chunk = names[i : i + 1000]
        bases = {name: re.split(r"[-.]", name, maxsplit=1)[0] for name in chunk}
        async with pool.acquire() as conn:
            known = await photos.known_keys(conn, sorted(set(bases.values())))
        for name, base in bases.items():
            if name.endswith(".tmp") or base not in known:
                await store.delete(name)
                gone += 1
    if gone:
        log.info("photo_files_swept", count=gone)
    return gone


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

    async def close_surveys(pool: asyncpg.Pool) -> None:
        await close_ended_surveys(pool, zone)

    store = LocalDiskStore(settings.photo_dir)

    async def expire(pool: asyncpg.Pool) -> None:
        await expire_uploads(pool, store, settings.photo_unattached_hours)

    async def orphans(pool: asyncpg.Pool) -> None:
        await sweep_orphans(pool, store, settings.photo_unattached_hours)

    return [
        Periodic("auto_confirm", settings.auto_confirm_every_s, confirm),
        Periodic("survey_close", settings.survey_close_every_s, close_surveys),
        Periodic("tracking_sequences", 3600, sequences),
        Periodic("photo_expiry", settings.photo_sweep_every_s, expire),
        Periodic("photo_orphans", 3600, orphans),
    ]
