"""Photos of reports, fetched from feedback with the viewer's token (the page's CSP allows
images from the console only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from console.web import Page

router = APIRouter()


@router.get("/photos/{photo_id}")
async def photo(ctx: Page, photo_id: uuid.UUID) -> Response:
    token = await ctx.token()
    data, content_type = await ctx.api.photo(token, photo_id)
    if content_type not in ("image/jpeg", "image/png", "image/webp"):
        content_type = "application/octet-stream"
    return Response(
        data, media_type=content_type, headers={"Cache-Control": "private, max-age=3600"}
    )
