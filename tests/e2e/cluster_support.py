"""The platform on a 3-broker Kafka cluster (deploy/local/infra.sh --brokers 3), for the
broker-kill and replica tests: its own instance (`cluster`; HOUQIN_CLUSTER_INSTANCE, h1-h4 for
a developer), started and stopped whole by each test module; reports filed through the API with
the time each was accepted; the brokers' partition leaders; the processes' log events."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import asyncpg
import httpx
import launcher
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from helpers import INFRA, ROOT

from houqin_shared.kafka import KafkaAuth, start_admin

CLUSTER = os.environ.get("HOUQIN_CLUSTER_INSTANCE", "cluster")
BROKERS = 3
# One student and one address file everything in seconds: far past a campus's limits.
RATE_ENV = {
    "FEEDBACK_RATE_REPORTER_PER_MIN": "100000",
    "FEEDBACK_RATE_REPORTER_BURST": "100000",
    "FEEDBACK_RATE_ADDRESS_PER_MIN": "100000",
    "FEEDBACK_RATE_ADDRESS_BURST": "100000",
}


def cluster_infra(*args: str) -> None:
    subprocess.run([str(INFRA), *args, "--instance", CLUSTER], check=True, cwd=ROOT)


def load() -> str:
    """`uptime`'s load averages, printed beside every figure (the machine is shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def cluster_platform() -> Iterator[launcher.Platform]:
    """The cluster's PostgreSQL and 3 brokers, topics with 3 replicas, every service process and
    the demo directory; everything stopped afterwards, even on failure."""
    offset = launcher.PORT_OFFSETS[CLUSTER]
    with socket.socket() as s:
        busy = s.connect_ex(("127.0.0.1", launcher.API_PORTS["feedback"] + offset)) == 0
    assert not busy, f"instance {CLUSTER} has a running platform: stop it first"
    try:
        cluster_infra("start", "--brokers", str(BROKERS))
        inst = launcher.instance(CLUSTER)
        assert len(inst.kafka.split(",")) == BROKERS, inst.kafka
        launcher.migrate_all(inst)
        platform = launcher.Platform(inst, env=RATE_ENV)
        try:
            platform.start()
            launcher.load_demo(inst)
            yield platform
        finally:
            platform.stop()
    finally:
        subprocess.run([str(INFRA), "stop", "--instance", CLUSTER], check=False, cwd=ROOT)


def admin_auth(inst: launcher.Instance) -> KafkaAuth:
    """The cluster's admin (its own secrets, whatever instance the environment names)."""
    password = (inst.kafka_secrets / "kafka-password-admin").read_text().strip()
    return KafkaAuth("SASL_PLAINTEXT", "SCRAM-SHA-512", "admin", password)


@dataclass(frozen=True)
class Partition:
    topic: str
    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    end_offset: int


async def partitions(inst: launcher.Instance, prefix: str = "houqin.") -> list[Partition]:
    """Every partition of the platform's topics: leader, replicas, in-sync replicas, size."""
    kwargs = admin_auth(inst).client_kwargs()
    admin = AIOKafkaAdminClient(**kwargs, bootstrap_servers=inst.kafka, client_id="cluster-test")
    await start_admin(admin)
    try:
        names = sorted(t for t in await admin.list_topics() if t.startswith(prefix))
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(**kwargs, bootstrap_servers=inst.kafka, client_id="cluster-test")
    await consumer.start()
    try:
        tps = [
            TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]
        ]
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return [
        Partition(
            t["topic"],
            p["partition"],
            p["leader"],
            tuple(p["replicas"]),
            tuple(p["isr"]),
            ends[TopicPartition(t["topic"], p["partition"])],
        )
        for t in described
        for p in t["partitions"]
    ]


async def min_insync(inst: launcher.Instance, topics: list[str]) -> dict[str, str]:
    """Each topic's min.insync.replicas."""
    kwargs = admin_auth(inst).client_kwargs()
    admin = AIOKafkaAdminClient(**kwargs, bootstrap_servers=inst.kafka, client_id="cluster-test")
    await start_admin(admin)
    try:
        answers = await admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t, {"min.insync.replicas": None})
                for t in topics
            ]
        )
    finally:
        await admin.close()
    found: dict[str, str] = {}
    for answer in answers:
        for resource in answer.resources:  # (error, message, type, name, configs)
            for entry in resource[4]:
                if entry[0] == "min.insync.replicas":
                    found[resource[3]] = entry[1]
    return found


