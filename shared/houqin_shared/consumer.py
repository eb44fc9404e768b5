"""The consumer runner: Kafka records in, handler effects and inbox rows out, exactly once.

For each batch from `getmany` the runner, in one PostgreSQL transaction, inserts an inbox row per
event (keyed by ce_source and ce_id, which CloudEvents makes unique; skipping those already there)
and runs the handlers of the new ones; it commits the Kafka offsets only after that transaction
commits (gathered, at most every `commit_every_s`; before partitions are given up; when the
topics go quiet; on stop). If any handler fails, the batch is rolled back and replayed one event
per transaction, retrying a failing event with exponential backoff and jitter; after the last
attempt it goes to the dead-letter topic with the error, the original headers and the payload.
Events that can never succeed (not CloudEvents, unknown type, invalid data, a type on a topic
that does not carry it, a ce_source that does not own it: see contracts.base.check_origin) go
there at once, and so do events a handler rejects by raising `BadEvent(reason, detail)` (valid
CloudEvents that make no sense, such as an unknown category).

A type may have a batch handler instead, which is given the batch's new events of that type in
runs (same transaction; each key's events in their order, see houqin_shared.runs; one event at a
time when replaying), so a hot path can write a whole batch in a few statements. Types that name
the same batch handler share its runs: it is given their events mixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, KafkaError

from houqin_shared import metrics
from houqin_shared.backoff import backoff_s
from houqin_shared.contracts import REGISTRY
from houqin_shared.contracts.base import BadEvent, Envelope, Event, decode
from houqin_shared.db import Conn
from houqin_shared.kafka import KafkaAuth, dead_letter_topic, security, start_when_reachable
from houqin_shared.logs import bind_correlation_id, get_logger
from houqin_shared.runs import group_runs

log = get_logger(__name__)


class Unavailable(Exception):
    """Raised by a handler when something it needs (another service's API, the SSO) cannot
    answer now: the event is retried later, never dead-lettered."""


# Failures of the platform itself, not of the event: retried forever, never dead-lettered.
INFRA_ERRORS: tuple[type[BaseException], ...] = (
    Unavailable,
    OSError,
    TimeoutError,
    KafkaError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
)
Handler = Callable[[Conn, Envelope], Awaitable[None]]
BatchHandler = Callable[[Conn, list[Envelope]], Awaitable[None]]


def one_at_a_time(batch: BatchHandler) -> Handler:
    """The handler of one event that a batch handler makes (a run of one)."""

    async def handle(conn: Conn, env: Envelope) -> None:
        await batch(conn, [env])

    return handle


Record: TypeAlias = "ConsumerRecord[bytes, bytes]"

_INBOX = """
INSERT INTO inbox
    (consumer, source, event_id, event_type, topic, kafka_partition, kafka_offset, outcome)
SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[],
                         $8::text[])
