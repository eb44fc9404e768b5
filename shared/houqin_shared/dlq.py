"""Dead-letter tools for operators: list, show and requeue what a consumer set aside.

A consumer that cannot handle an event (houqin_shared.consumer) writes it to `<group>.dlq` with
the reason, the detail and where it came from (`dlq_*` headers), and records it in its inbox as
`dead_lettered`. Requeueing an event, once its cause is fixed, does in one transaction of the
consumer's schema: remove that `dead_lettered` inbox row, publish the original record (key,
value, headers without `dlq_*`) to its source topic, commit. Every other consumer of that topic
already handled the event, and so does this one after a first requeue: their inboxes drop the
copy, so a requeue repeated (or run twice at once) has its effect once. An event this consumer
has handled since is not published again. One audit line (JSON) per event requeued or skipped.

  python -m houqin_shared.dlq list    [--topic T] [--reason R] [--since ISO] [--until ISO]
  python -m houqin_shared.dlq show    [filters] [--event-id ID | --at PARTITION:OFFSET]
  python -m houqin_shared.dlq requeue [filters] [--event-id ID | --at P:O] [--dry-run]
Kafka and PostgreSQL as the environment names them (HOUQIN_KAFKA_*, HOUQIN_PG_ADMIN_DSN: what
`deploy/local/infra.sh env` prints); `./houqin dlq ... --instance X` sets them.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from houqin_shared import kafka
from houqin_shared.kafka_acl import SERVICE_TOPICS, service_group

MAX_LETTERS = 10_000  # read at most this many per topic
READ_TIMEOUT_S = 30.0
SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")
DLQ_PREFIX = "dlq_"


@dataclass(frozen=True)
class Letter:
    """One dead-lettered record and what its `dlq_*` headers say."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = field(repr=False)

    def header(self, name: str) -> str:
        for k, v in self.headers:
            if k == name:
                return v.decode("utf-8", "replace")
        return ""

    @property
    def at(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"

    @property
    def reason(self) -> str:
        return self.header("dlq_reason")

    @property
    def consumer(self) -> str:
        return self.header("dlq_consumer")

    @property
    def source_topic(self) -> str:
        return self.header("dlq_source_topic")

    @property
    def time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.header("dlq_time"))
        except ValueError:
            return None

    @property
    def inbox_key(self) -> tuple[str, str]:
        """The consumer's inbox key (houqin_shared.consumer.Item.event_key)."""
        event_id = self.header("ce_id")
        if event_id:
            return self.header("ce_source"), event_id
        where = f"{self.source_topic}/{self.header('dlq_source_partition')}"
        return "", f"{where}/{self.header('dlq_source_offset')}"

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_PREFIX)]

    def summary(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "time": self.header("dlq_time"),
            "reason": self.reason,
            "consumer": self.consumer,
            "event_type": self.header("ce_type"),
            "event_id": self.header("ce_id"),
            "source_topic": self.source_topic,
            "attempts": self.header("dlq_attempts"),
            "detail": self.header("dlq_detail")[:200],
        }

    def full(self) -> dict[str, Any]:
        try:
            payload: Any = json.loads(self.value or b"null")
        except ValueError:
            payload = (self.value or b"").decode("utf-8", "replace")
        return {
            **self.summary(),
            "detail": self.header("dlq_detail"),
            "key": (self.key or b"").decode("utf-8", "replace"),
            "headers": {k: v.decode("utf-8", "replace") for k, v in self.headers},
            "payload": payload,
        }


@dataclass(frozen=True)
class Filter:
    reason: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    event_id: str | None = None
    at: tuple[int, int] | None = None  # partition, offset
    source_topic: str | None = None  # the topic it was dead-lettered from

    def matches(self, letter: Letter) -> bool:
        when = letter.time
        return (
            (self.reason is None or letter.reason == self.reason)
            and (self.source_topic is None or letter.source_topic == self.source_topic)
            and (self.since is None or (when is not None and when >= self.since))
            and (self.until is None or (when is not None and when < self.until))
            and (self.event_id is None or letter.header("ce_id") == self.event_id)
            and (self.at is None or (letter.partition, letter.offset) == self.at)
        )


