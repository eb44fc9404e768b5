"""The consumer runner against the real PostgreSQL and Kafka: once-only effects, retries,
dead letters."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import ClassVar

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from helpers import Infra
from kafka_helpers import new_topic, ping_contract, read_all

from houqin_shared import db, kafka, metrics
from houqin_shared.consumer import ConsumerRunner, Unavailable
from houqin_shared.contracts.base import BadEvent, Envelope, Event, encode_headers
from houqin_shared.db import Conn
from houqin_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra


@dataclass
class Setup:
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    topic: str
    ping: type[Event]
    group: str


@pytest.fixture
async def setup(infra: Infra, scratch_schema: str) -> AsyncIterator[Setup]:
    pool = await db.create_pool(
        ServiceSettings(database_url=infra.admin_dsn, db_schema=scratch_schema)
    )
    async with pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE effects (aggregate text, seq int, n int NOT NULL DEFAULT 0, PRIMARY KEY (aggregate, seq))"
        )
        await conn.execute("CREATE TABLE attempts (event_id text PRIMARY KEY, n int NOT NULL)")
    topic = await new_topic(infra.kafka)
    group = f"houqin.test-{uuid.uuid4().hex[:8]}"
    await kafka.ensure_topics(infra.kafka, [kafka.dead_letter_topic(group)])
    producer = kafka.producer(infra.kafka, "test-producer")
    await producer.start()
    yield Setup(pool, producer, topic, ping_contract(topic), group)
    await producer.stop()
    await pool.close()


async def count_attempt(event_id: str, pool: asyncpg.Pool) -> int:
    """Attempts are counted outside the handler's transaction, so rolled-back ones count too."""
    async with pool.acquire() as conn:
        n = await conn.fetchval(
            "INSERT INTO attempts VALUES ($1, 1) ON CONFLICT (event_id) DO UPDATE SET n = attempts.n + 1 RETURNING n",
            event_id,
        )
    return int(n)


def make_handler(pool: asyncpg.Pool):  # type: ignore[no-untyped-def]
    async def handle(conn: Conn, env: Envelope) -> None:
        e = env.data
        attempt = await count_attempt(env.id, pool)
        if e.fail_times < 0:  # type: ignore[attr-defined]
            raise BadEvent("unknown_category", "no such category: seq " + str(e.seq))  # type: ignore[attr-defined]
        if attempt <= e.fail_times:  # type: ignore[attr-defined]
            raise ValueError(f"transient failure {attempt}")
        # A deliberately non-idempotent effect: a second run would make n == 2.
        await conn.execute(
            "INSERT INTO effects (aggregate, seq, n) VALUES ($1, $2, 1)"
            " ON CONFLICT (aggregate, seq) DO UPDATE SET n = effects.n + 1",
            e.aggregate,  # type: ignore[attr-defined]
            e.seq,  # type: ignore[attr-defined]
        )

    return handle


async def send(s: Setup, event: Event, event_id: str | None = None, source: str = "") -> str:
    env = Envelope(event, id=event_id or str(uuid.uuid4()))
    headers = {**env.headers(), **({"ce_source": source} if source else {})}
    await s.producer.send_and_wait(
        s.topic, value=env.value(), key=event.key().encode(), headers=encode_headers(headers)
    )
    return env.id


async def run_until(runner: ConsumerRunner, done) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        for _ in range(300):
            if await done():
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task


def runner_for(s: Setup, infra: Infra, **kw) -> ConsumerRunner:  # type: ignore[no-untyped-def]
    return ConsumerRunner(
        group=s.group,
        topics=[s.topic],
        handlers={s.ping: make_handler(s.pool)},
        pool=s.pool,
        producer=s.producer,
        bootstrap=infra.kafka,
        registry={s.ping.event_type: s.ping},
        max_attempts=kw.pop("max_attempts", 4),
        backoff_s=0.01,
        **kw,
    )


async def effects(pool: asyncpg.Pool) -> dict[tuple[str, int], int]:
    async with pool.acquire() as conn:
        return {
            (r["aggregate"], r["seq"]): r["n"] for r in await conn.fetch("SELECT * FROM effects")
        }


