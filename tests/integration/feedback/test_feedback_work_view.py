"""Issue 16: the workers on a report read the reporter's description, photos and contact (not an
anonymous reporter's) and add photos of the finished work, within the photo limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 200)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "水龙头漏水",
    "contact": "13800000000",
}


async def test_workers_read_the_report_and_add_completion_photos(
    feedback: Feedback, tmp_path: Path
) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    plumber = sso.auth("plumber", "staff", dept="maintenance", team="plumbers")
    cook = sso.auth("cook", "staff", dept="catering", team="cooks")
    async with feedback.client(photo_dir=str(tmp_path), photo_max_bytes=1000) as client:
        await feedback.publish(client, "plumbing")
        up = await client.post(
            "/v1/photos", files={"file": ("p.png", PNG, "image/png")}, headers=student
        )
        filed = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": [up.json()["id"]]}, headers=student
        )
        assert filed.status_code == 201, filed.text
        report_id = filed.json()["id"]
        await feedback.fetch(
            "UPDATE reports SET department_id = 'maintenance', assignees = '{plumber}'"
            " WHERE id = $1",
            filed.json()["id"],
        )
        url = f"/v1/reports/{report_id}"
        view = await client.get(f"{url}/work", headers=plumber)
        assert view.status_code == 200, view.text
        body = view.json()
        assert (body["description"], body["contact"]) == ("水龙头漏水", "13800000000")
        assert body["photo_ids"] == [up.json()["id"]] and body["completion_photo_ids"] == []
        assert (await client.get(f"{url}/work", headers=cook)).status_code == 404
        assert (await client.get(f"{url}/work", headers=student)).status_code == 404

        def photo(data: bytes, who: Any) -> Any:
            files = {"file": ("done.png", data, "image/png")}
            return client.post(f"{url}/completion-photos", files=files, headers=who)

        done = await photo(PNG, plumber)
        assert done.status_code == 201, done.text
        assert (await photo(PNG, cook)).status_code == 404
        assert (await photo(b"not an image", plumber)).status_code == 415
        big = await photo(PNG + b"\x00" * 1000, plumber)
        assert big.status_code == 413 and big.json()["type"].endswith("/photo-too-large")
        body = (await client.get(f"{url}/work", headers=plumber)).json()
        assert body["completion_photo_ids"] == [done.json()["id"]]
        seen = await client.get(f"/v1/photos/{done.json()['id']}", headers=student)
        assert seen.status_code == 200, seen.text  # the reporter sees the finished work

        await feedback.fetch("UPDATE reports SET anonymous = true WHERE id = $1", report_id)
        assert (await client.get(f"{url}/work", headers=plumber)).json()["contact"] is None