@dataclass
class Intake:
    """Reports filed through the feedback API: when each was accepted (monotonic seconds)."""

    accepted: list[float] = field(default_factory=list)
    fault_at: float = 0.0

    def longest_stall(self, after: float = 0.0, until: float = float("inf")) -> float:
        """The largest gap between consecutive reports accepted from `after` to `until`, s."""
        times = sorted(t for t in self.accepted if after <= t <= until)
        return max((b - a for a, b in pairwise(times)), default=0.0)


async def file_reports(
    inst: launcher.Instance, tag: str, n: int, during: Callable[[], None], at: float = 0.2
) -> Intake:
    """POST `n` reports (20 at a time, each retried with its Idempotency-Key until accepted);
    `during` runs in a thread once a fraction `at` of them is in."""
    token = launcher.token(inst, "student")
    headers = {"Authorization": f"Bearer {token}"}
    intake = Intake()
    started = threading.Event()

    def fault() -> None:
        started.wait()
        intake.fault_at = time.monotonic()
        during()

    thread = threading.Thread(target=fault)
    thread.start()
    sem = asyncio.Semaphore(20)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        body = {
            "kind": "repair",
            "category": "plumbing",
            "location": {"campus": "north", "building": "north-dorm-7", "room": str(100 + i % 300)},
            "description": f"{tag} #{i}",
        }
        async with sem:
            for _ in range(240):
                try:
                    r = await client.post(
                        "/v1/reports",
                        json=body,
                        headers={**headers, "Idempotency-Key": f"{tag}-{i}"},
                    )
                except httpx.HTTPError:
                    r = None
                if r is not None and r.status_code == 201:
                    intake.accepted.append(time.monotonic())
                    break
                if r is not None and r.status_code < 500:
                    raise AssertionError(f"report refused: {r.status_code} {r.text}")
                await asyncio.sleep(0.5)
            if len(intake.accepted) >= n * at:
                started.set()

    try:
        async with httpx.AsyncClient(base_url=inst.url("feedback"), timeout=15) as client:
            await asyncio.gather(*(one(client, i) for i in range(n)))
    finally:
        started.set()
        thread.join()
    return intake


class Progress:
    """Samples how many tickets a tag has, 4 times a second, in a thread: the longest time the
    count stood still before it reached `n` is the pipeline's stall."""

    def __init__(self, dsn: str, tag: str, n: int) -> None:
        self.dsn, self.like, self.n = dsn, tag + " #%", n
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Progress:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    async def _run(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while not self._stop.is_set():
                got = await conn.fetchval(
                    "SELECT count(*) FROM tickets.tickets WHERE description LIKE $1", self.like
                )
                self.samples.append((time.monotonic(), int(got)))
                await asyncio.sleep(0.25)
        finally:
            await conn.close()

    def done_at(self) -> float | None:
        """When all `n` tickets were first seen (monotonic seconds)."""
        return next((t for t, count in self.samples if count >= self.n), None)

    def longest_stall(self, after: float = 0.0, until: float = float("inf")) -> float:
        """The longest run of samples without a new ticket, from `after` until `until` or all
        `n` were there (or the last sample), seconds; none before the first ticket."""
        longest, since, last = 0.0, None, -1
        for t, count in self.samples:
            if t < after or count == 0:
                last = count
                continue
            if t > until:
                break
            if since is None or count != last:
                since, last = t, count
            longest = max(longest, t - since)
            if count >= self.n:
                break
        return longest


def log_events(path: Path, event: str, since_wall: float) -> list[tuple[float, dict]]:  # type: ignore[type-arg]
    """(epoch seconds, entry) of each JSON log line of `event` at or after `since_wall`."""
    found = []
    if not path.is_file():
        return found
    for line in path.read_text(errors="replace").splitlines():
        if f'"{event}"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") != event or "timestamp" not in entry:
            continue
        at = datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00")).timestamp()
        if at >= since_wall:
            found.append((at, entry))
    return found
