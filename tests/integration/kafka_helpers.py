"""Small helpers the integration tests share: throwaway contracts, topics and readers."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

from aiokafka import AIOKafkaConsumer

from houqin_shared.contracts.base import Event, header_dict
from houqin_shared.kafka import ensure_topics, security


def ping_contract(topic: str) -> type[Event]:
    """A contract of its own type and topic, so each test reads only its own events."""

    class Ping(Event):
        event_type: ClassVar[str] = f"houqin.test.Ping.{topic}.v1"
        source: ClassVar[str] = "/houqin/test"
        summary: ClassVar[str] = "test event"
        aggregate: str
        seq: int
        fail_times: int = 0

        def key(self) -> str:
            return self.aggregate

    Ping.topic = topic  # type: ignore[misc]
    return Ping


async def new_topic(bootstrap: str, prefix: str = "test", partitions: int = 4) -> str:
    topic = f"{prefix}.{uuid.uuid4().hex[:10]}"
    await ensure_topics(bootstrap, [topic], partitions=partitions)
    return topic


async def read_all(
    bootstrap: str, topic: str, expect: int, timeout_s: float = 30
) -> list[dict[str, Any]]:
    """Read `topic` from the start until `expect` records arrived (or the timeout), then a
    moment more to catch any extra (duplicate) records."""
    consumer = AIOKafkaConsumer(
        topic,
        **security(),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    out: list[dict[str, Any]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        settle_until: float | None = None
        while loop.time() < deadline:
            if len(out) >= expect:
                settle_until = settle_until or loop.time() + 1.0
                if loop.time() > settle_until:
                    break
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for r in records:
                    out.append(
                        {
                            "key": r.key.decode() if r.key else None,
                            "value": r.value,
                            "headers": header_dict(list(r.headers)),
                            "partition": r.partition,
                            "offset": r.offset,
                        }
                    )
    finally:
        await consumer.stop()
    return out


async def start_at_the_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """Commit `group`'s offsets at the end of every partition of `topics`, so a runner in that
    group reads only what the test publishes, not the shared topics' history."""
    from aiokafka import TopicPartition

    await ensure_topics(bootstrap, topics)
    consumer = AIOKafkaConsumer(
        **security(), bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        parts = [
            TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or []
        ]
        assert parts
        ends = await consumer.end_offsets(parts)
        consumer.assign(parts)
        await consumer.commit(dict(ends.items()))
    finally:
        await consumer.stop()
