"""Through Kafka: ComplaintFiled records on a topic of this test's own go through the tickets
worker's handlers (a ConsumerRunner with a unique group): a routed, assigned ticket, once even
when the record is sent twice; an event that does not validate is dead-lettered and changes
nothing."""

from __future__ import annotations

import asyncio
import json

import pytest
from helpers import Infra, unique
from kafka_helpers import new_topic, read_all
from tickets_support import Env, complaint

from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts.base import Envelope
from tickets.__main__ import SPEC

pytestmark = pytest.mark.infra


async def test_complaints_through_kafka(tickets_env: Env, infra: Infra) -> None:
    e = tickets_env
    topic = await new_topic(infra.kafka, "tickets-test")
    group = unique("tickets-test")
    producer = kafka.producer(infra.kafka, group)
    await producer.start()
    stop = asyncio.Event()
    runner = ConsumerRunner(
        group=group, topics=[topic], handlers=SPEC.handlers, pool=e.pool, producer=producer,
        bootstrap=infra.kafka, max_attempts=2, backoff_s=0.01,
    )  # fmt: skip
    task = asyncio.create_task(runner.run(stop))
    try:
        filed = [complaint("plumbing"), complaint("electrical")]
        for c in [*filed, filed[0]]:
            env = Envelope(c)
            headers = [(k, v.encode()) for k, v in env.headers().items()]
            await producer.send_and_wait(topic, env.value(), key=c.key().encode(), headers=headers)
        bad = Envelope(complaint("plumbing"))
        broken = json.loads(bad.value())
        broken["urgency"] = "whenever"
        headers = [(k, v.encode()) for k, v in bad.headers().items()]
        await producer.send_and_wait(topic, json.dumps(broken).encode(), key=b"x", headers=headers)
        dead = await read_all(infra.kafka, kafka.dead_letter_topic(group), expect=1)
        assert len(dead) == 1
        for _ in range(100):
            if await e.pool.fetchval("SELECT count(*) FROM tickets") >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
        await producer.stop()
    rows = await e.pool.fetch(
        "SELECT report_id, team_id, assignee_id, status FROM tickets ORDER BY team_id"
    )
    assert [(r["team_id"], r["assignee_id"], r["status"]) for r in rows] == [
        ("electricians", "electrician", "assigned"),
        ("plumbers", "plumber", "assigned"),
    ]
    assert len(await e.outbox("TicketOpened")) == 2 and len(await e.outbox("TicketAssigned")) == 2
