"""Storing a new report and its ComplaintFiled event, whatever the channel it came by."""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from datetime import date, datetime
from typing import Any

from feedback import domain, domain_track, repository
from feedback.repository import photos, timeline
from houqin_shared import outbox
from houqin_shared.contracts import ComplaintFiled, Location
from houqin_shared.db import Conn

# A praise opens no work (tickets open nothing for it): it is closed at intake with thanks.
PRAISE_THANKS = (
    "感谢您的表扬！我们会转告受表扬的班组和同事。"
    " Thank you for your praise: we will pass it on to the team and the people you name."
)


class TrackingNumbers:
    """The day's tracking numbers, taken from its sequence `block` at a time: one round trip per
    block instead of one per report. A process that stops skips the rest of its block, as a
    rolled-back report skips its number; numbers stay unique, and with several processes they
    are not in filing order (they never were under concurrency)."""

    def __init__(self, block: int = 1) -> None:
        self.block = block
        self._day: date | None = None
        self._free: deque[int] = deque()
        self._refill = asyncio.Lock()  # concurrent callers share one block, not one each

    async def take(self, conn: Conn, day: date) -> int:
        if day == self._day and self._free:
            return self._free.popleft()
        async with self._refill:
            if day != self._day:
                self._day, self._free = day, deque()
            if not self._free:
                self._free.extend(await repository.next_day_seqs(conn, day, self.block))
            return self._free.popleft()


async def new_row(
    conn: Conn,
    report: domain.ReportIn,
    *,
    numbers: TrackingNumbers,
    now: datetime,
    day: date,
    reporter: str | None,
    filed_by: str,
    access_code: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The report's row with a fresh id and the day's next tracking number; with
    `access_code`, the hash that lets its holder track the report without an account."""
    report_id = uuid.uuid4()
    if access_code is not None:
        extra["access_hash"] = domain_track.code_hash(report_id, access_code)
    if report.kind == "praise":
        extra = {"status": "closed", "explanation": PRAISE_THANKS, **extra}
    return {
        "id": report_id,
        "tracking_no": domain.tracking_number(day, await numbers.take(conn, day)),
        "kind": report.kind,
        "category": report.category,
        "channel": report.channel,
        "urgency": report.urgency,
        "description": report.description,
        "anonymous": report.anonymous,
        "contact": report.contact,
        "location": report.location.contract().model_dump(),
        "reporter_id": reporter,
        "filed_by": filed_by,
        "status": "filed",
        "filed_at": now,
        "origin": report.origin,
        **extra,
    }


class PhotosRefused(Exception):
    """Photos named at filing that are not the filer's own unattached uploads."""


async def store(
    conn: Conn,
    row: dict[str, Any],
    answered_on_spot: str | None = None,
    photo_ids: list[uuid.UUID] | None = None,
) -> bool:
    """Insert the report, attach its photos and store its ComplaintFiled, all or nothing (in
    the caller's transaction, if any); False (and nothing stored) when the same
    Idempotency-Key or external id was stored before. Raises PhotosRefused (nothing stored)."""
    event = outbox.envelopes(filed_event(row, answered_on_spot, photo_ids))
    praise = row["kind"] == "praise"
    if not photo_ids and not praise:  # one statement: the report and its event, atomic
        return await repository.insert_report(conn, row, event)
    async with conn.transaction():
        if not await repository.insert_report(conn, row):
            return False
        if photo_ids:
            attached = await photos.attach(conn, photo_ids, row["filed_by"], row["id"])
            if attached != len(set(photo_ids)):
                raise PhotosRefused("photo_ids must be your own photos, not yet on a report")
        if praise:
            await timeline.add_entry(
                conn, row["id"], "praise_thanked", row["filed_at"], status="closed",
                note=PRAISE_THANKS,
            )  # fmt: skip
        # The report was inserted just now, in this transaction: no other writer of its key.
        await outbox.add(conn, *event, new_aggregate=True)
    return True


def filed_event(
    row: dict[str, Any], answered_on_spot: str | None, photo_ids: list[uuid.UUID] | None
) -> ComplaintFiled:
    return ComplaintFiled(
        report_id=row["id"],
        tracking_no=row["tracking_no"],
        kind=row["kind"],
        category=row["category"],
        channel=row["channel"],
        urgency=row["urgency"],
        location=Location(**row["location"]),
        description=row["description"],
        anonymous=row["anonymous"],
        reporter_id=None if row["anonymous"] else row["reporter_id"],
        filed_at=row["filed_at"],
        origin=row.get("origin"),
        answered_on_spot=answered_on_spot,
        photo_count=len(set(photo_ids or [])),
    )
