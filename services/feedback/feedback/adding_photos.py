"""Adding a photo to a report already filed (the reporter's or front desk's, or a photo of the
finished work): the upload is read and checked, its bytes stored, then it is counted against
the report's cap and recorded under the report's row lock, so that concurrent additions count
one after the other. The route does the HTTP work and says what else to record."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import UploadFile

from feedback import repository
from feedback.photos import PhotoStore
from feedback.repository import photos
from feedback.settings import FeedbackSettings
from feedback.uploads import PhotoOut, checked, photo_row, too_many_photos
from houqin_shared.db import Conn
from houqin_shared.problems import ProblemError

Record = Callable[[Conn, dict[str, Any]], Awaitable[None]]


async def check_room(conn: Conn, report_id: uuid.UUID, cap: int) -> None:
    """Refuse with `too-many-photos` when the report has its `cap` of photos already."""
    if await photos.count_of(conn, report_id) >= cap:
        raise too_many_photos(cap)


async def add(
    pool: Any,
    store: PhotoStore,
    upload: UploadFile,
    settings: FeedbackSettings,
    report_id: uuid.UUID,
    uploader: str,
    record: Record,
) -> PhotoOut:
    """Store the photo and its row; `record(conn, row)` runs in the same transaction. A refusal
    deletes the stored bytes again (other failures may leave an orphan file)."""
    cap = settings.photo_max_per_report
    data, kind = await checked(upload, settings)
    row = photo_row(data, kind, uploader) | {"report_id": report_id}
    await store.put(row["storage_key"], data)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await repository.get_report(conn, report_id, for_update=True)
            await check_room(conn, report_id, cap)
            await photos.insert_photo(conn, row)
            await record(conn, row)
    except ProblemError:
        await store.delete(row["storage_key"])
        raise
    return PhotoOut(id=row["id"], content_type=kind, size=len(data))
