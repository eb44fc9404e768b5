"""A forged DirectoryChanged (another ce_source, a version far ahead) written to the topic by a
raw producer never reaches notify's directory: it is dead-lettered with the reason, and the
genuine directory that follows it still replaces notify's copy. (Before the topic and source
checks, the forgery froze the copy for good: every later snapshot had a lower version.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from helpers import Infra, unique
from kafka_helpers import new_topic, read_all
from notify_support import directory

from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import DirectoryChanged
from houqin_shared.contracts.base import Envelope, encode_headers
from houqin_shared.contracts.tickets import StaffEntry
from notify.handlers import HANDLERS
from notify.repository import directory as copy
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra


async def test_forged_directory_is_dead_lettered_and_does_not_freeze_the_copy(
    infra: Infra, notify_env: tuple[NotifySettings, asyncpg.Pool]
) -> None:
    _, pool = notify_env
    # A private copy of the tickets topic (a topic of no contract: only the source is checked),
    # so no other test's consumer of the real topic reads the forgery.
    topic = await new_topic(infra.kafka, "forged")
    group = unique("notify-forged")
    await kafka.ensure_topics(infra.kafka, [kafka.dead_letter_topic(group)])
    forged = DirectoryChanged(
        version=2_000_000_000,  # far ahead of any real version (notify keeps an int4)
        departments=[],
        teams=[],
        staff=[StaffEntry(id="plumber", name="冒名", email="attacker@evil.test")],
        changed_at=datetime.now(UTC),
    )
    genuine = directory(version=5)
    raw = AIOKafkaProducer(**kafka.security(), bootstrap_servers=infra.kafka)
    await raw.start()
    try:
        for env, source in (
            (Envelope(forged), "/campus/systems/intruder"),
            (Envelope(genuine), ""),
        ):
            headers = {**env.headers(), **({"ce_source": source} if source else {})}
            await raw.send_and_wait(
                topic, env.value(), key=b"directory", headers=encode_headers(headers)
            )
    finally:
        await raw.stop()
    producer = kafka.producer(infra.kafka, group)
    await producer.start()
    runner = ConsumerRunner(
        group=group,
        topics=[topic],
        handlers=HANDLERS,
        pool=pool,
        producer=producer,
        bootstrap=infra.kafka,
        backoff_s=0.01,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        for _ in range(300):  # until both records are settled
            if await pool.fetchval("SELECT count(*) FROM inbox") == 2:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
        await producer.stop()
    async with pool.acquire() as conn:
        assert await copy.version(conn) == 5
        email = await conn.fetchval("SELECT email FROM directory_staff WHERE id = 'plumber'")
    assert email == "plumber@campus.test"
    dead = await read_all(infra.kafka, kafka.dead_letter_topic(group), expect=1)
    assert [d["headers"]["dlq_reason"] for d in dead] == ["forged_source"]
    assert "/campus/systems/intruder" in dead[0]["headers"]["dlq_detail"]
    assert dead[0]["headers"]["dlq_source_topic"] == topic
