"""Benchmark: outbox -> relay -> Kafka -> batching consumer, on this machine, beside pgbench.

    uv run python bench/backbone.py [--seconds 15] [--rate 500]

Prints (1) pgbench's rate for a one-row insert transaction (the baseline, same server, same run),
(2) sustained events/s from outbox commits to consumer effects, with the relay and the consumer
in their own processes, and (3) commit-to-consume latency p50/p99 at a paced rate. Figures only;
nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import ClassVar

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from bench_infra import infra, one_row_insert, pgbench

from houqin_shared import db, kafka, outbox
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.migrate import migrate
from houqin_shared.relay import Relay
from houqin_shared.settings import ServiceSettings


def contract(topic: str) -> type[Event]:
    class Tick(Event):
        event_type: ClassVar[str] = "houqin.bench.Tick.v1"
        source: ClassVar[str] = "/houqin/bench"
        seq: int
        key_: str

        def key(self) -> str:
            return self.key_

    Tick.topic = topic  # type: ignore[misc]
    return Tick


async def child(role: str, dsn: str, bootstrap: str, schema: str, topic: str, group: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    producer = kafka.producer(bootstrap, f"bench-{role}")
    await producer.start()
    if role == "relay":
        await Relay(dsn, schema, producer, batch=1000, poll_s=0.002).run(stop)
    else:
        tick = contract(topic)
        pool = await db.create_pool(ServiceSettings(database_url=dsn, db_schema=schema), max_size=4)

        async def handle(conn: Conn, env: Envelope) -> None:
            await conn.execute(
                "INSERT INTO effects (seq, consumed_at) VALUES ($1, $2)", env.data.seq, time.time()
            )  # type: ignore[attr-defined]

        runner = ConsumerRunner(
            group,
            [topic],
            {tick: handle},
            pool,
            producer,
            bootstrap,
            batch=1000,
            registry={tick.event_type: tick},
        )
        await runner.run(stop)
        await pool.close()
    await producer.stop()


def spawn(
    role: str, dsn: str, bootstrap: str, schema: str, topic: str, group: str
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, __file__, "--role", role, dsn, bootstrap, schema, topic, group]
    )


async def count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM effects"))


async def throughput(pool: asyncpg.Pool, tick: type[Event], seconds: float) -> dict[str, float]:
    """Writers commit 50-event transactions as fast as they can; measure consumed events/s."""
    stop_at = time.monotonic() + seconds
    written = 0

    async def writer(w: int) -> None:
        nonlocal written
        seq = w * 10_000_000
        while time.monotonic() < stop_at:
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(
                    conn, *[tick(seq=seq + i, key_=f"k{(seq + i) % 64}") for i in range(50)]
                )
            seq += 50
            written += 50

    start_count, t0 = await count(pool), time.monotonic()
    writers = [asyncio.create_task(writer(w)) for w in range(3)]
    samples = []
    while time.monotonic() < stop_at:
        await asyncio.sleep(1)
        samples.append((time.monotonic(), await count(pool)))
    await asyncio.gather(*writers)
    steady = samples[len(samples) // 3 :]  # skip the warm-up third
    rate = (steady[-1][1] - steady[0][1]) / (steady[-1][0] - steady[0][0])
    while await count(pool) - start_count < written:
        await asyncio.sleep(0.2)
    total = time.monotonic() - t0
    return {
        "written_per_s": written / seconds,
        "consumed_per_s_steady": rate,
        "drained_per_s": written / total,
    }


async def latency(
    pool: asyncpg.Pool, tick: type[Event], rate: int, seconds: float
) -> dict[str, float]:
    """One event per transaction at `rate`/s; commit time -> consumer's handler time."""
    committed: dict[int, float] = {}
    base = 900_000_000
    interval = 1 / rate
    start = time.monotonic()
    n = int(rate * seconds)

    async def one(i: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, tick(seq=base + i, key_=f"k{i % 64}"))
        committed[base + i] = time.time()

    tasks = []
    for i in range(n):
        delay = start + i * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    while int(await pool.fetchval("SELECT count(*) FROM effects WHERE seq >= $1", base)) < n:
        await asyncio.sleep(0.2)
    rows = await pool.fetch("SELECT seq, consumed_at FROM effects WHERE seq >= $1", base)
    lat = sorted((r["consumed_at"] - committed[r["seq"]]) * 1000 for r in rows)
    return {
        "events": n,
        "p50_ms": statistics.median(lat),
        "p99_ms": lat[int(len(lat) * 0.99) - 1],
        "max_ms": lat[-1],
        "achieved_rate": n / (time.monotonic() - start),
    }


async def main(seconds: float, rate: int) -> None:
    dsn, bootstrap = infra()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    await admin.execute(
        f"CREATE TABLE {schema}.pgb (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb, at timestamptz DEFAULT now())"
    )
    with tempfile.TemporaryDirectory() as empty:
        migrate(dsn, schema, Path(empty))
    await admin.execute(
        f"CREATE TABLE {schema}.effects (seq bigint PRIMARY KEY, consumed_at double precision NOT NULL)"
    )
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    group = f"houqin.bench-{uuid.uuid4().hex[:6]}"
    await kafka.ensure_topics(bootstrap, [topic, kafka.dead_letter_topic(group)])
    print(f"machine: {os.cpu_count()} cores; PostgreSQL and Kafka on loopback; schema {schema}")
    baseline = pgbench(dsn, one_row_insert(schema), 10)
    print(f"baseline  pgbench one-row insert transactions: {baseline:,.0f} tx/s (8 clients)")
    procs = [spawn(r, dsn, bootstrap, schema, topic, group) for r in ("relay", "consumer")]
    tick = contract(topic)
    pool = await db.create_pool(ServiceSettings(database_url=dsn, db_schema=schema), max_size=8)
    try:
        await asyncio.sleep(3)  # consumer joins its group
        t = await throughput(pool, tick, seconds)
        print(
            f"throughput outbox->relay->kafka->consumer: {t['consumed_per_s_steady']:,.0f} events/s steady "
            f"({t['consumed_per_s_steady'] / baseline:.2f}x pgbench tx/s); written {t['written_per_s']:,.0f}/s, "
            f"drained {t['drained_per_s']:,.0f}/s end to end"
        )
        lat = await latency(pool, tick, rate, seconds)
        print(
            f"latency   commit->consumer handler at {lat['achieved_rate']:,.0f} events/s "
            f"(1 event per transaction, {lat['events']} events): p50 {lat['p50_ms']:.1f} ms, "
            f"p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms"
        )
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        await pool.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--role":
        asyncio.run(child(*sys.argv[2:]))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--seconds", type=float, default=15)
        parser.add_argument("--rate", type=int, default=500)
        args = parser.parse_args()
        asyncio.run(main(args.seconds, args.rate))
