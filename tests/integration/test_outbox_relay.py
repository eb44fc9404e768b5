"""Outbox and relay against the real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from helpers import INFRA, INSTANCE, ROOT, Infra
from kafka_helpers import new_topic, ping_contract, read_all
from prometheus_client import REGISTRY
from silent_proxy import silent_proxy
from structlog.testing import capture_logs

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


LIMIT = 1_048_588  # the test broker's message.max.bytes (Kafka's default)


def quarantined(topic: str, event_type: str) -> float:
    """houqin_outbox_quarantined_total of that topic and type, in this process."""
    labels = {"topic": topic, "type": event_type}
    return REGISTRY.get_sample_value("houqin_outbox_quarantined_total", labels) or 0.0


async def test_oversized_row_is_quarantined_and_the_rows_behind_it_flow(
    infra: Infra, scratch_schema: str
) -> None:
    """One row over the broker's limit among normal ones: every normal row is published once,
    the big one is moved to outbox_quarantine with the reason, counted and logged at ERROR,
    and the relay keeps going (before: it stopped at the big row for good and sent the rows
    before it again every second)."""
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)

    class Padded(ping):  # type: ignore[valid-type,misc]
        padding: str = ""

    size = LIMIT + 1000
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    for seq in range(11):
        async with pool.acquire() as conn, conn.transaction():
            padding = "x" * size if seq == 5 else ""
            await outbox.add(conn, Padded(aggregate=f"k{seq % 3}", seq=seq, padding=padding))
    before = quarantined(topic, ping.event_type)
    stop = asyncio.Event()
    with capture_logs() as logs:
        task = asyncio.create_task(_run_relay(infra, scratch_schema, stop))
        await read_all(infra.kafka, topic, expect=10, timeout_s=20)
        async with pool.acquire() as conn, conn.transaction():  # the relay keeps going
            await outbox.add(conn, Padded(aggregate="k0", seq=11))
        records = await read_all(infra.kafka, topic, expect=11, timeout_s=20)
        stop.set()
        await task
    ids = [r["headers"]["ce_id"] for r in records]
    assert sorted(json.loads(r["value"])["seq"] for r in records) == [
        s for s in range(12) if s != 5
    ], "the rows behind the big one were not all published"
    assert len(ids) == len(set(ids)) == 11, "a row was published twice"
    async with pool.acquire() as conn:
        left = await conn.fetchval("SELECT count(*) FROM outbox")
        held = await conn.fetch("SELECT payload, size_bytes, reason FROM outbox_quarantine")
    await pool.close()
    assert left == 0
    assert len(held) == 1 and json.loads(held[0]["payload"])["seq"] == 5
    assert held[0]["size_bytes"] > LIMIT
    assert f"over {LIMIT}" in held[0]["reason"]
    assert quarantined(topic, ping.event_type) == before + 1
    errors = [e for e in logs if e["event"] == "outbox_row_quarantined"]
    assert [e["log_level"] for e in errors] == ["error"]
    assert errors[0]["event_type"] == ping.event_type and errors[0]["topic"] == topic


async def test_producer_takes_what_the_broker_takes(infra: Infra) -> None:
    """The producer's max_request_size is the broker's message.max.bytes, read from the broker."""
    admin = AIOKafkaAdminClient(**kafka.security(), bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        [answer] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.BROKER, "1", {"message.max.bytes": None})]
        )
    finally:
        await admin.close()
    configs = {c[0]: c[1] for c in answer.resources[0][4]}
    assert int(configs["message.max.bytes"]) == LIMIT == kafka.BROKER_MESSAGE_MAX_BYTES
    assert ServiceSettings().kafka_max_message_bytes == kafka.BROKER_MESSAGE_MAX_BYTES
    producer = kafka.producer(infra.kafka, "size-check")
    assert producer._max_request_size == kafka.BROKER_MESSAGE_MAX_BYTES


async def test_leader_whose_database_goes_silent_stands_down_and_a_standby_takes_over(
    infra: Infra, scratch_schema: str
) -> None:
    """The leader's link to PostgreSQL stops passing bytes (nothing is closed): within seconds
    the leader finds its connection dead, drops it and stands by (its loop goes on); once the
    server ends the silent session (its keepalives or tcp_user_timeout do that for a real
    silent host; here the test ends it, as a userspace proxy keeps TCP itself alive), the
    standby holds the lock within a second or two and publishes."""
    topic = await new_topic(infra.kafka)
    ping = ping_contract(topic)
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    target = urlsplit(infra.admin_dsn)
    tight = db.Timeouts(connect_s=2, command_s=2, keepalive_idle_s=1, tcp_user_timeout_ms=1000)
    producer = kafka.producer(infra.kafka, "silent-relays")
    await producer.start()
    stop = asyncio.Event()
    async with silent_proxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        via_proxy = target._replace(netloc=f"{target.netloc.rsplit(':', 1)[0]}:{proxy.port}")
        leader, standby = (
            Relay(dsn, scratch_schema, producer, standby_s=0.2, timeouts=tight)
            for dsn in (urlunsplit(via_proxy), infra.admin_dsn)
        )
        tasks = [asyncio.create_task(leader.run(stop))]
        await until(lambda: leader.is_leader, 10, "the first relay leads")
        tasks.append(asyncio.create_task(standby.run(stop)))
        await asyncio.sleep(0.6)
        assert not standby.is_leader
        proxy.hang()
        hung = time.monotonic()
        await until(lambda: not leader.is_leader, 10, "the leader stands down")
        stood_down = time.monotonic() - hung
        assert not tasks[0].done(), "the leader's loop must go on"
        ended_sessions = await pool.fetchval(  # the silent leader's, holding the schema's lock
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory'"
            " AND granted AND database = (SELECT oid FROM pg_database"
            "                             WHERE datname = current_database())"
            " AND ((classid::bigint << 32) | objid::bigint)"
            "     = hashtextextended('houqin.outbox.relay/' || $1, 7)",
            scratch_schema,
        )
        assert ended_sessions == 1
        ended = time.monotonic()
        await until(lambda: standby.is_leader, 10, "the standby takes over")
        took_over = time.monotonic() - ended
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, ping(aggregate="after", seq=1))
        records = await read_all(infra.kafka, topic, expect=1, timeout_s=20)
        stop.set()
        proxy.resume()
        await asyncio.gather(*tasks)
    await producer.stop()
    await pool.close()
    assert [json.loads(r["value"])["seq"] for r in records] == [1]
    assert stood_down < 5, f"the leader took {stood_down:.1f} s to stand down"
    assert took_over < 3, f"the standby took {took_over:.1f} s to take over"


async def until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout_s} s: {what}"
        await asyncio.sleep(0.05)
