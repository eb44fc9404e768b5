"""The launcher's supervisor (deploy/local/supervisor.py) against the real platform: a worker
SIGKILLed in the middle of a stream of events and an API SIGKILLed while idle are started again
after their back-off, serve again, and no event is lost or doubled."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import threading
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import launcher
import pytest
from supervisor import Supervisor

from houqin_shared import outbox
from houqin_shared.contracts import ComplaintFiled, Location

pytestmark = pytest.mark.infra
N = 600


async def file_events(dsn: str, tag: str) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "feedback"})
    now = datetime.now(UTC)
    async with conn.transaction():
        await outbox.add(
            conn,
            *[
                ComplaintFiled(
                    report_id=uuid.uuid4(),
                    tracking_no=f"{tag}-{i:05d}",
                    kind="repair",
                    category=tag,
                    channel="web",
                    location=Location(campus="north", building="north-dorm-7"),
                    description="supervisor test",
                    anonymous=True,
                    filed_at=now,
                )
                for i in range(N)
            ],
        )
    await conn.close()


async def count(dsn: str, sql: str, *args: object) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


def wait_for(check, timeout_s: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killed_processes_are_restarted_and_lose_nothing(platform: launcher.Platform) -> None:
    inst = platform.inst
    tag = "sup-" + uuid.uuid4().hex[:8]
    out = io.StringIO()
    sup = Supervisor(platform, out=out)
    stop = {"now": False}
    thread = threading.Thread(target=sup.run, args=(stop, 0.2), daemon=True)
    thread.start()
    try:
        worker = platform.running["tickets-worker"].pid
        asyncio.run(file_events(inst.admin_dsn, tag))

        def tickets() -> int:
            return asyncio.run(
                count(inst.admin_dsn, "SELECT count(*) FROM tickets.tickets WHERE category=$1", tag)
            )

        wait_for(lambda: tickets() > 0)
        os.kill(worker, signal.SIGKILL)  # a crash in the middle of the stream
        api = platform.running["feedback-api"].pid
        os.kill(api, signal.SIGKILL)

        def restarted(name: str, old_pid: int) -> bool:
            w = sup.watches[name]
            return platform.running[name].pid != old_pid and w.state == "running"

        wait_for(lambda: restarted("tickets-worker", worker) and restarted("feedback-api", api))
        assert sup.watches["tickets-worker"].restarts == 1
        wait_for(lambda: tickets() == N)
        time.sleep(2)  # anything doubled would show up now
        assert tickets() == N
        assert httpx.get(inst.url("feedback") + "/healthz", timeout=5).status_code == 200
        r = httpx.get(inst.url("feedback") + "/v1/catalog", timeout=5)
        assert r.status_code < 500
        log = [json.loads(line) for line in sup.log_path.read_text().splitlines()]
        mine = [e for e in log if e.get("process") in ("tickets-worker", "feedback-api")]
        assert {e["event"] for e in mine} >= {"exited", "restarted", "ready"}
        state = json.loads(sup.state_path.read_text())
        rows = {p["name"]: p for p in state["processes"]}
        assert rows["tickets-worker"]["restarts"] == 1
        assert rows["tickets-worker"]["state"] == "running"
        assert "exited process=tickets-worker" in out.getvalue()
    finally:
        stop["now"] = True
        thread.join(timeout=10)
