"""./houqin backup and restore (deploy/local/backup.py) on the real platform. On a fresh instance
(HOUQIN_RESTORE_INSTANCE, `fault` by default: its data is wiped, so it must not be running) the
platform runs while reports' events stream in; a backup is taken in the middle; the instance is
wiped again, the backup restored into it and the services started. They carry on: every report
the backup holds becomes exactly one ticket although its events are replayed (the inbox drops
what the dump shows was handled), no report is half there, none filed after the backup is, and
new reports are handled."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import launcher
import pytest

from houqin_shared import outbox
from houqin_shared.contracts import ComplaintFiled, Location

pytestmark = [pytest.mark.infra, pytest.mark.timeout(2400)]
TARGET = os.environ.get("HOUQIN_RESTORE_INSTANCE", "fault")
BATCH = 20
ROOT = Path(__file__).resolve().parents[2]


def events(tag: str, batch: int) -> list[ComplaintFiled]:
    now = datetime.now(UTC)
    return [
        ComplaintFiled(
            report_id=uuid.uuid4(),
            tracking_no=f"{tag}-{batch:04d}-{i:02d}",
            kind="repair",
            category=tag,
            channel="web",
            location=Location(campus="north", building="north-dorm-7"),
            description="backup test",
            anonymous=True,
            filed_at=now,
        )
        for i in range(BATCH)
    ]


async def file_batches(dsn: str, tag: str, first: int, stop: threading.Event, log: list) -> None:
    """One transaction of BATCH reports' events at a time; log (batch, began_ms, committed_ms)."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "feedback"})
    batch = first
    try:
        while not stop.is_set():
            began = time.time() * 1000
            async with conn.transaction():
                await outbox.add(conn, *events(tag, batch))
            log.append((batch, began, time.time() * 1000))
            batch += 1
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


def tickets_by_batch(dsn: str, tag: str) -> dict[int, int]:
    async def read() -> dict[int, int]:
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT tracking_no, count(*) AS n FROM tickets.tickets WHERE category = $1"
                " GROUP BY tracking_no",
                tag,
            )
        finally:
            await conn.close()
        assert all(r["n"] == 1 for r in rows), "a report made two tickets"
        batches: dict[int, int] = {}
        for r in rows:
            b = int(r["tracking_no"].split("-")[-2])
            batches[b] = batches.get(b, 0) + 1
        return batches

    return asyncio.run(read())


def settled(read, timeout_s: float = 600, quiet_s: float = 5):  # type: ignore[no-untyped-def]
    """`read()` once it has stopped changing for `quiet_s`."""
    deadline = time.monotonic() + timeout_s
    last, since = read(), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, f"still changing: {last}"
        time.sleep(0.5)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
    return last


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def fresh(name: str) -> None:
    """Wipe instance `name` (stopped: refuse to take it from someone)."""
    base = launcher.PORT_OFFSETS[name]
    assert not port_open(8101 + base), f"instance {name} has a running platform: stop it first"
    subprocess.run([str(ROOT / "houqin"), "stop", "--instance", name], check=True, cwd=ROOT)
    shutil.rmtree(ROOT / ".data" / name, ignore_errors=True)


def houqin(*args: str) -> dict:  # type: ignore[type-arg]
    run = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/backup.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_backup_under_load_restores_and_carries_on(tmp_path: Path) -> None:
    fresh(TARGET)
    source = launcher.instance(TARGET)
    launcher.migrate_all(source)
    platform = launcher.Platform(source)
    try:
        platform.start()
        manifest, log, tag = backup_under_load(source, tmp_path / "b")
    finally:
        platform.stop()
    restore_and_check(manifest, log, tag, tmp_path / "b")


def backup_under_load(source: launcher.Instance, out: Path) -> tuple[dict, list, str]:  # type: ignore[type-arg]
    tag = "bak-" + uuid.uuid4().hex[:8]
    stop, log = threading.Event(), []  # type: ignore[var-annotated]
    load = threading.Thread(
        target=lambda: asyncio.run(file_batches(source.admin_dsn, tag, 0, stop, log))
    )
    load.start()
    try:
        time.sleep(3)  # some handled, some in flight
        houqin("backup", "--instance", source.name, "--out", str(out))
        time.sleep(1)
    finally:
        stop.set()
        load.join(timeout=30)
    return json.loads((out / "manifest.json").read_text()), log, tag


def restore_and_check(manifest: dict, log: list, tag: str, out: Path) -> None:  # type: ignore[type-arg]
    at = manifest["snapshot_ms"]
    assert set(manifest["schemas"]) == {"feedback", "tickets", "scoring", "notify"}
    assert all(s["migrations"] for s in manifest["schemas"].values())
    before = {b for b, _, committed in log if committed < at}
    after = {b for b, began, _ in log if began > at}
    assert before and after, f"the load did not straddle the snapshot: {log}"

    fresh(TARGET)
    restored = houqin("restore", "--instance", TARGET, "--from", str(out))
    assert restored["restored"] == ["feedback", "tickets", "scoring", "notify"]
    target = launcher.instance(TARGET)
    launcher.migrate_all(target)  # at the restored versions already: nothing to do
    second = launcher.Platform(target)
    try:
        second.start()
        got = settled(lambda: tickets_by_batch(target.admin_dsn, tag))
        assert set(got.values()) == {BATCH}, f"a report half restored: {got}"
        assert before <= set(got), f"lost: {sorted(before - set(got))}"
        assert not set(got) & after, f"reports filed after the backup: {sorted(set(got) & after)}"
        # new reports are handled on the restored platform
        asyncio.run(one_batch(target.admin_dsn, tag))
        final = settled(lambda: tickets_by_batch(target.admin_dsn, tag))
        assert final == got | {9000: BATCH}
    finally:
        second.stop()
        subprocess.run([str(ROOT / "houqin"), "stop", "--instance", TARGET], cwd=ROOT, check=False)


async def one_batch(dsn: str, tag: str) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "feedback"})
    try:
        async with conn.transaction():
            await outbox.add(conn, *events(tag, 9000))
    finally:
        await conn.close()