ON CONFLICT DO NOTHING
RETURNING source, event_id
"""


@dataclass
class Item:
    record: Record
    envelope: Envelope | None = None
    error: BadEvent | None = None

    @property
    def event_key(self) -> tuple[str, str]:
        """The inbox key: (ce_source, ce_id), which CloudEvents makes unique; for a record that
        is no valid event, no source and its place in Kafka."""
        if self.envelope is not None:
            return self.envelope.source, self.envelope.id
        r = self.record
        return "", f"{r.topic}/{r.partition}/{r.offset}"


@dataclass
class ConsumerRunner:
    """Runs `handlers` for the events of `topics` as consumer group `group`."""

    group: str
    topics: list[str]
    handlers: dict[type[Event], Handler]
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    bootstrap: str
    batch: int = 500
    max_attempts: int = 5
    backoff_s: float = 0.2
    commit_every_s: float = 0.0  # offsets committed at most this often (0: every batch)
    fetch_min_bytes: int = 32768  # a fetch is answered when this much waits ...
    fetch_wait_ms: int = 10  # ... or after this long: fuller batches under load
    quiet_wait_ms: int = 500  # while the topics are quiet, a fetch waits for a record (0: off)
    auth: KafkaAuth | None = None  # the service's Kafka user (None: the environment's)
    registry: dict[str, type[Event]] = field(default_factory=lambda: dict(REGISTRY))
    batch_handlers: dict[type[Event], BatchHandler] = field(default_factory=dict)
    last_turn: float = field(default_factory=time.monotonic)
    settled: int = 0  # events taken and settled: handled now, or recognised as already handled
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    _consumer: AIOKafkaConsumer | None = None
    _pending: dict[TopicPartition, int] = field(default_factory=dict)  # handled, not committed
    _committed_at: float = 0.0
    rebuild_after_s: float = 30.0  # a consumer wedged this long is made again (see `run`)
    _unassigned_since: float | None = None
    _assigned_at: float | None = None  # when the partitions held now were given (monotonic)
    _processing: bool = False  # a batch is in hand
    _busy: bool = True  # records came at least every fetch_wait_ms over the last second
    _rate_since: float = field(default_factory=time.monotonic)
    _rate_count: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop`. A consumer that is wedged (see `_wedged`) is stopped and made
        again, as a liveness probe would restart the process: after a broker restart aiokafka
        can be left without partitions, or waiting on a coordinator, for good. What it had
        handled but not committed is delivered again and skipped by the inbox."""
        while not stop.is_set():
            consumer = self._new_consumer()
            self._consumer = consumer
            if not await start_when_reachable(consumer, f"consumer {self.group}", stop):
                return
            log.info("consumer_started", group=self.group, topics=self.topics)
            self.last_turn = time.monotonic()
            self._unassigned_since = None
            self._assigned_at = None
            task = asyncio.create_task(self._consume(consumer, stop))
            reason = await self._watch(task, stop)
            if reason is None:
                return
            log.warning("consumer_rebuilt", group=self.group, reason=reason)
            metrics.CONSUMER_REBUILDS.labels(self.group, reason).inc()
            task.cancel()  # its `finally` stops the consumer
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            self._pending = {}

    def _new_consumer(self) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(
            **security(self.auth),
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            client_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_records=self.batch,
            fetch_min_bytes=self.fetch_min_bytes,
            fetch_max_wait_ms=self.fetch_wait_ms,
        )
        consumer.subscribe(self.topics, listener=_CommitBeforeRevoke(self))
        return consumer

    async def _watch(self, task: asyncio.Task[None], stop: asyncio.Event) -> str | None:
        """None when the consuming task ended (asked to stop; its error is raised), else why
        the consumer is wedged."""
        every = min(5.0, self.rebuild_after_s / 4)
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                task.result()
                return None
            if stop.is_set():
                await task
                return None
            reason = self._wedged(time.monotonic())
            if reason is not None:
                return reason

    def _wedged(self, now: float, wall: float | None = None) -> str | None:
        """Why the consumer is wedged, or None. `now` is the monotonic clock, `wall` the epoch.
        - 'stuck': the loop has not turned for `rebuild_after_s`, waiting on Kafka (a commit
          retries for as long as the coordinator is unknown); a batch in hand gets four times
          as long (its own waits have timeouts; cutting it short would only repeat it);
        - 'unassigned': it has held no partition that long;
        - 'not_fetching': no fetch answer, even an empty one, for any partition it holds."""
        limit = self.rebuild_after_s
        idle = now - self.last_turn
        if idle > 4 * limit or (idle > limit and not self._processing):
            return "stuck"
        assert self._consumer is not None
        assigned = self._consumer.assignment()
        if assigned:
            self._unassigned_since = None
        elif self._unassigned_since is None:
            self._unassigned_since = now
        elif now - self._unassigned_since > limit:
            return "unassigned"
        if assigned and self._assigned_at is not None and now - self._assigned_at > limit:
            wall = time.time() if wall is None else wall
            ages = [wall - ms / 1000 for ms in map(self._fetched_ms, assigned) if ms is not None]
            if min(ages, default=limit + 1) > limit:
                return "not_fetching"
        return None

    def _fetched_ms(self, tp: TopicPartition) -> int | None:
        """When the last fetch answer for `tp` came (epoch ms; None: none yet)."""
        assert self._consumer is not None
        try:
            ms = self._consumer.last_poll_timestamp(tp)
        except (AssertionError, KeyError):  # moved away meanwhile
            return None
        return None if ms is None else int(ms)

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                self.last_turn = time.monotonic()
                try:
                    batches = await consumer.getmany(timeout_ms=500, max_records=self.batch)
                except KafkaError as exc:
                    log.warning("poll_failed", error=repr(exc))
                    await asyncio.sleep(1.0)
                    continue
                records = [r for part in batches.values() for r in part]
                self._pace(consumer, len(records))
                if not records:
                    await self.commit_handled()  # quiet: nothing to wait for
                    continue
                async with self.busy:
                    self._processing = True
                    try:
                        settled = await self._take(consumer, batches, records)
                    finally:
                        self._processing = False
                    if time.monotonic() - self._committed_at >= self.commit_every_s:
                        await self.commit_handled()
                    self._record_lag(batches)
                if not settled:
                    await asyncio.sleep(1.0)  # what failed on the platform is taken again later
        finally:
            if stop.is_set():
                with contextlib.suppress(Exception):  # stopping anyway; redelivery is harmless
                    await asyncio.wait_for(self.commit_handled(), timeout=10)
            with contextlib.suppress(Exception):  # a wedged consumer may not stop cleanly
                await asyncio.wait_for(consumer.stop(), timeout=10)
            log.info("consumer_stopped", group=self.group)

    def _pace(self, consumer: AIOKafkaConsumer, taken: int, now: float | None = None) -> None:
        """How the next fetches wait, from the records taken over the last second. Busy (at
        least one record per `fetch_wait_ms`): for `fetch_min_bytes` or `fetch_wait_ms`, so
        batches fill. Quiet (fewer): for the first record, or `quiet_wait_ms` (a long poll),
        since a short wait would gather nothing but cost a fetch every `fetch_wait_ms`: a quiet
        worker then costs Kafka and itself a fetch per record (two a second when idle) instead
        of a hundred a second, and each record is answered at once instead of after
        `fetch_wait_ms`. aiokafka reads both values each time it builds a fetch request;
        without them (another version) nothing changes."""
        now = time.monotonic() if now is None else now
        self._rate_count += taken
        if now - self._rate_since >= 1.0:
            self._busy = self._rate_count * self.fetch_wait_ms >= 1000 * (now - self._rate_since)
            self._rate_since, self._rate_count = now, 0
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
            return
        if not self._busy and self.quiet_wait_ms:
            fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms = 1, self.quiet_wait_ms
        else:
            fetcher._fetch_min_bytes = self.fetch_min_bytes
            fetcher._fetch_max_wait_ms = self.fetch_wait_ms

    async def _take(
        self,
        consumer: AIOKafkaConsumer,
        batches: dict[TopicPartition, list[Record]],
        records: list[Record],
    ) -> bool:
        """The batch in one go; when that fails on the platform (a database, or another
        service's API, that did not answer), its records one at a time, each partition in its
        order, so that one slow call does not send hundreds of events back again and again.
        A partition stops at its first record that fails again, and is taken again from there
        later. True when every record was settled."""
        try:
            await self.process(records)
        except INFRA_ERRORS as exc:
            log.warning("batch_deferred", error=repr(exc), size=len(records))
        else:
            self._handled(records)
            return True
        if len(records) == 1:
            for tp, part in batches.items():
                consumer.seek(tp, part[0].offset)
            return False
        settled = True
        for tp, part in batches.items():
            for record in part:
                try:
                    await self.process([record])
                except INFRA_ERRORS:
                    consumer.seek(tp, record.offset)
                    settled = False
                    break
                self._handled([record])
        return settled

    async def process(self, records: list[Record]) -> None:
        """Give every record its effect exactly once (or a dead letter); raises only on infra."""
        items = [self._decode(r) for r in records]
        bad = [i for i in items if i.error is not None]
        good = [i for i in items if i.error is None]
        try:
            await self._fast_path(good)
        except INFRA_ERRORS:
            raise
        except Exception as exc:  # a handler failed: replay one by one
            log.info("batch_replayed_singly", error=repr(exc), size=len(good))
            for item in good:
                await self._slow_path(item)
        for item in bad:
            assert item.error is not None
            await self._dead_letter(item, item.error.reason, item.error.detail, attempts=1)

    def _decode(self, record: Record) -> Item:
        try:
            envelope = decode(record.headers, record.value, self.registry, record.topic)
            return Item(record, envelope=envelope)
        except BadEvent as exc:
            return Item(record, error=exc)

    async def _fast_path(self, items: list[Item]) -> None:
        if not items:
            return
        async with self.pool.acquire() as conn, conn.transaction():
            fresh = await self._claim(conn, items, "handled")
            todo: list[Item] = []
            for item in items:
                env = item.envelope
                assert env is not None
                if item.event_key not in fresh:
                    metrics.EVENTS_CONSUMED.labels(self.group, env.type, "duplicate").inc()
                    continue
                fresh.discard(item.event_key)  # a repeat inside the same batch runs once
                todo.append(item)
            for run in self._runs(todo):
                if len(run) > 1:
                    await self._run_batch(conn, run)
                else:
                    await self._run_handler(conn, run[0])
        self.settled += len(items)

    def _runs(self, items: list[Item]) -> list[list[Envelope]]:
        """Events whose types share a batch handler go together, each key's in its order (see
        houqin_shared.runs); others alone. A handler given to several types takes them mixed."""
        handled = [(i.envelope, i.record.key) for i in items if i.envelope is not None]
        envs = [env for env, _ in handled]
        handlers = self.batch_handlers
        kinds = [handlers.get(type(e.data), type(e.data)) for e in envs]
        return group_runs(envs, kinds, [key for _, key in handled], set(handlers.values()))

    async def _run_batch(self, conn: Conn, envs: list[Envelope]) -> None:
        bind_correlation_id(envs[0].correlation_id or envs[0].id)
        await self.batch_handlers[type(envs[0].data)](conn, envs)
        for env in envs:
            metrics.EVENTS_CONSUMED.labels(self.group, env.type, "handled").inc()

    async def _slow_path(self, item: Item) -> None:
        env = item.envelope
        assert env is not None
        for attempt in range(1, self.max_attempts + 1):
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    if await self._claim(conn, [item], "handled"):
                        await self._run_handler(conn, env)
                    else:
                        metrics.EVENTS_CONSUMED.labels(self.group, env.type, "duplicate").inc()
                self.settled += 1
                return
            except INFRA_ERRORS:
                raise
            except BadEvent as exc:  # the handler says this event can never succeed
                await self._dead_letter(item, exc.reason, exc.detail, attempts=attempt)
                return
            except Exception as exc:
                log.warning(
                    "handler_failed",
                    event_id=env.id,
                    type=env.type,
                    attempt=attempt,
                    error=repr(exc),
                )
                if attempt == self.max_attempts:
                    detail = "".join(traceback.format_exception_only(exc)).strip()
                    await self._dead_letter(item, "handler_failed", detail, attempts=attempt)
                    return
                metrics.EVENTS_RETRIED.labels(self.group, env.type).inc()
                await asyncio.sleep(backoff_s(attempt, self.backoff_s))

    async def _run_handler(self, conn: Conn, env: Envelope) -> None:
        handler = self.handlers.get(type(env.data))
        bind_correlation_id(env.correlation_id or env.id)
        if handler is None and type(env.data) in self.batch_handlers:
            await self._run_batch(conn, [env])
            return
        if handler is None:
            metrics.EVENTS_CONSUMED.labels(self.group, env.type, "ignored").inc()
            return
        await handler(conn, env)
        metrics.EVENTS_CONSUMED.labels(self.group, env.type, "handled").inc()

    async def _claim(self, conn: Conn, items: list[Item], outcome: str) -> set[tuple[str, str]]:
        """Insert inbox rows; return the keys that were not there before (to be handled now)."""
        keys = [i.event_key for i in items]
        rows = await conn.fetch(
            _INBOX,
            self.group,
            [source for source, _ in keys],
            [event_id for _, event_id in keys],
            [i.envelope.type if i.envelope else None for i in items],
            [i.record.topic for i in items],
            [i.record.partition for i in items],
            [i.record.offset for i in items],
            [outcome] * len(items),
        )
        return {(r["source"], r["event_id"]) for r in rows}

    async def _dead_letter(self, item: Item, reason: str, detail: str, attempts: int) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await self._claim(conn, [item], "dead_lettered"):
                return  # already handled or dead-lettered on an earlier delivery
            r = item.record
            headers = list(r.headers or []) + [
                (k, v.encode())
                for k, v in {
                    "dlq_reason": reason,
                    "dlq_detail": detail[:4000],
                    "dlq_consumer": self.group,
                    "dlq_source_topic": r.topic,
                    "dlq_source_partition": str(r.partition),
                    "dlq_source_offset": str(r.offset),
                    "dlq_attempts": str(attempts),
                    "dlq_time": datetime.now(UTC).isoformat(),
                }.items()
            ]
            await self.producer.send_and_wait(
                dead_letter_topic(self.group), value=r.value, key=r.key, headers=headers
            )
        metrics.EVENTS_DEAD_LETTERED.labels(self.group, reason).inc()
        log.warning(
            "dead_lettered", reason=reason, detail=detail[:300], topic=r.topic, offset=r.offset
        )

    def _handled(self, records: list[Record]) -> None:
        """The records' effects are committed in PostgreSQL: their offsets may be committed."""
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            self._pending[tp] = max(self._pending.get(tp, 0), r.offset + 1)

    async def commit_handled(self) -> None:
        """Commit the handled offsets of the partitions still assigned (a batch of offsets at
        most every `commit_every_s`: a commit is a write to Kafka, and the inbox makes the
        redelivery of what was handled but not yet committed harmless)."""
        assert self._consumer is not None
        self._committed_at = time.monotonic()
        if not self._pending:
            return
        assigned = self._consumer.assignment()
        offsets = {tp: o for tp, o in self._pending.items() if tp in assigned}
        self._pending = {}
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # The group moved on; whoever gets these partitions redelivers, and the inbox skips.
            log.warning("commit_failed", error=repr(exc))

    def _record_lag(self, batches: dict[TopicPartition, list[Record]]) -> None:
        assert self._consumer is not None
        for tp, records in batches.items():
            high = self._consumer.highwater(tp)
            if high is not None and records:
                metrics.CONSUMER_LAG.labels(self.group, tp.topic, tp.partition).set(
                    max(0, high - records[-1].offset - 1)
                )

    def stalled(self, limit_s: float) -> bool:
        return time.monotonic() - self.last_turn > limit_s


class _CommitBeforeRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Waits for the batch in hand and commits what was handled before partitions move away."""

    def __init__(self, runner: ConsumerRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.runner.busy:
            await self.runner.commit_handled()
            log.info("partitions_revoked", partitions=[str(tp) for tp in revoked])

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner._assigned_at = time.monotonic()
        log.info("partitions_assigned", partitions=[str(tp) for tp in assigned])
