"""The outbox relay: publishes committed outbox rows to Kafka, in id order, then deletes them.

Several replicas may run: each holds a dedicated connection and tries a session advisory lock;
the one that gets it publishes, the others stand by (trying every `standby_s`) and take over
when its connection drops. The lock's connection has the service's timeouts (db.Timeouts): when
the leader's host goes silent, PostgreSQL ends its session after the keepalives or
tcp_user_timeout sent at connect, which frees the lock; the leader itself gives up when a query
finds its connection dead (client-side keepalives, tcp_user_timeout, command_timeout), drops
the socket and stands by.
Publishing is at-least-once (a crash between Kafka's ack and the delete re-sends that batch);
consumers dedupe on the CloudEvents id, so effects happen once. The relay polls instead of
LISTEN/NOTIFY, so committing transactions never queue behind NOTIFY's global lock: every
`poll_s` while there is traffic, backing off to `idle_poll_s` while its outbox stays empty (a
quiet service's relay costs the database 20 queries a second, not 200).

A row too large to publish (its record's upper-bound size over `max_message_bytes`, the broker's
message.max.bytes and the producer's max_request_size) is never sent: it is moved to
`outbox_quarantine` with the reason, counted in `houqin_outbox_quarantined_total` and
`houqin_outbox_quarantine_rows`, and logged at ERROR (`outbox_row_quarantined`); the rows behind
it are published as usual. Alert rule: `houqin_outbox_quarantine_rows > 0`. (Checking before
sending matters: a batch the broker refuses leaves the idempotent producer's sequence numbers
out of step, and every later send fails until the producer is replaced. No topic is given a
max.message.bytes below the broker's.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, MessageSizeTooLargeError

from houqin_shared import db, kafka, metrics
from houqin_shared.contracts.base import encode_headers
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger

log = get_logger(__name__)
# Advisory locks are per database; the key names the schema so each service has its own leader.
_LEADER_LOCK = (
    "SELECT pg_try_advisory_lock(hashtextextended('houqin.outbox.relay/' || current_schema(), 7))"
)
_FETCH = "SELECT id, topic, key, event_type, headers, payload FROM outbox ORDER BY id LIMIT $1"
_DELETE = "DELETE FROM outbox WHERE id = ANY($1::bigint[])"
_QUARANTINE = """
WITH moved AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING *)
INSERT INTO outbox_quarantine
    (id, event_id, topic, key, event_type, headers, payload, created_at, size_bytes, reason)
SELECT m.id, m.event_id, m.topic, m.key, m.event_type, m.headers, m.payload, m.created_at,
       r.size, r.reason
FROM moved m JOIN unnest($1::bigint[], $2::int[], $3::text[]) AS r (id, size, reason) USING (id)
"""
_BACKLOG = """
SELECT count(*), extract(epoch FROM clock_timestamp() - min(created_at)),
       (SELECT count(*) FROM outbox_quarantine)
