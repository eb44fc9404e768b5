"""Faults during a burst of 1,000 reports: the broker SIGKILLed, every worker and relay
SIGKILLed, PostgreSQL restarted. Every report the API accepted becomes exactly one ticket, and
every notification is recorded exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
import launcher
import pytest
from helpers import INFRA, INSTANCE

pytestmark = pytest.mark.infra
BURST = 1000
# per accepted report, exactly one message of each: the reporter's receipt, the team queue's
# new ticket, the assignee's assignment
MESSAGE_KINDS = ("feedback.ComplaintFiled", "tickets.TicketOpened", "tickets.TicketAssigned")


async def burst(
    inst: launcher.Instance, tag: str, during: Callable[[], None]
) -> tuple[int, float, float]:
    """POST `BURST` reports (20 at a time, each retried with its Idempotency-Key until the API
    answers), running `during` in a thread once a fifth of them are in; returns how many the
    API accepted."""
    token = launcher.token(inst, "student")
    headers = {"Authorization": f"Bearer {token}"}
    accepted = 0
    started = threading.Event()
    fault_began: list[float] = []
    fault = threading.Thread(
        target=lambda: (started.wait(), fault_began.append(time.monotonic()), during())
    )
    fault.start()
    sem = asyncio.Semaphore(20)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        nonlocal accepted
        body = {
            "kind": "repair",
            "category": "plumbing",
            "location": {"campus": "north", "building": "north-dorm-7", "room": str(100 + i % 300)},
            "description": f"{tag} #{i}",
        }
        key = f"{tag}-{i}"
        async with sem:
            for _ in range(120):
                try:
                    r = await client.post(
                        "/v1/reports", json=body, headers={**headers, "Idempotency-Key": key}
                    )
                except httpx.HTTPError:
                    r = None
                if r is not None and r.status_code == 201:
                    accepted += 1
                    break
                if r is not None and r.status_code < 500:
                    raise AssertionError(f"report refused: {r.status_code} {r.text}")
                await asyncio.sleep(0.5)  # the database is restarting: try again, same key
            if i == BURST // 5:
                started.set()

    async with httpx.AsyncClient(base_url=inst.url("feedback"), timeout=10) as client:
        await asyncio.gather(*(one(client, i) for i in range(BURST)))
    burst_ended = time.monotonic()
    started.set()
    fault.join()
    return accepted, fault_began[0], burst_ended


async def counts(admin_dsn: str, tag: str) -> dict[str, int]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        like = tag + " #%"
        return {
            "reports": await conn.fetchval(
                "SELECT count(*) FROM feedback.reports WHERE description LIKE $1", like
            ),
            "tickets": await conn.fetchval(
                "SELECT count(*) FROM tickets.tickets WHERE description LIKE $1", like
            ),
            "facts": await conn.fetchval(
                "SELECT count(*) FROM scoring.ticket_facts f JOIN tickets.tickets t ON t.id = f.ticket_id"
                " WHERE t.description LIKE $1",
                like,
            ),
            **{
                kind: await conn.fetchval(
                    "SELECT count(*) FROM notify.messages m JOIN feedback.reports r"
                    " ON r.tracking_no = m.tracking_no WHERE r.description LIKE $1 AND m.event_type = $2",
                    like,
                    f"houqin.{kind}.v1",
                )
                for kind in MESSAGE_KINDS
            },
        }
    finally:
        await conn.close()


def settle(admin_dsn: str, tag: str, accepted: int, timeout_s: float = 180) -> dict[str, int]:
    """Wait until everything downstream caught up (or the timeout), then a little longer so a
    duplicate that was going to appear has appeared."""
    deadline = time.monotonic() + timeout_s
    want = dict.fromkeys(("reports", "tickets", "facts", *MESSAGE_KINDS), accepted)
    while True:
        got = asyncio.run(counts(admin_dsn, tag))
        if all(got[k] >= v for k, v in want.items()) or time.monotonic() > deadline:
            break
        time.sleep(1)
    time.sleep(3)
    return asyncio.run(counts(admin_dsn, tag))


def infra(command: str) -> None:
    subprocess.run([str(INFRA), command, "--instance", INSTANCE], check=True)


def check(platform: launcher.Platform, fault: Callable[[], None]) -> None:
    tag = "fault-" + uuid.uuid4().hex[:8]
    accepted, fault_began, burst_ended = asyncio.run(burst(platform.inst, tag, fault))
    assert accepted == BURST
    assert fault_began < burst_ended, "the fault must strike while reports are still arriving"
    logs_at = {p.name: p.stat().st_size for p in (platform.inst.data / "logs").glob("*.log")}
    got = settle(platform.inst.admin_dsn, tag, accepted)
    # every accepted report: one report row, one ticket, one scoring fact, one message of each
    # kind, never more
    want = dict.fromkeys(("reports", "tickets", "facts", *MESSAGE_KINDS), BURST)
    assert got == want, what_the_workers_said(platform.inst.data / "logs", logs_at)


def what_the_workers_said(logs: Path, sizes: dict[str, int], lines: int = 40) -> str:
    """The warnings and errors each worker and relay logged during this test (the platform's
    logs are gone with CI's machine)."""
    said = []
    for path in sorted(logs.glob("*-worker.log")) + sorted(logs.glob("*-relay.log")):
        with path.open("rb") as f:
            f.seek(sizes.get(path.name, 0))
            text = f.read().decode(errors="replace").splitlines()
        notable = [t for t in text if '"info"' not in t and " INFO " not in t[:40]]
        said.append(f"--- {path.name}: {len(text)} lines, the last notable ones:")
        said.extend(line[:300] for line in notable[-lines:])
    return "\n".join(said)


def test_broker_killed_during_a_burst(platform: launcher.Platform) -> None:
    def kill_and_restart() -> None:
        infra("kafka-kill")
        time.sleep(3)
        infra("kafka-start")

    check(platform, kill_and_restart)


def test_every_worker_and_relay_killed_during_a_burst(platform: launcher.Platform) -> None:
    names = [f"{s}-{r}" for s in launcher.SERVICES for r in ("worker", "relay")]

    def kill_and_restart() -> None:
        for name in names:
            platform.signal(name, signal.SIGKILL)
            time.sleep(0.3)
        platform.start(only=names)

    check(platform, kill_and_restart)


def test_postgres_restarted_during_a_burst(platform: launcher.Platform) -> None:
    check(platform, lambda: infra("pg-restart"))
