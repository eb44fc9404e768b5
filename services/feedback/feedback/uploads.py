"""A photo upload read within its size limit, recognised as an allowed image and turned
upright, and the row that records it (shared by every route that takes a photo)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import File, UploadFile
from pydantic import BaseModel
from starlette.datastructures import UploadFile as AnyUpload

from feedback import images
from feedback.photos import sniff
from feedback.settings import FeedbackSettings
from houqin_shared.openapi import refusals
from houqin_shared.problems import ProblemError, problem

CHUNK = 64 * 1024
PHOTO_PROBLEMS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Too large"},
    **refusals("photo-type", "too-many-photos"),
}


class PhotoOut(BaseModel):
    id: uuid.UUID
    content_type: str
    size: int


ImageFile = Annotated[UploadFile, File(description="A JPEG, PNG or WebP image.")]


def too_many_photos(limit: int) -> ProblemError:
    return problem("too-many-photos", f"at most {limit} photos per report")


async def read_limited(upload: AnyUpload, limit: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data += chunk
        if len(data) > limit:
            raise problem("photo-too-large", f"a photo may be at most {limit} bytes")
    return bytes(data)


async def checked(upload: AnyUpload, settings: FeedbackSettings) -> tuple[bytes, str]:
    """The upload's bytes and image type, within the size limit and one of the allowed types."""
    data = await read_limited(upload, settings.photo_max_bytes)
    kind = sniff(data[:16])
    if kind is None:
        raise problem("photo-type", "photos must be JPEG, PNG or WebP images")
    data = await asyncio.to_thread(images.upright, data, kind)  # before metadata is stripped
    return data, kind


def photo_row(data: bytes, kind: str, uploader: str) -> dict[str, Any]:
    photo_id = uuid.uuid4()
    return {
        "id": photo_id,
        "uploaded_by": uploader,
        "content_type": kind,
        "size": len(data),
        "storage_key": photo_id.hex,
        "uploaded_at": datetime.now(UTC),
    }