async def test_redelivered_event_has_its_effect_once(infra: Infra, setup: Setup) -> None:
    s = setup
    event_id = await send(s, s.ping(aggregate="a", seq=1))
    await send(s, s.ping(aggregate="a", seq=1), event_id=event_id)  # the same event again
    await send(s, s.ping(aggregate="a", seq=2))
    runner = runner_for(s, infra)

    async def done() -> bool:
        return len(await effects(s.pool)) == 2

    await run_until(runner, done)
    await asyncio.sleep(0.5)  # let the duplicate be consumed too
    assert await effects(s.pool) == {("a", 1): 1, ("a", 2): 1}


async def test_replay_from_offset_zero_changes_nothing(infra: Infra, setup: Setup) -> None:
    s = setup
    for i in range(50):
        await send(s, s.ping(aggregate=f"k{i % 3}", seq=i))
    first = runner_for(s, infra)

    async def all_done() -> bool:
        return len(await effects(s.pool)) == 50

    await run_until(first, all_done)
    # Rewind the group to offset 0: every event is delivered again to the same consumer.
    rewind = AIOKafkaConsumer(
        **kafka.security(),
        bootstrap_servers=infra.kafka,
        group_id=s.group,
        enable_auto_commit=False,
    )
    await rewind.start()
    partitions = [TopicPartition(s.topic, p) for p in range(4)]  # new_topic makes 4
    rewind.assign(partitions)
    await rewind.commit(dict.fromkeys(partitions, 0))
    await rewind.stop()
    replay = runner_for(s, infra)

    async def wait() -> bool:
        await asyncio.sleep(3)
        return True

    await run_until(replay, wait)
    assert set((await effects(s.pool)).values()) == {1}
    async with s.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", s.group) == 50


async def test_handler_failing_twice_then_succeeding_is_retried(infra: Infra, setup: Setup) -> None:
    s = setup
    await send(s, s.ping(aggregate="a", seq=1))
    await send(s, s.ping(aggregate="a", seq=2, fail_times=2))
    await send(s, s.ping(aggregate="b", seq=3))
    runner = runner_for(s, infra)

    async def done() -> bool:
        return len(await effects(s.pool)) == 3

    await run_until(runner, done)
    assert await effects(s.pool) == {("a", 1): 1, ("a", 2): 1, ("b", 3): 1}
    async with s.pool.acquire() as conn:
        assert await conn.fetchval("SELECT max(n) FROM attempts") == 3


async def test_poison_events_are_dead_lettered_with_reason_and_consumer_carries_on(
    infra: Infra, setup: Setup
) -> None:
    s = setup
    good_headers = Envelope(s.ping(aggregate="a", seq=0)).headers()

    async def raw(value: bytes, headers: dict[str, str]) -> None:
        await s.producer.send_and_wait(
            s.topic, value=value, key=b"a", headers=encode_headers(headers)
        )

    await raw(b"{not json", {**good_headers, "ce_id": "bad-json"})
    await raw(
        json.dumps({"aggregate": "a", "seq": 5}).encode(),
        {**good_headers, "ce_id": "unknown", "ce_type": "houqin.nobody.Knows.v1"},
    )
    await raw(
        json.dumps({"aggregate": "a", "seq": "five"}).encode(),
        {**good_headers, "ce_id": "wrong-schema"},
    )
    await raw(b"{}", {"content-type": "application/json"})  # not a CloudEvent at all
    await send(s, s.ping(aggregate="a", seq=9, fail_times=99), event_id="always-fails")
    await send(s, s.ping(aggregate="a", seq=10))
    runner = runner_for(s, infra, max_attempts=3)

    async def done() -> bool:
        return ("a", 10) in await effects(s.pool)

    await run_until(runner, done)
    letters = await read_all(infra.kafka, kafka.dead_letter_topic(s.group), expect=5)
    reasons = {r["headers"].get("ce_id", "none"): r["headers"]["dlq_reason"] for r in letters}
    assert reasons == {
        "bad-json": "invalid_data",
        "unknown": "unknown_type",
        "wrong-schema": "invalid_data",
        "none": "not_cloudevent",
        "always-fails": "handler_failed",
    }
    failed = next(r for r in letters if r["headers"].get("ce_id") == "always-fails")
    assert failed["headers"]["dlq_attempts"] == "3"
    assert "ValueError" in failed["headers"]["dlq_detail"]
    assert json.loads(failed["value"])["seq"] == 9  # the original payload, untouched
    assert failed["headers"]["dlq_source_topic"] == s.topic
    assert await effects(s.pool) == {("a", 10): 1}


