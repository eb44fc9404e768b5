"""Filing a report, whatever the channel it came by: `file(...)` checks it against the catalogue
and the reception-day sessions, gives it the day's tracking number, and stores it with its photos
and its ComplaintFiled event. The web, Open311 and reception-day routes and the inbound-event
handler call it and keep only their own protocol's work (sign-in, rate limits, replays, answers).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from feedback import domain, domain_track, repository
from feedback.photos import PhotoStore
from feedback.repository import catalog, photos, reception, timeline
from feedback.rows import ReportRow, report_as_stored
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


Reason = Literal["origin-session-unknown", "category-unknown", "too-many-photos", "photos-refused"]


class Refused(Exception):
    """The report cannot be filed; `reason` says why (each channel answers it in its own words:
    problem+json, an Open311 error, a dead-lettered event)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class NewPhoto:
    """A photo sent with the report itself (Open311's `media`): its row and bytes, and where the
    bytes go (written only once the report is known to be accepted)."""

    row: dict[str, Any]
    data: bytes
    store: PhotoStore


@dataclass(frozen=True)
class Desk:
    """Where and by whom a report is filed: the tracking numbers it draws from, the campus's
    time zone (whose day the number carries) and the filer (a person, or `system:<source>`)."""

    numbers: TrackingNumbers
    zone: ZoneInfo
    filed_by: str


async def file(
    conn: Conn,
    report: domain.ReportIn,
    desk: Desk,
    *,
    reporter: str | None,
    is_active: Callable[[Conn, str], Awaitable[bool]] = catalog.is_active_category,
    max_photos: int | None = None,
    new_photo: NewPhoto | None = None,
    answered_on_spot: str | None = None,
    **extra: Any,
) -> ReportRow | None:
    """File `report` (a reception-day report needs its session, every report an active category
    of the catalogue) and return its row; None (nothing stored) when its Idempotency-Key or
    external id was stored before. `extra` holds the row's channel-specific columns
    (`access_code`, `transcribed_by`, `idempotency_key`, `media_url`, `external_id` ...).
    An answer given on the spot closes the report with it. Raises Refused."""
    if report.channel == "reception_day" and not await reception.session_exists(
        conn, report.origin or ""
    ):
        raise Refused("origin-session-unknown", f"no reception-day session {report.origin!r}")
    if not await is_active(conn, report.category):
        detail = f"category {report.category!r} is not in the service catalogue"
        raise Refused("category-unknown", detail)
    now = datetime.now(UTC)
    row = await new_row(
        conn, report, numbers=desk.numbers, now=now, day=now.astimezone(desk.zone).date(),
        reporter=reporter, filed_by=desk.filed_by, **extra,
    )  # fmt: skip
    if max_photos is not None and len(set(report.photo_ids)) > max_photos:
        raise Refused("too-many-photos", f"at most {max_photos} photos per report")
    if answered_on_spot:
        row["status"], row["explanation"] = "closed", answered_on_spot
    try:
        stored = await _store_all(conn, row, report.photo_ids, new_photo, answered_on_spot)
    except PhotosRefused as exc:
        raise Refused("photos-refused", str(exc)) from exc
    return report_as_stored(row) if stored else None


async def _store_all(
    conn: Conn,
    row: dict[str, Any],
    photo_ids: list[uuid.UUID],
    new_photo: NewPhoto | None,
    answered_on_spot: str | None,
) -> bool:
    if new_photo is None and not answered_on_spot:
        return await store(conn, row, photo_ids=photo_ids)
    if new_photo is not None:
        await new_photo.store.put(new_photo.row["storage_key"], new_photo.data)
        photo_ids = [new_photo.row["id"]]
    async with conn.transaction():
        if new_photo is not None:
            await photos.insert_photo(conn, new_photo.row)
        if not await store(conn, row, answered_on_spot, photo_ids):
            return False
        if answered_on_spot:
            await timeline.add_entry(
                conn, row["id"], "answered_on_spot", row["filed_at"], status="closed",
                note=answered_on_spot,
            )  # fmt: skip
    return True


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
