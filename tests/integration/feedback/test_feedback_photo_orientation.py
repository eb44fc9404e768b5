"""A portrait phone photo (landscape pixels + EXIF orientation 6) is stored upright, so it
stays upright once its metadata is stripped; thumbnails follow the photo's access rules."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from feedback_support import Feedback
from PIL import Image

pytestmark = pytest.mark.infra
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "the light over the door",
}


def portrait_jpeg() -> bytes:
    """What a phone held upright writes: 400x200 pixels, top half red, and orientation 6."""
    image = Image.new("RGB", (400, 200), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 400, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


async def test_portrait_photo_is_upright_and_has_a_thumbnail(
    feedback: Feedback, tmp_path: Path
) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    other = feedback.sso.auth("stu-2", "reporter")
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        await feedback.publish(client, "plumbing")
        up = await client.post(
            "/v1/photos", files={"file": ("p.jpg", portrait_jpeg(), "image/jpeg")}, headers=student
        )
        assert up.status_code == 201, up.text
        photo_id = up.json()["id"]

        stored = await client.get(f"/v1/photos/{photo_id}", headers=student)
        image = opened(stored.content)
        assert image.size == (200, 400)  # portrait, as it was taken
        assert image.getexif().get(0x0112) is None  # no orientation left to apply twice
        # Turned clockwise: the red top of the sensor is now on the right.
        assert image.getpixel((150, 200))[0] > 200 and image.getpixel((50, 200))[2] > 200

        # Before filing, only the uploader sees it (and its thumbnail).
        assert (
            await client.get(f"/v1/photos/{photo_id}/thumbnail", headers=other)
        ).status_code == 404
        mine = await client.get(f"/v1/photos/{photo_id}/thumbnail", headers=student)
        assert mine.status_code == 200 and mine.headers["content-type"] == "image/jpeg"

        filed = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": [photo_id]}, headers=student
        )
        assert filed.status_code == 201, filed.text
        # Filed: another student still does not see it; the supervisors do.
        assert (
            await client.get(f"/v1/photos/{photo_id}/thumbnail", headers=other)
        ).status_code == 404
        sup = feedback.sso.auth("sup-1", "supervisor")
        thumb = await client.get(f"/v1/photos/{photo_id}/thumbnail", headers=sup)
        assert thumb.status_code == 200, thumb.text
        small = opened(thumb.content)
        assert small.format == "JPEG" and small.size == (160, 320)
        assert not dict(small.getexif())  # no metadata at all
        assert "private" in thumb.headers["cache-control"]
        assert await asyncio.to_thread(lambda: list(tmp_path.rglob("*-thumb")))  # kept
        again = await client.get(f"/v1/photos/{photo_id}/thumbnail", headers=sup)
        assert again.content == thumb.content

        missing = await client.get(
            "/v1/photos/00000000-0000-0000-0000-000000000000/thumbnail", headers=student
        )
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert (await client.get(f"/v1/photos/{photo_id}/thumbnail")).status_code == 401
