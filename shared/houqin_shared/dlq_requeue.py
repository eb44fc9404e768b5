"""Requeueing a dead letter through the service's own API and worker, never through Kafka.

A service's Kafka user may not write another service's topic, so its API cannot publish a
dead-lettered event back to where it came from (the `./houqin dlq` CLI, as Kafka's admin, does).
Instead `request` does, in one transaction of the service's schema: remove the event's
`dead_lettered` inbox row and store the record in `dlq_requeue` (shared migration 0004). The
service's worker runs `requeue_round` every few seconds: it gives the stored records to the
consumer runner's `process`, the path every Kafka record takes (inbox claim, handler, retries,
dead letter again if it fails again), then deletes the rows. A requeue repeated finds the event
queued or handled and is skipped; a row taken twice (two workers, a crash before the delete) is
dropped by the inbox, so the event has its effect once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg
from aiokafka import ConsumerRecord

from houqin_shared.db import Conn
from houqin_shared.dlq import Letter
from houqin_shared.logs import get_logger

if TYPE_CHECKING:
    from houqin_shared.consumer import ConsumerRunner, Record

log = get_logger(__name__)

DONE = frozenset({"requeued", "would-requeue"})
"""The outcomes of `request` that (would) requeue; the others skip the event: already-handled,
already-queued, no-source-topic (and the API's same-event-again, a second copy in one call)."""
ROUND_LIMIT = 100  # rows a worker takes per round

_OUTCOME = """
SELECT outcome FROM inbox WHERE consumer = $1 AND source = $2 AND event_id = $3 FOR UPDATE
"""
_QUEUED = "SELECT 1 FROM dlq_requeue WHERE consumer = $1 AND source = $2 AND event_id = $3"
_QUEUE = """
INSERT INTO dlq_requeue (consumer, source, event_id, topic, kafka_partition, kafka_offset,
                         record_key, record_value, header_names, header_values, dlq_at,
                         requested_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (consumer, source, event_id) DO NOTHING
RETURNING id
"""
_FORGET = """
DELETE FROM inbox
WHERE consumer = $1 AND source = $2 AND event_id = $3 AND outcome = 'dead_lettered'
"""
_TAKE = """
SELECT id, topic, kafka_partition, kafka_offset, record_key, record_value, header_names,
       header_values, dlq_at, requested_by
FROM dlq_requeue WHERE consumer = $1 ORDER BY id LIMIT $2
"""
_DONE = "DELETE FROM dlq_requeue WHERE id = ANY($1::bigint[])"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


async def request(conn: Conn, letter: Letter, who: str, dry_run: bool) -> str:
    """requeued | would-requeue | already-handled | already-queued | no-source-topic."""
    if not letter.source_topic:
        return "no-source-topic"
    key = (letter.consumer, *letter.inbox_key)
    async with conn.transaction():
        outcome = await conn.fetchval(_OUTCOME, *key)
        if outcome is not None and outcome != "dead_lettered":
            return "already-handled"
        if await conn.fetchval(_QUEUED, *key):
            return "already-queued"
        if dry_run:
            return "would-requeue"
        headers = letter.original_headers()
        queued = await conn.fetchval(
            _QUEUE,
            *key,
            letter.source_topic,
            _number(letter.header("dlq_source_partition")),
            _number(letter.header("dlq_source_offset")),
            letter.key,
            letter.value,
            [k for k, _ in headers],
            [v for _, v in headers],
            letter.at,
            who,
        )
        if queued is None:  # another request stored it meanwhile
            return "already-queued"
        await conn.execute(_FORGET, *key)
    return "requeued"


def _record(row: asyncpg.Record) -> Record:
    """The stored record as the consumer had it from Kafka: its source topic, partition and
    offset (an event that is no valid CloudEvent is known in the inbox by them)."""
    value, key = row["record_value"], row["record_key"]
    return ConsumerRecord(
        topic=row["topic"],
        partition=row["kafka_partition"],
        offset=row["kafka_offset"],
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value or b""),
        headers=list(zip(row["header_names"], row["header_values"], strict=True)),
    )


async def requeue_round(runner: ConsumerRunner, limit: int = ROUND_LIMIT) -> int:
    """Re-handle what was requeued for `runner`'s group; returns how many rows were taken.
    A failure of the platform (raised by `process`) leaves the rows for the next round."""
    async with runner.pool.acquire() as conn:
        rows = await conn.fetch(_TAKE, runner.group, limit)
    if not rows:
        return 0
    async with runner.busy:
        await runner.process([_record(row) for row in rows])
    async with runner.pool.acquire() as conn:
        await conn.execute(_DONE, [row["id"] for row in rows])
    for row in rows:
        log.info(
            "dlq_requeue_handled",
            consumer=runner.group,
            dlq=row["dlq_at"],
            requested_by=row["requested_by"],
        )
    return len(rows)
