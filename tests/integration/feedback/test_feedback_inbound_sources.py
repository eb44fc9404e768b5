"""Two campus systems may both send their event "1001" on the inbound topic: CloudEvents makes only
(ce_source, ce_id) unique, so both are filed; a real redelivery (the group's offsets rewound) of
either is still handled once. (With an inbox keyed by the id alone, the second system's report
was lost silently.)"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from feedback_support import Feedback
from helpers import unique
from kafka_helpers import start_at_the_end

from feedback.handlers import HANDLERS
from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import INBOUND_TOPIC, Location, ReportSubmitted
from houqin_shared.contracts.base import Envelope, encode_headers

pytestmark = pytest.mark.infra
FILED = "houqin.feedback.ComplaintFiled.v1"


def from_system(system: str) -> tuple[ReportSubmitted, dict[str, str]]:
    """System `system`'s report with its own id 1001, as a CloudEvent under its own source."""
    event = ReportSubmitted(
        source_system=system,
        external_id="1001",
        category="plumbing",
        location=Location(campus="north", building="north-dorm-7", room="312"),
        description=f"{system}: the tap in 312 leaks",
        occurred_at=datetime.now(UTC),
    )
    headers = {**Envelope(event).headers(), "ce_id": "1001", "ce_source": f"/campus/{system}"}
    return event, headers


async def consume(feedback: Feedback, group: str, reports: int) -> None:
    """Run feedback's consumer as `group` until it settled our two records and `reports` exist,
    then a moment more."""
    async with feedback.pool() as pool:
        producer = kafka.producer(feedback.infra.kafka, group)
        await producer.start()
        runner = ConsumerRunner(
            group=group,
            topics=[INBOUND_TOPIC],
            handlers=HANDLERS,
            pool=pool,
            producer=producer,
            bootstrap=feedback.infra.kafka,
            backoff_s=0.01,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop))
        try:
            for _ in range(150):
                filed = len(await feedback.fetch("SELECT 1 FROM reports"))
                if runner.settled >= 2 and filed >= reports:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # time for a repeat, were one going to be filed
        finally:
            stop.set()
            await task
            await producer.stop()


async def test_one_id_from_two_systems_is_two_reports_and_a_redelivery_is_one(
    feedback: Feedback,
) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
    tag = uuid.uuid4().hex[:8]
    systems = [f"iot-{tag}", f"app-{tag}"]
    group = unique("test.feedback.sources")
    await kafka.ensure_topics(feedback.infra.kafka, [kafka.dead_letter_topic(group)])
    await start_at_the_end(feedback.infra.kafka, group, [INBOUND_TOPIC])
    producer = kafka.producer(feedback.infra.kafka, f"{group}-systems")
    await producer.start()
    sent = []
    try:
        for system in systems:
            event, headers = from_system(system)
            sent.append(
                await producer.send_and_wait(
                    INBOUND_TOPIC,
                    value=event.model_dump_json().encode(),
                    key=event.key().encode(),
                    headers=encode_headers(headers),
                )
            )
    finally:
        await producer.stop()

    await consume(feedback, group, reports=2)
    # A real redelivery: the group's offsets go back to our two records and they come again.
    rewind = AIOKafkaConsumer(
        **kafka.security(),
        bootstrap_servers=feedback.infra.kafka,
        group_id=group,
        enable_auto_commit=False,
    )
    await rewind.start()
    try:
        offsets: dict[TopicPartition, int] = {}
        for r in sent:
            tp = TopicPartition(INBOUND_TOPIC, r.partition)
            offsets[tp] = min(offsets.get(tp, r.offset), r.offset)
        rewind.assign(list(offsets))
        await rewind.commit(offsets)
    finally:
        await rewind.stop()
    await consume(feedback, group, reports=2)

    rows = await feedback.fetch(
        "SELECT source_system, external_id FROM reports ORDER BY source_system"
    )
    assert [tuple(r) for r in rows] == sorted((s, "1001") for s in systems)
    assert len(await feedback.events(FILED)) == 2
    inbox = await feedback.fetch(
        "SELECT source, event_id FROM inbox WHERE consumer = $1 ORDER BY source", group
    )
    assert [tuple(r) for r in inbox] == sorted((f"/campus/{s}", "1001") for s in systems)
