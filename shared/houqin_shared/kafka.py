"""Kafka clients with the platform's settings: idempotent producer, topics created up front."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from houqin_shared.logs import get_logger

log = get_logger(__name__)
DEFAULT_PARTITIONS = 4


def producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
        request_timeout_ms=15000,
    )


async def start_when_reachable(client: Any, what: str, stop: asyncio.Event | None = None) -> bool:
    """Start an aiokafka client, retrying with backoff while the broker is unreachable (a
    process may start before Kafka does). False when asked to stop first."""
    delay = 0.5
    while stop is None or not stop.is_set():
        try:
            await client.start()
            return True
        except KafkaError as exc:
            log.warning("kafka_unreachable", client=what, error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
    return False


def dead_letter_topic(consumer: str) -> str:
    return f"{consumer}.dlq"


async def ensure_topics(
    bootstrap: str, topics: list[str], partitions: int = DEFAULT_PARTITIONS
) -> None:
    """Create the topics that do not exist yet (idempotent); part of each service's migrate."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="houqin-migrate")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing]
                )
            log.info("topics_created", topics=missing)
    finally:
        await admin.close()
