"""Photos: upload first (JPEG, PNG or WebP, within the size limit), then name them in
`photo_ids` when filing the report; read them back by id."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from pydantic import BaseModel

from feedback.deps import DbPool, Settings, limit_address
from feedback.photos import PhotoStore, sniff
from feedback.repository import photos
from houqin_shared.identity import CurrentPrincipal, Role
from houqin_shared.problems import ProblemError, forbidden, not_found

router = APIRouter(prefix="/v1/photos", tags=["photos"])
CHUNK = 64 * 1024


class PhotoOut(BaseModel):
    id: uuid.UUID
    content_type: str
    size: int


def store_of(request: Request) -> PhotoStore:
    store: PhotoStore = request.app.state.photo_store
    return store


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data += chunk
        if len(data) > limit:
            raise ProblemError(
                413,
                "Photo too large",
                f"a photo may be at most {limit} bytes",
                type_="https://houqin.dev/problems/photo-too-large",
            )
    return bytes(data)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PhotoOut,
    responses={413: {"description": "Too large"}, 415: {"description": "Not JPEG, PNG or WebP"}},
)
async def upload_photo(
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP image.")],
    who: CurrentPrincipal,
    pool: DbPool,
    settings: Settings,
    request: Request,
) -> PhotoOut:
    limit_address(request)
    if not who.has_any(Role.reporter, Role.front_desk, Role.service, Role.supervisor):
        raise forbidden("uploading photos needs the reporter, front_desk or service role")
    data = await _read_limited(file, settings.photo_max_bytes)
    kind = sniff(data[:16])
    if kind is None:
        raise ProblemError(
            415,
            "Unsupported photo type",
            "photos must be JPEG, PNG or WebP images",
            type_="https://houqin.dev/problems/photo-type",
        )
    photo_id = uuid.uuid4()
    await store_of(request).put(photo_id.hex, data)
    row = {
        "id": photo_id,
        "uploaded_by": who.subject,
        "content_type": kind,
        "size": len(data),
        "storage_key": photo_id.hex,
        "uploaded_at": datetime.now(UTC),
    }
    async with pool.acquire() as conn:
        await photos.insert_photo(conn, row)
    return PhotoOut(id=photo_id, content_type=kind, size=len(data))


@router.get("/{photo_id}", response_class=Response)
async def read_photo(
    photo_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool, request: Request
) -> Response:
    """A report's photo, for anyone signed in (photos help judge duplicates and do the work);
    an unattached one only for its uploader."""
    async with pool.acquire() as conn:
        row = await photos.get_photo(conn, photo_id)
    if row is None or (row["report_id"] is None and row["uploaded_by"] != who.subject):
        raise not_found(f"no photo {photo_id}")
    data = await store_of(request).get(row["storage_key"])
    if data is None:
        raise not_found(f"photo {photo_id} is missing from storage")
    return Response(data, media_type=row["content_type"], headers={"Cache-Control": "private"})