FROM outbox
"""


@dataclass
class Relay:
    database_url: str
    schema: str
    producer: AIOKafkaProducer
    batch: int = 500
    poll_s: float = 0.005
    idle_poll_s: float = 0.05  # an outbox that stays empty is looked at less and less often
    standby_s: float = 1.0
    backlog_every_s: float = 5.0
    max_message_bytes: int = kafka.BROKER_MESSAGE_MAX_BYTES  # the producer's max_request_size
    timeouts: db.Timeouts = field(default_factory=db.Timeouts)  # of the leader lock's connection
    is_leader: bool = False
    last_round: float = field(default_factory=time.monotonic)
    published: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.last_round = time.monotonic()
            try:
                conn = await db.connect(self.database_url, self.schema, self.timeouts)
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                log.warning("relay_db_unavailable", error=repr(exc))
                await _sleep(stop, self.standby_s)
                continue
            try:
                if not stop.is_set() and await conn.fetchval(_LEADER_LOCK):
                    self.is_leader = True
                    metrics.RELAY_LEADER.set(1)
                    log.info("relay_leader")
                    await self._lead(conn, stop)
                else:
                    await _sleep(stop, self.standby_s)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                # The connection died (or stopped answering): whatever lock it held is the
                # server's to free (it ends a silent client's session after its keepalives or
                # tcp_user_timeout), so this replica stops publishing and stands by.
                log.warning("relay_db_error", error=repr(exc), was_leader=self.is_leader)
                await _sleep(stop, self.standby_s)
            except Exception:
                log.exception("relay_failed")
                await _sleep(stop, self.standby_s)
            finally:
                self.is_leader = False
                metrics.RELAY_LEADER.set(0)
                await _close(conn)

    async def _lead(self, conn: Conn, stop: asyncio.Event) -> None:
        next_backlog = 0.0
        pause = self.poll_s
        while not stop.is_set():
            self.last_round = time.monotonic()
            if self.last_round >= next_backlog:
                await self._measure_backlog(conn)
                next_backlog = self.last_round + self.backlog_every_s
            try:
                sent = await self.publish_once(conn)
            except KafkaError as exc:
                log.warning("relay_kafka_error", error=repr(exc))
                await _sleep(stop, self.standby_s)
                continue
            if sent == 0:  # nothing: wait a little longer each time, up to idle_poll_s
                await _sleep(stop, pause)
                pause = min(max(self.idle_poll_s, self.poll_s), pause * 2)
            elif sent < self.batch:
                pause = self.poll_s
                await _sleep(stop, pause)

    async def publish_once(self, conn: Conn) -> int:
        """Publish a batch; return how many rows it took (published or quarantined)."""
        rows = await conn.fetch(_FETCH, self.batch)
        if not rows:
            return 0
        refused: dict[int, str] = {}  # row id -> why it cannot be published
        sent: list[tuple[asyncpg.Record, Any]] = []
        for row in rows:
            key, value, headers = _record(row)
            size = kafka.record_size(key, value, headers)
            if size > self.max_message_bytes:
                refused[row["id"]] = f"{size} bytes, over {self.max_message_bytes}"
                continue
            try:
                future = await self.producer.send(row["topic"], value, key=key, headers=headers)
            except MessageSizeTooLargeError as exc:  # not sent: the producer's own check
                refused[row["id"]] = f"refused by the producer: {exc!r}"
                continue
            sent.append((row, future))
        await asyncio.gather(*(f for _, f in sent))  # on error nothing is deleted: sent again
        published = [r for r, _ in sent]
        async with conn.transaction():
            await conn.execute(_DELETE, [r["id"] for r in published])
            if refused:
                await self._quarantine(conn, [r for r in rows if r["id"] in refused], refused)
        for r in published:
            metrics.EVENTS_PRODUCED.labels(r["topic"], r["event_type"]).inc()
        self.published += len(published)
        return len(rows)

    async def _quarantine(
        self, conn: Conn, rows: list[asyncpg.Record], refused: dict[int, str]
    ) -> None:
        sizes = [kafka.record_size(*_record(r)) for r in rows]
        reasons = [refused[r["id"]] for r in rows]
        await conn.execute(_QUARANTINE, [r["id"] for r in rows], sizes, reasons)
        for r, size, reason in zip(rows, sizes, reasons, strict=True):
            metrics.OUTBOX_QUARANTINED.labels(r["topic"], r["event_type"]).inc()
            log.error(
                "outbox_row_quarantined",
                outbox_id=r["id"],
                event_type=r["event_type"],
                topic=r["topic"],
                key=r["key"],
                size_bytes=size,
                reason=reason,
            )

    async def _measure_backlog(self, conn: Conn) -> None:
        row = await conn.fetchrow(_BACKLOG)
        assert row is not None
        metrics.OUTBOX_BACKLOG.set(row[0])
        metrics.OUTBOX_OLDEST_AGE.set(float(row[1] or 0))
        metrics.OUTBOX_QUARANTINE_ROWS.set(row[2])

    def stalled(self, limit_s: float) -> bool:
        return time.monotonic() - self.last_round > limit_s


def _record(row: asyncpg.Record) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """An outbox row as the Kafka record it becomes: key, value and headers."""
    return row["key"].encode(), bytes(row["payload"]), encode_headers(row["headers"])


async def _close(conn: asyncpg.Connection) -> None:
    """Close gracefully if the server answers within a second, else drop the socket (a close
    waits for an answer a dead connection never gives)."""
    try:
        await conn.close(timeout=1)
    except Exception:
        conn.terminate()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