async def test_event_the_handler_rejects_is_dead_lettered_without_retries(
    infra: Infra, setup: Setup
) -> None:
    s = setup
    await send(s, s.ping(aggregate="a", seq=1, fail_times=-1), event_id="nonsense")
    await send(s, s.ping(aggregate="a", seq=2))
    runner = runner_for(s, infra, max_attempts=5)

    async def done() -> bool:
        return ("a", 2) in await effects(s.pool)

    await run_until(runner, done)
    letters = await read_all(infra.kafka, kafka.dead_letter_topic(s.group), expect=1)
    assert [r["headers"]["dlq_reason"] for r in letters] == ["unknown_category"]
    assert letters[0]["headers"]["dlq_attempts"] == "1"
    async with s.pool.acquire() as conn:
        # once inside the batch (rolled back), once alone, then dead-lettered: never retried
        assert await conn.fetchval("SELECT n FROM attempts WHERE event_id = 'nonsense'") == 2


async def test_batch_handler_takes_runs_together_and_replays_one_by_one(
    infra: Infra, setup: Setup
) -> None:
    s = setup
    single = make_handler(s.pool)
    async with s.pool.acquire() as conn:
        await conn.execute("CREATE TABLE calls (id serial PRIMARY KEY, size int NOT NULL)")

    async def handle_batch(conn: Conn, envs: list[Envelope]) -> None:
        for env in envs:
            await single(conn, env)
        await conn.execute("INSERT INTO calls (size) VALUES ($1)", len(envs))

    ids = [await send(s, s.ping(aggregate="a", seq=i)) for i in range(40)]
    await send(s, s.ping(aggregate="a", seq=3), event_id=ids[3])  # redelivered: once only
    runner = runner_for(s, infra, batch_handlers={s.ping: handle_batch})
    runner.handlers = {}  # the batch handler alone must do

    async def first_done() -> bool:
        return len(await effects(s.pool)) == 40

    await run_until(runner, first_done)
    await send(s, s.ping(aggregate="a", seq=40, fail_times=1))  # fails its batch once
    for i in range(41, 60):
        await send(s, s.ping(aggregate="a", seq=i))

    async def done() -> bool:
        return len(await effects(s.pool)) == 60

    await run_until(runner, done)
    assert set((await effects(s.pool)).values()) == {1}
    async with s.pool.acquire() as conn:
        sizes = [r["size"] for r in await conn.fetch("SELECT size FROM calls ORDER BY id")]
    assert sum(sizes) == 60  # committed calls cover every event once
    assert max(sizes) > 1  # events came together
    assert 1 in sizes  # the failed batch was replayed one event per call


async def test_forged_source_and_wrong_topic_are_dead_lettered_and_consumer_carries_on(
    infra: Infra, setup: Setup
) -> None:
    s = setup
    other = ping_contract(await new_topic(infra.kafka))  # another topic's type
    await send(s, s.ping(aggregate="a", seq=1), event_id="forged", source="/campus/intruder")
    await send(s, other(aggregate="a", seq=2), event_id="wrong-topic")
    await send(s, s.ping(aggregate="a", seq=3), event_id="genuine")
    runner = runner_for(s, infra)
    runner.registry[other.event_type] = other

    async def done() -> bool:
        return ("a", 3) in await effects(s.pool)

    await run_until(runner, done)
    letters = await read_all(infra.kafka, kafka.dead_letter_topic(s.group), expect=2)
    reasons = {r["headers"]["ce_id"]: r["headers"]["dlq_reason"] for r in letters}
    assert reasons == {"forged": "forged_source", "wrong-topic": "wrong_topic"}
    details = {r["headers"]["ce_id"]: r["headers"]["dlq_detail"] for r in letters}
    assert "/campus/intruder" in details["forged"] and other.topic in details["wrong-topic"]
    assert await effects(s.pool) == {("a", 3): 1}