def default_topics() -> list[str]:
    """Every service's dead-letter topic (a service that consumes has one)."""
    return [
        kafka.dead_letter_topic(service_group(s)) for s, t in SERVICE_TOPICS.items() if t.consumes
    ]


def schema_of(consumer: str) -> str:
    """The schema whose inbox a consumer group writes: houqin.<service>[.<more>] -> <service>."""
    parts = consumer.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "houqin" else consumer


async def read_letters(
    bootstrap: str,
    topic: str,
    timeout_s: float = READ_TIMEOUT_S,
    auth: kafka.KafkaAuth | None = None,
) -> list[Letter]:
    """Every record of `topic` up to its current end (no consumer group, nothing committed),
    signed in as `auth` (None: the environment's user)."""
    consumer = AIOKafkaConsumer(
        **kafka.security(auth),
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        request_timeout_ms=15000,
    )
    await asyncio.wait_for(consumer.start(), timeout_s)
    letters: list[Letter] = []
    try:
        # topics() leaves the client's cluster cache as it is: ask for the metadata itself
        meta = await asyncio.wait_for(consumer._client.fetch_all_metadata(), timeout_s)
        tps = [TopicPartition(topic, p) for p in sorted(meta.partitions_for_topic(topic) or ())]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        left = {tp for tp in tps if ends[tp] > await consumer.position(tp)}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while left and len(letters) < MAX_LETTERS:
            if loop.time() > deadline:
                raise TimeoutError(f"reading {topic} took longer than {timeout_s} s")
            batch = await consumer.getmany(timeout_ms=500, max_records=1000)
            for tp, records in batch.items():
                for r in records:
                    if r.offset < ends[tp]:
                        letters.append(
                            Letter(r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers))
                        )
                if await consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
    finally:
        await consumer.stop()
    return sorted(letters, key=lambda x: (x.time or datetime.min.replace(tzinfo=UTC), x.at))


_OUTCOME = (
    "SELECT outcome FROM {schema}.inbox WHERE consumer = $1 AND source = $2 AND event_id = $3"
)
_FORGET = (
    "DELETE FROM {schema}.inbox WHERE consumer = $1 AND source = $2 AND event_id = $3"
    " AND outcome = 'dead_lettered'"
)


