"""Kafka clients with the platform's settings: idempotent producer, topics created up front."""

from __future__ import annotations

import contextlib

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

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
