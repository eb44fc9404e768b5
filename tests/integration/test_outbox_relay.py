"""Outbox and relay against the real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections import defaultdict

import pytest
from helpers import INFRA, INSTANCE, ROOT, Infra
from kafka_helpers import new_topic, ping_contract, read_all

from houqin_shared import db, kafka, outbox
from houqin_shared.relay import Relay
from houqin_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra


async def _run_relay(infra: Infra, schema: str, until: asyncio.Event) -> Relay:
    producer = kafka.producer(infra.kafka, "test-relay")
    await producer.start()
    relay = Relay(infra.admin_dsn, schema, producer, batch=100, poll_s=0.005)
    try:
        await relay.run(until)
    finally:
        await producer.stop()
    return relay


async def test_every_committed_event_published_once_in_order_per_key(
    infra: Infra, scratch_schema: str
) -> None:
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)
    settings = ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    pool = await db.create_pool(settings)
    # 20 writers, 10 aggregates, interleaved: per-key order must follow commit order.
    committed: dict[str, list[int]] = defaultdict(list)
    lock = asyncio.Lock()

    async def writer(w: int) -> None:
        for i in range(25):
            key = f"agg-{(w + i) % 10}"
            async with pool.acquire() as conn, conn.transaction():
                seq = w * 1000 + i
                await outbox.add(conn, ping(aggregate=key, seq=seq))
                # record after the lock is held: the order in which same-key commits happen
                async with lock:
                    committed[key].append(seq)

    await asyncio.gather(*(writer(w) for w in range(20)))
    stop = asyncio.Event()
    relay_task = asyncio.create_task(_run_relay(infra, scratch_schema, stop))
    records = await read_all(infra.kafka, topic, expect=500)
    stop.set()
    await relay_task
    await pool.close()

    assert len(records) == 500
    ids = [r["headers"]["ce_id"] for r in records]
    assert len(set(ids)) == 500, "an event was published twice"
    seen: dict[str, list[int]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r["partition"], r["offset"])):
        seen[r["key"]].append(json.loads(r["value"])["seq"])
    assert dict(seen) == dict(committed)
    first = records[0]["headers"]
    assert first["ce_specversion"] == "1.0" and first["ce_type"] == ping.event_type
    assert first["ce_subject"] == records[0]["key"]


async def test_rolled_back_transaction_publishes_nothing(infra: Infra, scratch_schema: str) -> None:
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, ping(aggregate="a", seq=1))
            raise RuntimeError("changed my mind")
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, ping(aggregate="a", seq=2))
    stop = asyncio.Event()
    task = asyncio.create_task(_run_relay(infra, scratch_schema, stop))
    records = await read_all(infra.kafka, topic, expect=1)
    stop.set()
    await task
    await pool.close()
    assert [json.loads(r["value"])["seq"] for r in records] == [2]


async def test_outbox_add_refuses_to_run_outside_a_transaction(
    infra: Infra, scratch_schema: str
) -> None:
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            await outbox.add(conn, ping_contract("x")(aggregate="a", seq=1))
    await pool.close()


async def test_only_one_relay_replica_publishes(infra: Infra, scratch_schema: str) -> None:
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    stop = asyncio.Event()
    producers = [kafka.producer(infra.kafka, f"r{i}") for i in range(2)]
    for p in producers:
        await p.start()
    relays = [
        Relay(infra.admin_dsn, scratch_schema, p, batch=50, poll_s=0.002, standby_s=0.2)
        for p in producers
    ]
    tasks = [asyncio.create_task(r.run(stop)) for r in relays]
    for i in range(300):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, ping(aggregate=f"k{i % 7}", seq=i))
    records = await read_all(infra.kafka, topic, expect=300)
    leaders = [r.is_leader for r in relays]
    stop.set()
    await asyncio.gather(*tasks)
    for p in producers:
        await p.stop()
    await pool.close()
    assert sorted(leaders) == [False, True]
    assert len(records) == 300 and len({r["headers"]["ce_id"] for r in records}) == 300


async def test_writes_succeed_while_broker_is_down_and_flow_when_it_returns(
    infra: Infra, scratch_schema: str
) -> None:
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    stop = asyncio.Event()
    task = asyncio.create_task(_run_relay(infra, scratch_schema, stop))
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, ping(aggregate="before", seq=0))
    assert len(await read_all(infra.kafka, topic, expect=1)) == 1

    await asyncio.to_thread(
        subprocess.run, [str(INFRA), "kafka-stop", "--instance", INSTANCE], check=True
    )
    try:
        for i in range(1, 51):  # the service keeps accepting changes: they wait in the outbox
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, ping(aggregate=f"k{i % 5}", seq=i))
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 50
    finally:
        await asyncio.to_thread(
            subprocess.run, [str(INFRA), "kafka-start", "--instance", INSTANCE], check=True
        )
    records = await read_all(infra.kafka, topic, expect=51, timeout_s=90)
    stop.set()
    await task
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
    await pool.close()
    seqs = sorted({json.loads(r["value"])["seq"] for r in records})
    assert seqs == list(range(51))


async def test_relays_of_different_schemas_lead_independently(
    infra: Infra, scratch_schema: str
) -> None:
    """Advisory locks are per database: two services' relays must not block each other."""
    import asyncpg

    other = scratch_schema + "_b"
    admin = await asyncpg.connect(infra.admin_dsn)
    await admin.execute(f"CREATE SCHEMA {other}")
    try:
        from houqin_shared.migrate import migrate

        empty = ROOT / "tests" / "integration" / "no_migrations"
        migrate(infra.admin_dsn, other, empty)
        stop = asyncio.Event()
        producer = kafka.producer(infra.kafka, "two-relays")
        await producer.start()
        relays = [
            Relay(infra.admin_dsn, s, producer, standby_s=0.2) for s in (scratch_schema, other)
        ]
        tasks = [asyncio.create_task(r.run(stop)) for r in relays]
        await asyncio.sleep(1.0)
        leaders = [r.is_leader for r in relays]
        stop.set()
        await asyncio.gather(*tasks)
        await producer.stop()
        assert leaders == [True, True]
    finally:
        await admin.execute(f"DROP SCHEMA {other} CASCADE")
        await admin.close()