async def requeue_one(
    conn: asyncpg.Connection, producer: AIOKafkaProducer, letter: Letter, schema: str, dry_run: bool
) -> str:
    """requeued | would-requeue | already-handled | no-source-topic (never one that was
    dead-lettered again and requeued in the same run: see `requeue`)."""
    if not SCHEMA.fullmatch(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    if not letter.source_topic:
        return "no-source-topic"
    source, event_id = letter.inbox_key
    async with conn.transaction():
        outcome = await conn.fetchval(
            _OUTCOME.format(schema=schema), letter.consumer, source, event_id
        )
        if outcome is not None and outcome != "dead_lettered":
            return "already-handled"
        if dry_run:
            return "would-requeue"
        await conn.execute(_FORGET.format(schema=schema), letter.consumer, source, event_id)
        await producer.send_and_wait(
            letter.source_topic,
            value=letter.value,
            key=letter.key,
            headers=letter.original_headers(),
        )
    return "requeued"


def audit_line(letter: Letter, outcome: str, dry_run: bool) -> str:
    return json.dumps(
        {
            "ts": datetime.now(UTC).isoformat(),
            "event": "dlq_requeue",
            "operator": _operator(),
            "dry_run": dry_run,
            "outcome": outcome,
            "dlq": letter.at,
            "to_topic": letter.source_topic,
            "consumer": letter.consumer,
            "reason": letter.reason,
            "event_type": letter.header("ce_type"),
            "event_id": letter.inbox_key[1],
        },
        ensure_ascii=False,
    )


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


async def requeue(
    letters: Sequence[Letter],
    admin_dsn: str,
    bootstrap: str,
    dry_run: bool = False,
    schema: str | None = None,
    audit: Path | None = None,
) -> list[tuple[Letter, str]]:
    """Requeue each letter (see the module's text); one audit line each, printed and appended
    to `audit`."""
    done: list[tuple[Letter, str]] = []
    if not letters:
        return done
    producer = kafka.producer(bootstrap, "houqin-dlq-tool")
    await asyncio.wait_for(producer.start(), READ_TIMEOUT_S)
    conn = await asyncpg.connect(admin_dsn, timeout=10, command_timeout=30)
    seen: set[tuple[str, str, str]] = set()
    try:
        for letter in letters:
            key = (letter.consumer, *letter.inbox_key)
            if key in seen:  # dead-lettered twice: one copy is enough
                outcome = "same-event-again"
            else:
                seen.add(key)
                outcome = await requeue_one(
                    conn, producer, letter, schema or schema_of(letter.consumer), dry_run
                )
            line = audit_line(letter, outcome, dry_run)
            print(line, flush=True)
            if audit is not None:
                audit.parent.mkdir(parents=True, exist_ok=True)
                with audit.open("a", encoding="utf-8") as f:
                    f.write(line + "\n")
            done.append((letter, outcome))
    finally:
        await conn.close()
        await producer.stop()
    return done


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _at(text: str) -> tuple[int, int]:
    partition, _, offset = text.partition(":")
    return int(partition), int(offset)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="houqin dlq", description="Dead-lettered events.")
    p.add_argument("command", choices=["list", "show", "requeue"])
    p.add_argument("--topic", action="append", help="a dead-letter topic (default: every one)")
    p.add_argument("--reason", help="only this dlq_reason (invalid, handler_failed, ...)")
    p.add_argument("--since", type=_instant, help="dead-lettered at or after (ISO 8601)")
    p.add_argument("--until", type=_instant, help="dead-lettered before (ISO 8601)")
    p.add_argument("--event-id", help="only the event with this ce_id")
    p.add_argument("--at", type=_at, help="only the record at PARTITION:OFFSET of the topic")
    p.add_argument("--dry-run", action="store_true", help="requeue: say what would happen")
    p.add_argument("--schema", help="the consumer's schema (default: from its group name)")
    p.add_argument("--audit-log", type=Path, help="requeue: also append the audit lines here")
    p.add_argument("--json", action="store_true", help="list: one JSON object per line")
    return p


async def run(args: argparse.Namespace) -> int:
    bootstrap = os.environ.get("HOUQIN_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    chosen = Filter(args.reason, args.since, args.until, args.event_id, args.at)
    letters = [
        letter
        for topic in args.topic or default_topics()
        for letter in await read_letters(bootstrap, topic)
        if chosen.matches(letter)
    ]
    if args.command == "list":
        for letter in letters:
            s = letter.summary()
            if args.json:
                print(json.dumps(s, ensure_ascii=False))
            else:
                print(
                    f"{s['at']}  {s['time'][:19]}  {s['reason']:<18} {s['event_type']}  {s['event_id']}"
                )
        print(f"{len(letters)} dead-lettered event(s)", file=sys.stderr)
    elif args.command == "show":
        for letter in letters:
            print(json.dumps(letter.full(), ensure_ascii=False, indent=2))
    else:
        dsn = os.environ.get("HOUQIN_PG_ADMIN_DSN")
        if not dsn:
            print("HOUQIN_PG_ADMIN_DSN is not set (./houqin dlq sets it)", file=sys.stderr)
            return 2
        done = await requeue(letters, dsn, bootstrap, args.dry_run, args.schema, args.audit_log)
        counts: dict[str, int] = {}
        for _, outcome in done:
            counts[outcome] = counts.get(outcome, 0) + 1
        print(f"{len(done)} event(s): {counts}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(parser().parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