async def test_one_id_from_two_sources_is_two_events_and_a_redelivery_is_one(
    infra: Infra, setup: Setup
) -> None:
    """CloudEvents makes only (source, id) unique: two systems may both send event "1001"."""
    s = setup

    class Report(s.ping):  # type: ignore[name-defined,valid-type,misc]
        action: ClassVar[str] = "receive"  # other systems publish it, each under its own source

    await send(s, Report(aggregate="a", seq=1), event_id="1001", source="/campus/systems/a")
    await send(s, Report(aggregate="b", seq=1), event_id="1001", source="/campus/systems/b")
    await send(s, Report(aggregate="a", seq=1), event_id="1001", source="/campus/systems/a")
    runner = runner_for(s, infra)
    runner.registry = {Report.event_type: Report}
    runner.handlers = {Report: make_handler(s.pool)}

    async def done() -> bool:
        return len(await effects(s.pool)) == 2

    await run_until(runner, done)
    await asyncio.sleep(0.5)  # let the repeat be consumed too
    assert await effects(s.pool) == {("a", 1): 1, ("b", 1): 1}
    async with s.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT source, event_id FROM inbox WHERE consumer = $1 ORDER BY source", s.group
        )
    assert [tuple(r) for r in rows] == [
        ("/campus/systems/a", "1001"),
        ("/campus/systems/b", "1001"),
    ]


async def test_a_wedged_consumer_is_made_again_and_the_event_handled_once(
    infra: Infra, setup: Setup
) -> None:
    """The handler hangs the first time (as a consumer waiting for good on a coordinator after
    a broker restart would): after `rebuild_after_s` the consumer is stopped and made again,
    and the event, delivered again, has its effect once."""
    s = setup
    handle = make_handler(s.pool)
    calls = 0

    async def hangs_once(conn: Conn, env: Envelope) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.Event().wait()  # never set: the loop stops turning
        await handle(conn, env)

    await send(s, s.ping(aggregate="w", seq=1))
    runner = runner_for(s, infra, rebuild_after_s=2.0)
    runner.handlers = {s.ping: hangs_once}
    before = metrics.CONSUMER_REBUILDS.labels(s.group, "stuck")._value.get()

    async def done() -> bool:
        return len(await effects(s.pool)) == 1

    await run_until(runner, done)
    assert await effects(s.pool) == {("w", 1): 1}
    assert calls == 2
    assert metrics.CONSUMER_REBUILDS.labels(s.group, "stuck")._value.get() == before + 1


async def test_a_batch_held_back_by_one_event_lets_the_other_partitions_through(
    infra: Infra, setup: Setup
) -> None:
    """One event's handler cannot reach what it needs (Unavailable) until released: the batch
    it came in is taken one record at a time, so every partition but its own carries on, its
    own stops at it (order within a partition), and once released everything has its effect
    once."""
    s = setup
    handle = make_handler(s.pool)
    released = asyncio.Event()

    async def needs_a_service(conn: Conn, env: Envelope) -> None:
        e = env.data
        if (e.aggregate, e.seq) == ("a3", 2) and not released.is_set():  # type: ignore[attr-defined]
            raise Unavailable("the other service does not answer")
        await handle(conn, env)

    partition_of: dict[str, int] = {}
    for seq in (1, 2, 3):
        for n in range(10):
            event = s.ping(aggregate=f"a{n}", seq=seq)
            env = Envelope(event, id=str(uuid.uuid4()))
            sent = await s.producer.send_and_wait(
                s.topic, value=env.value(), key=event.key().encode(),
                headers=encode_headers(env.headers()),
            )  # fmt: skip
            partition_of[f"a{n}"] = sent.partition
    held = partition_of["a3"]
    free = {(f"a{n}", seq) for n in range(10) for seq in (1, 2, 3) if partition_of[f"a{n}"] != held}
    assert free, "every aggregate landed in one partition: pick other names"
    runner = runner_for(s, infra)
    runner.handlers = {s.ping: needs_a_service}
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        for _ in range(300):
            done = await effects(s.pool)
            if free <= done.keys():
                break
            await asyncio.sleep(0.1)
        assert free <= done.keys(), f"held back with a3: {sorted(free - done.keys())}"
        assert ("a3", 1) in done and ("a3", 2) not in done and ("a3", 3) not in done
        released.set()
        for _ in range(300):
            if len(await effects(s.pool)) == 30:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
    assert await effects(s.pool) == {(f"a{n}", seq): 1 for n in range(10) for seq in (1, 2, 3)}
