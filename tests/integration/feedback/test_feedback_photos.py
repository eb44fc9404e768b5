"""Photos: type recognised by content, size limited, stored on local disk, attached at filing
(ComplaintFiled counts them), refused photos leave nothing behind."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 50
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "leak",
}


async def test_photos_are_checked_stored_and_attached(feedback: Feedback, tmp_path: Path) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path), photo_max_bytes=1000) as client:
        await feedback.publish(client, "plumbing", public=True)  # candidates show photos

        async def upload(data: bytes, ctype: str = "image/png", who: Any = student) -> Any:
            return await client.post(
                "/v1/photos", files={"file": ("p.bin", data, ctype)}, headers=who
            )

        png = await upload(PNG, "text/plain")  # the bytes decide, not the claimed type
        assert png.status_code == 201 and png.json()["content_type"] == "image/png"
        jpeg = await upload(JPEG, "image/jpeg")
        assert jpeg.json()["content_type"] == "image/jpeg"
        assert (await upload(WEBP, "image/webp")).json()["content_type"] == "image/webp"
        text = await upload(b"hello, not an image at all", "image/jpeg")
        assert text.status_code == 415
        assert text.headers["content-type"].startswith("application/problem+json")
        big = await upload(PNG + b"\x00" * 1000)
        assert big.status_code == 413
        staff = await upload(PNG, who=sso.auth("p", "staff"))
        assert staff.status_code == 403
        mine = [png.json()["id"], jpeg.json()["id"]]
        unattached = await client.get(f"/v1/photos/{mine[0]}", headers=sso.auth("x", "reporter"))
        assert unattached.status_code == 404

        other = (await upload(PNG, who=sso.auth("stu-2", "reporter"))).json()["id"]
        refused = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": [mine[0], other]}, headers=student
        )
        assert refused.status_code == 422
        assert await feedback.fetch("SELECT 1 FROM reports") == []
        assert await feedback.fetch("SELECT 1 FROM photos WHERE report_id IS NOT NULL") == []

        filed = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": mine}, headers=student
        )
        assert filed.status_code == 201, filed.text
        assert sorted(filed.json()["photo_ids"]) == sorted(mine)
        again = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": mine}, headers=student
        )
        assert again.status_code == 422  # already on a report
        seen = await client.get(f"/v1/reports/{filed.json()['id']}", headers=student)
        assert sorted(seen.json()["photo_ids"]) == sorted(mine)
        photo = await client.get(
            f"/v1/photos/{mine[1]}", params={"original": "true"}, headers=student
        )
        assert photo.status_code == 200 and photo.content == JPEG
        # Bytes whose structure cannot be followed are never served stripped "as is".
        unchecked = await client.get(f"/v1/photos/{mine[1]}", headers=sso.auth("s", "supervisor"))
        assert unchecked.status_code == 404
        assert photo.headers["content-type"] == "image/jpeg"
        dup = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "building": "north-dorm-7", "room": "312"},
            headers=sso.auth("stu-3", "reporter"),
        )
        [offered] = dup.json()
        assert offered["photo_count"] == 2 and offered["first_photo_id"] in mine
    [event] = await feedback.events("houqin.feedback.ComplaintFiled.v1")
    assert event["photo_count"] == 2
    stored = await asyncio.to_thread(lambda: [p for p in tmp_path.rglob("*") if p.is_file()])
    assert len(stored) == 4  # three kinds plus stu-2's, each under a two-letter folder


async def test_too_many_photos_are_refused(feedback: Feedback, tmp_path: Path) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path), photo_max_per_report=1) as client:
        await feedback.publish(client, "plumbing", public=True)  # candidates show photos
        ids = [
            (
                await client.post(
                    "/v1/photos", files={"file": ("a", PNG, "image/png")}, headers=student
                )
            ).json()["id"]
            for _ in range(2)
        ]
        r = await client.post("/v1/reports", json={**REPORT, "photo_ids": ids}, headers=student)
    assert r.status_code == 422 and "at most 1" in r.json()["detail"]


def files(data: bytes = PNG, ctype: str = "image/png") -> dict[str, Any]:
    return {"file": ("photo.bin", data, ctype)}


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_photos_are_added_after_filing_by_whom_may(
    feedback: Feedback, tmp_path: Path
) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    settings = {"photo_dir": str(tmp_path), "photo_max_bytes": 1000, "photo_max_per_report": 4}
    async with feedback.client(**settings) as client:
        await feedback.publish(client, "plumbing", public=True)  # candidates show photos
        first = (await client.post("/v1/photos", files=files(JPEG), headers=student)).json()["id"]
        filed = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": [first]}, headers=student
        )
        assert filed.status_code == 201, filed.text
        rid, tracking_no = filed.json()["id"], filed.json()["tracking_no"]
        url = f"/v1/reports/{rid}/photos"

        for who in (sso.auth("stu-2", "reporter"), sso.auth("plumber", "staff")):
            assert (await client.post(url, files=files(), headers=who)).status_code == 404
        leader = await client.post(url, files=files(), headers=sso.auth("boss", "leader"))
        assert leader.status_code == 404
        nowhere = await client.post(
            "/v1/reports/00000000-0000-4000-8000-000000000000/photos",
            files=files(),
            headers=student,
        )
        assert nowhere.status_code == 404
        for data, code, problem in (
            (b"GIF89a, not allowed", 415, "photo-type"),
            (PNG + b"\x00" * 1000, 413, "photo-too-large"),
        ):
            r = await client.post(url, files=files(data), headers=student)
            assert r.status_code == code
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["type"].endswith(problem)

        added = await client.post(url, files=files(PNG, "text/plain"), headers=student)
        assert added.status_code == 201, added.text
        assert added.json()["content_type"] == "image/png"
        desk = await client.post(url, files=files(WEBP), headers=sso.auth("desk-1", "front_desk"))
        assert desk.status_code == 201, desk.text
        sup = await client.post(url, files=files(), headers=sso.auth("sup", "supervisor"))
        assert sup.status_code == 201, sup.text
        ids = [first, added.json()["id"], desk.json()["id"], sup.json()["id"]]

        full = await client.post(url, files=files(), headers=student)
        assert full.status_code == 422
        assert full.headers["content-type"].startswith("application/problem+json")
        assert full.json()["type"].endswith("too-many-photos")
        assert "at most 4" in full.json()["detail"]

        seen = (await client.get(f"/v1/reports/{rid}", headers=student)).json()
        assert seen["photo_ids"] == ids  # in the order they came
        by_no = await client.get(f"/v1/reports/by-tracking-no/{tracking_no}", headers=student)
        assert by_no.json()["photo_ids"] == ids
        photo = await client.get(
            f"/v1/photos/{ids[2]}", params={"original": "true"}, headers=student
        )
        assert photo.status_code == 200 and photo.content == WEBP
        dup = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "building": "north-dorm-7", "room": "312"},
            headers=sso.auth("stu-3", "reporter"),
        )
        [offered] = dup.json()
        assert offered["photo_count"] == 4 and offered["first_photo_id"] == first
        steps = (await client.get(f"/v1/reports/{rid}/timeline", headers=student)).json()
        added_steps = [s for s in steps if s["kind"] == "photo_added"]
        assert [s["by_reporter"] for s in added_steps] == [True, False, False]
    assert len(await feedback.events("houqin.feedback.ComplaintFiled.v1")) == 1
    # the filing photo and three added; refused uploads left nothing on disk
    assert len(await asyncio.to_thread(stored_files, tmp_path)) == 4


async def test_concurrent_additions_never_pass_the_cap(feedback: Feedback, tmp_path: Path) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path), photo_max_per_report=2) as client:
        await feedback.publish(client, "plumbing", public=True)  # candidates show photos
        rid = (await client.post("/v1/reports", json=REPORT, headers=student)).json()["id"]
        answers = await asyncio.gather(
            *(
                client.post(f"/v1/reports/{rid}/photos", files=files(), headers=student)
                for _ in range(5)
            )
        )
    assert sorted(a.status_code for a in answers) == [201, 201, 422, 422, 422]
    assert len(await feedback.fetch("SELECT 1 FROM photos WHERE report_id = $1", rid)) == 2
    assert len(await asyncio.to_thread(stored_files, tmp_path)) == 2
