"""A realistic small campaign driven through the real Kafka topics and PostgreSQL: the contracts'
events are published to houqin.tickets.events and houqin.feedback.events, the scoring worker's
handlers run in a ConsumerRunner of a unique group, and its periodic recompute turns the facts
into rankings and award candidates; an overturn published later restores the vetoed units."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from helpers import Infra
from kafka_helpers import start_at_the_end
from scoring_support import Scoring, make_campaign, plain, scores
from scoring_world import EXPECTED, World

from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import FEEDBACK_TOPIC, TICKETS_TOPIC, DirectoryChanged
from houqin_shared.contracts.base import Envelope, Event, encode_headers
from houqin_shared.service import Periodic, run_periodic
from scoring.compute import run_touched
from scoring.handlers import BATCH_HANDLERS, HANDLERS

pytestmark = pytest.mark.infra
TOPICS = [TICKETS_TOPIC, FEEDBACK_TOPIC]


async def publish(producer: Any, events: list[Event]) -> None:
    for event in events:
        env = Envelope(event)  # a fresh CloudEvents id per event
        await producer.send(
            event.topic,
            value=env.value(),
            key=event.key().encode(),
            headers=encode_headers(env.headers()),
        )
    await producer.flush()


async def until(check: Callable[[], Awaitable[bool]], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the scores did not arrive in time")


async def test_campaign_through_kafka(infra: Infra, scoring: Scoring) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    group = f"houqin.scoring-test-{uuid.uuid4().hex[:8]}"
    await kafka.ensure_topics(infra.kafka, [*TOPICS, kafka.dead_letter_topic(group)])
    await start_at_the_end(infra.kafka, group, TOPICS)
    # The directory is a global snapshot other tests' consumers read too: it is given to this
    # service directly (with a version above any real one), never published to the shared topic.
    events = w.events()
    await scoring.feed(w.directory(version=2**31 - 1))
    producer = kafka.producer(infra.kafka, "scoring-test")
    await producer.start()
    runner = ConsumerRunner(
        group=group,
        topics=TOPICS,
        handlers=HANDLERS,
        batch_handlers=BATCH_HANDLERS,
        pool=scoring.pool,
        producer=producer,
        bootstrap=infra.kafka,
        backoff_s=0.05,
    )
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(runner.run(stop)),
        asyncio.create_task(
            run_periodic(Periodic("recompute", 0.2, run_touched), scoring.pool, stop)
        ),
    ]
    try:
        await publish(producer, [e for e in events if not isinstance(e, DirectoryChanged)])

        async def ranked() -> bool:
            return plain(w, await scores(scoring, cid)) == EXPECTED

        await until(ranked)
        got = await scores(scoring, cid)
        awards = {(r["award"], k[1]) for k, r in got.items() if r["award"]}
        assert awards == {
            ("organisation", w.u("maint")),
            ("team", w.u("electricians")),
            ("team", w.u("plumbers")),
            ("individual", w.u("e1")),
        }

        await publish(producer, [w.overturn()])

        async def restored() -> bool:
            row = (await scores(scoring, cid)).get(("department", w.u("catering")))
            return row is not None and row["rank"] == 2

        await until(restored, 60)
        got = await scores(scoring, cid)
        assert got[("department", w.u("catering"))]["award"] == "organisation"
        assert got[("team", w.u("kitchen"))]["rank"] == 3
        announced = await scoring.fetch(
            "SELECT key FROM outbox WHERE event_type = 'houqin.scoring.ScoreComputed.v1'"
        )
        assert f"{cid}:team:{w.u('kitchen')}" in {r["key"] for r in announced}
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 30)
        await producer.stop()
