"""Reports from other campus systems: valid ones become external reports once per (source,
external id); invalid ones are dead-lettered at once with the reason, through real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from feedback_support import Feedback
from helpers import unique
from kafka_helpers import read_all

from feedback.handlers import HANDLERS
from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import INBOUND_TOPIC, BadEvent, Location, ReportSubmitted
from houqin_shared.contracts.base import Envelope, encode_headers

pytestmark = pytest.mark.infra
FILED = "houqin.feedback.ComplaintFiled.v1"


def submitted(external_id: str, **change: Any) -> ReportSubmitted:
    fields: dict[str, Any] = {
        "source_system": "iot-leak-sensors",
        "external_id": external_id,
        "category": "plumbing",
        "urgency": "urgent",
        "location": Location(campus="north", building="north-dorm-7", room="312"),
        "description": "leak sensor 17 is wet",
        "occurred_at": datetime.now(UTC),
    }
    return ReportSubmitted(**{**fields, **change})


async def test_valid_submissions_become_external_reports_once(feedback: Feedback) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
    await feedback.handle(submitted("ev-1"), submitted("ev-1"), submitted("ev-2"))
    rows = await feedback.fetch(
        "SELECT channel, reporter_id, filed_by, external_id, urgency FROM reports ORDER BY external_id"
    )
    assert [dict(r) for r in rows] == [
        {
            "channel": "external",
            "reporter_id": None,
            "filed_by": "system:iot-leak-sensors",
            "external_id": f"ev-{i}",
            "urgency": "urgent",
        }
        for i in (1, 2)
    ]
    events = await feedback.events(FILED)
    assert [(e["channel"], e["reporter_id"]) for e in events] == [("external", None)] * 2
    assert all(e["tracking_no"].startswith("FK") for e in events)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"category": "teleportation"}, "unknown_category"),
        ({"location": Location(campus="north")}, "invalid_report"),
        ({"description": "wet\x00"}, "invalid_report"),
        ({"kind": "praise", "location": Location(room="3")}, "invalid_report"),
    ],
)
async def test_invalid_submissions_are_rejected_with_a_reason(
    feedback: Feedback, change: dict[str, Any], reason: str
) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
    with pytest.raises(BadEvent) as caught:
        await feedback.handle(submitted("bad-1", **change))
    assert caught.value.reason == reason
    assert await feedback.fetch("SELECT 1 FROM reports") == []


async def test_through_kafka_good_ones_are_filed_and_bad_ones_dead_lettered(
    feedback: Feedback,
) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
    tag = uuid.uuid4().hex[:8]
    group = unique("test.feedback.inbound")
    await kafka.ensure_topics(feedback.infra.kafka, [INBOUND_TOPIC, kafka.dead_letter_topic(group)])
    producer = kafka.producer(feedback.infra.kafka, "test-inbound")
    await producer.start()
    try:
        for event in (
            submitted(f"{tag}-good"),
            submitted(f"{tag}-bad", category="no-such-service"),
            submitted(f"{tag}-good"),  # the system sends it again
        ):
            env = Envelope(event)
            await producer.send_and_wait(
                INBOUND_TOPIC,
                value=env.value(),
                key=event.key().encode(),
                headers=encode_headers(env.headers()),
            )
        async with feedback.pool() as pool:
            runner = ConsumerRunner(
                group=group,
                topics=[INBOUND_TOPIC],
                handlers=HANDLERS,
                pool=pool,
                producer=producer,
                bootstrap=feedback.infra.kafka,
                max_attempts=2,
                backoff_s=0.01,
            )
            stop = asyncio.Event()
            task = asyncio.create_task(runner.run(stop))
            dead: list[dict[str, Any]] = []
            for _ in range(15):  # others' old events on the topic may be dead-lettered too
                dead = [
                    d
                    for d in await read_all(
                        feedback.infra.kafka, kafka.dead_letter_topic(group), 1, timeout_s=2
                    )
                    if tag in (d["key"] or "")
                ]
                if dead:
                    break
            for _ in range(100):
                rows = await feedback.fetch(
                    "SELECT external_id FROM reports WHERE external_id LIKE $1", f"{tag}%"
                )
                if rows:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await task
    finally:
        await producer.stop()
    assert [r["external_id"] for r in rows] == [f"{tag}-good"]
    assert [d["headers"]["dlq_reason"] for d in dead] == ["unknown_category"]
    assert dead[0]["headers"]["dlq_attempts"] == "1"
