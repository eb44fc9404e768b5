"""Uploads never attached to a report cannot fill the disk: each user holds only so many (count
and bytes, answered as typed 429/413 problems), and the worker deletes those older than
FEEDBACK_PHOTO_UNATTACHED_HOURS, file and row, and any file no photo owns once that old."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from feedback_support import Feedback

from feedback.periodic import expire_uploads, sweep_orphans, tasks
from feedback.photos import LocalDiskStore

pytestmark = pytest.mark.infra
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100  # 108 bytes
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "leak",
}


def files(data: bytes = PNG) -> dict[str, Any]:
    return {"file": ("photo.png", data, "image/png")}


async def on_disk(root: Path) -> list[Path]:
    return await asyncio.to_thread(lambda: [p for p in root.rglob("*") if p.is_file()])


async def test_a_user_holds_only_so_many_unattached_uploads(
    feedback: Feedback, tmp_path: Path
) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    other = feedback.sso.auth("stu-2", "reporter")
    async with feedback.client(photo_dir=str(tmp_path), photo_unattached_max=2) as client:
        await feedback.publish(client, "plumbing")
        ids = []
        for _ in range(2):
            r = await client.post("/v1/photos", files=files(), headers=student)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        third = await client.post("/v1/photos", files=files(), headers=student)
        assert third.status_code == 429, third.text
        assert third.headers["content-type"].startswith("application/problem+json")
        assert third.json()["type"].endswith("/photo-quota-count")
        assert (await client.post("/v1/photos", files=files(), headers=other)).status_code == 201
        filed = await client.post("/v1/reports", json={**REPORT, "photo_ids": ids}, headers=student)
        assert filed.status_code == 201, filed.text
        again = await client.post("/v1/photos", files=files(), headers=student)
        assert again.status_code == 201  # attached photos no longer count
    assert len(await on_disk(tmp_path)) == 4


async def test_the_bytes_of_unattached_uploads_are_bounded_and_refusals_leave_nothing(
    feedback: Feedback, tmp_path: Path
) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    settings = {"photo_dir": str(tmp_path), "photo_unattached_max_bytes": 250}
    async with feedback.client(**settings) as client:
        for _ in range(2):
            r = await client.post("/v1/photos", files=files(), headers=student)
            assert r.status_code == 201, r.text
        full = await client.post("/v1/photos", files=files(), headers=student)
    assert full.status_code == 413, full.text
    assert full.json()["type"].endswith("/photo-quota-bytes")
    assert len(await on_disk(tmp_path)) == 2
    assert len(await feedback.fetch("SELECT 1 FROM photos")) == 2


async def test_concurrent_uploads_never_pass_the_quota(feedback: Feedback, tmp_path: Path) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path), photo_unattached_max=2) as client:
        answers = await asyncio.gather(
            *(client.post("/v1/photos", files=files(), headers=student) for _ in range(6))
        )
    assert sorted(a.status_code for a in answers) == [201, 201, 429, 429, 429, 429]
    assert len(await on_disk(tmp_path)) == 2


async def test_the_worker_deletes_uploads_never_attached(
    feedback: Feedback, tmp_path: Path
) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        await feedback.publish(client, "plumbing")
        ids = [
            (await client.post("/v1/photos", files=files(), headers=student)).json()["id"]
            for _ in range(3)
        ]
        filed = await client.post(
            "/v1/reports", json={**REPORT, "photo_ids": ids[:1]}, headers=student
        )
        assert filed.status_code == 201, filed.text
    async with feedback.db() as conn:  # the first two uploads are a day and an hour old
        await conn.execute(
            "UPDATE photos SET uploaded_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])",
            ids[:2],
        )
    assert len(await on_disk(tmp_path)) == 3
    store = LocalDiskStore(tmp_path)
    async with feedback.pool() as pool:
        assert await expire_uploads(pool, store, 24) == 1
        assert await expire_uploads(pool, store, 24) == 0
    left = {str(r["id"]) for r in await feedback.fetch("SELECT id FROM photos")}
    assert left == {ids[0], ids[2]}  # the attached one, and the young one
    names = {p.name for p in await on_disk(tmp_path)}
    assert len(names) == 2 and ids[1].replace("-", "") not in names
    assert "photo_expiry" in [p.name for p in tasks(feedback.settings())]


async def test_files_no_photo_owns_are_swept_once_old(feedback: Feedback, tmp_path: Path) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        kept = (await client.post("/v1/photos", files=files(), headers=student)).json()["id"]
    key = kept.replace("-", "")
    store = LocalDiskStore(tmp_path)
    for name in ("ab" * 16, "cd" * 16 + ".tmp", key + "-thumb", "ef" * 16):
        await store.put(name, b"x")
    day_ago = time.time() - 25 * 3600
    for path in await on_disk(tmp_path):
        if not path.name.startswith("ef"):  # that one is young: perhaps an upload under way
            os.utime(path, (day_ago, day_ago))
    async with feedback.pool() as pool:
        assert await sweep_orphans(pool, store, 24) == 2
    names = sorted(p.name for p in await on_disk(tmp_path))
    assert names == sorted([key, key + "-thumb", "ef" * 16])
    assert "photo_orphans" in [p.name for p in tasks(feedback.settings())]
