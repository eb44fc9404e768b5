"""Photos: upload first (JPEG, PNG or WebP, within the size limit), then name them in
`photo_ids` when filing the report, or add them to a report already filed; read them back by
id."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from feedback import adding_photos, images, repository
from feedback import domain_photo_access as access
from feedback.adding_photos import check_room
from feedback.deps import Settings, store_of
from feedback.limits import limit_address, limit_caller
from feedback.photos import NotAnImage, without_metadata
from feedback.presenting import may_read
from feedback.repository import photos, timeline
from feedback.rows import ReportRow, StagedReportRow
from feedback.settings import FeedbackSettings
from feedback.uploads import (
    PHOTO_PROBLEMS,
    ImageFile,
    PhotoOut,
    checked,
    photo_row,
)
from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal, Principal, Role
from houqin_shared.openapi import refusals
from houqin_shared.problems import ProblemError, problem
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/photos", tags=["photos"])
report_router = APIRouter(prefix="/v1/reports", tags=["photos"])
UPLOAD_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PHOTO_PROBLEMS,
    413: {
        "description": "Too large (photo-too-large), or so are your unattached uploads"
        " (photo-quota-bytes)"
    },
    429: {"description": "Too many unattached uploads (photo-quota-count)"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PhotoOut,
    responses=UPLOAD_PROBLEMS,
)
async def upload_photo(
    file: ImageFile,
    who: CurrentPrincipal,
    pool: DbPool,
    settings: Settings,
    request: Request,
) -> PhotoOut:
    limit_address(request)
    if not who.has_any(Role.reporter, Role.front_desk, Role.service, Role.supervisor):
        raise problem(
            "role-required", "uploading photos needs the reporter, front_desk or service role"
        )
    async with pool.acquire() as conn:  # a quick refusal before the upload is read
        check_quota(*await photos.unattached_of(conn, who.subject), 0, settings)
    data, kind = await checked(file, settings)
    row = photo_row(data, kind, who.subject)
    store = store_of(request)
    await store.put(row["storage_key"], data)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await photos.hold_uploads_of(conn, who.subject)  # concurrent uploads count in turn
            check_quota(*await photos.unattached_of(conn, who.subject), len(data), settings)
            await photos.insert_photo(conn, row)
    except ProblemError:
        await store.delete(row["storage_key"])
        raise
    return PhotoOut(id=row["id"], content_type=kind, size=len(data))


def check_quota(count: int, used: int, adding: int, settings: FeedbackSettings) -> None:
    """A user holds at most `photo_unattached_max` uploads not yet on a report, of at most
    `photo_unattached_max_bytes` in all (they expire after `photo_unattached_hours`)."""
    if count >= settings.photo_unattached_max:
        raise problem(
            "photo-quota-count",
            f"at most {settings.photo_unattached_max} photos not yet on a report; file the"
            f" report or wait (uploads expire after {settings.photo_unattached_hours:g} h)",
        )
    if used + adding > settings.photo_unattached_max_bytes:
        raise problem(
            "photo-quota-bytes",
            f"photos not yet on a report may take at most {settings.photo_unattached_max_bytes}"
            " bytes; file the report or wait",
        )


def may_add_photos(report: ReportRow, who: Principal) -> bool:
    """The report's own reporter, front desk (who files on reporters' behalf) and supervisors."""
    own = report["reporter_id"] is not None and report["reporter_id"] == who.subject
    return own or who.has_any(Role.front_desk, Role.supervisor)


@report_router.post(
    "/{report_id}/photos",
    status_code=status.HTTP_201_CREATED,
    response_model=PhotoOut,
    responses=PHOTO_PROBLEMS,
)
async def add_photo(
    report_id: uuid.UUID,
    file: ImageFile,
    who: CurrentPrincipal,
    pool: DbPool,
    settings: Settings,
    request: Request,
) -> PhotoOut:
    """Add a photo to a report already filed (same limits as at filing, and at most
    `photo_max_per_report` photos on one report in all). It is listed with the report's photos
    and shown to whoever may see them."""
    limit_address(request)
    limit_caller(request, who)
    async with pool.acquire() as conn:
        report = await repository.get_report(conn, report_id)
        if report is None or not may_read(report, who):
            raise problem("report-not-found", f"no report {report_id} that you may see")
        if not may_add_photos(report, who):
            raise problem(
                "photo-add-forbidden", "only the reporter, front desk or a supervisor adds photos"
            )
        await check_room(conn, report_id, settings.photo_max_per_report)  # before the upload
    author = who.subject if report["reporter_id"] == who.subject else None

    async def on_timeline(conn: Conn, row: dict[str, Any]) -> None:
        await timeline.add_entry(
            conn, report_id, "photo_added", row["uploaded_at"], author_id=author
        )

    store = store_of(request)
    return await adding_photos.add(pool, store, file, settings, report_id, who.subject, on_timeline)


async def _visible(
    pool: Any, photo_id: uuid.UUID, who: Principal
) -> tuple[dict[str, Any], StagedReportRow | None]:
    """The photo and its report, when `who` may see it; else photo-not-found."""
    async with pool.acquire() as conn:
        row = await photos.get_photo(conn, photo_id)
        report = None
        if row is not None and row["report_id"] is not None:
            report = await repository.get_report(conn, row["report_id"])
    if row is None or not access.may_see(row, report, who):
        raise problem("photo-not-found", f"no photo {photo_id}")
    return row, report


@router.get(
    "/{photo_id}",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
        **refusals("photo-not-found", "photo-original-forbidden"),
    },
)
async def read_photo(
    photo_id: uuid.UUID,
    who: CurrentPrincipal,
    pool: DbPool,
    request: Request,
    original: Annotated[
        QueryBool,
        Query(
            description="The bytes as sent, metadata included: only for the report's reporter"
            " and the staff assigned to it (403 photo-original-forbidden for anyone else)."
        ),
    ] = False,
) -> Response:
    """A report's photo without its metadata (EXIF position, camera, comments), for its
    reporter, the staff assigned to it or of its department, supervisors, admins and front
    desk; an unattached upload only for its uploader."""
    row, report = await _visible(pool, photo_id, who)
    if original and not access.may_fetch_original(row, report, who):
        raise problem("photo-original-forbidden", "only the reporter and the assigned staff")
    data = await store_of(request).get(row["storage_key"])
    if data is None:
        raise problem("photo-not-found", f"photo {photo_id} is missing from storage")
    if not original:
        try:
            data = await asyncio.to_thread(without_metadata, data, row["content_type"])
        except NotAnImage as exc:  # never served unchecked
            raise problem("photo-not-found", f"photo {photo_id} cannot be shown") from exc
    return Response(data, media_type=row["content_type"], headers={"Cache-Control": "private"})


def thumb_key(storage_key: str) -> str:
    return f"{storage_key}-thumb"


@router.get(
    "/{photo_id}/thumbnail",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "A JPEG thumbnail"},
        404: {"description": "No such photo", "content": {"application/problem+json": {}}},
    },
)
async def read_thumbnail(
    photo_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool, request: Request
) -> Response:
    """The photo as a JPEG at most 320 px on its long side, upright and without metadata, for
    whoever may see the photo. Made on first request and kept (an unattached upload's is made
    each time, so nothing outlives it)."""
    row, _ = await _visible(pool, photo_id, who)
    store, key = store_of(request), thumb_key(row["storage_key"])
    attached = row["report_id"] is not None
    thumb = await store.get(key) if attached else None
    if thumb is None:
        data = await store.get(row["storage_key"])
        thumb = await asyncio.to_thread(images.thumbnail, data) if data else None
        if thumb is None:
            raise problem("photo-not-found", f"photo {photo_id} has no thumbnail")
        if attached:
            await store.put(key, thumb)
    return Response(
        thumb, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"}
    )
