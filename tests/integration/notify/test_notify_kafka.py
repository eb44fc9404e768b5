"""Through Kafka: events published on the platform's real topics reach the worker's handlers
(a ConsumerRunner with a group of its own), and the delivery loop sends them to a real SMTP
server and robot endpoint, once each even when Kafka delivers an event twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from helpers import Infra, Sso, api_client, unique
from kafka_helpers import start_at_the_end
from notify_support import Handle, directory
from peers import channel_settings, http_peer, smtp_peer

from houqin_shared import kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import (
    FEEDBACK_TOPIC,
    TICKETS_TOPIC,
    ComplaintFiled,
    Location,
    TicketAssigned,
)
from houqin_shared.contracts.base import Envelope, encode_headers
from notify.__main__ import create_app
from notify.delivery import Deliverer
from notify.handlers import HANDLERS
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
TOPICS = [FEEDBACK_TOPIC, TICKETS_TOPIC]


async def test_events_through_kafka_to_smtp_and_robot_once_each(
    infra: Infra, sso: Sso, notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    settings, pool = notify_env
    # A directory version far above any real snapshot, so none replaces it meanwhile.
    await handle(directory(version=10**9))
    tracking = f"FK-KAFKA-{uuid.uuid4().hex[:8]}"
    async with http_peer() as http, smtp_peer() as (smtp, port):
        admin = sso.auth("admin", "admin")
        async with api_client(create_app(settings)) as client:
            for name in ("email", "wecom"):
                body = {"settings": channel_settings(http, port)[name]}
                assert (
                    await client.put(f"/v1/channels/{name}", json=body, headers=admin)
                ).is_success
        group = unique("notify-test")
        await start_at_the_end(infra.kafka, group, TOPICS)
        producer = kafka.producer(infra.kafka, group)
        await producer.start()
        runner = ConsumerRunner(
            group=group,
            topics=TOPICS,
            handlers=HANDLERS,
            pool=pool,
            producer=producer,
            bootstrap=infra.kafka,
            backoff_s=0.01,
        )
        deliverer = Deliverer(settings)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(runner.run(stop))]

        async def deliver() -> None:
            while not stop.is_set():
                if not await deliverer.run_once(pool):
                    await asyncio.sleep(0.02)

        tasks.append(asyncio.create_task(deliver()))
        now = datetime.now(UTC)
        filed = ComplaintFiled(
            report_id=uuid.uuid4(),
            tracking_no=tracking,
            kind="repair",
            category="plumbing",
            channel="web",
            location=Location(building="north-dorm-7"),
            description="kafka path",
            anonymous=False,
            reporter_id="stu-kafka",
            filed_at=now,
        )
        assigned = TicketAssigned(
            ticket_id=uuid.uuid4(),
            report_id=filed.report_id,
            tracking_no=tracking,
            assignee_id="plumber",
            team_id="plumbers",
            via="primary",
            assigned_at=now,
        )
        try:
            twice = Envelope(assigned)
            for env in (Envelope(filed), twice, twice):  # the assignment arrives twice
                await producer.send_and_wait(
                    env.data.topic,
                    value=env.value(),
                    key=env.data.key().encode(),
                    headers=encode_headers(env.headers()),
                )

            def mine() -> list[str]:
                return [
                    e.rcpt_tos[0]
                    for e, text in zip(smtp.received, smtp.texts(), strict=True)
                    if tracking in text
                ]

            for _ in range(300):
                robot = [b for b in http.bodies("/wecom/send") if tracking in b["text"]["content"]]
                if mine() and robot:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # time for a duplicate, were one going to be sent
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await deliverer.close()
            await producer.stop()
        assert mine() == ["plumber@campus.test"]
        assert len(robot) == 1 and robot[0]["text"]["mentioned_list"] == ["zhang.plumber"]
        async with pool.acquire() as conn:
            receipt = await conn.fetch(
                "SELECT channel FROM messages WHERE recipient = 'stu-kafka' AND tracking_no = $1",
                tracking,
            )
        assert [r["channel"] for r in receipt] == ["inbox"]
