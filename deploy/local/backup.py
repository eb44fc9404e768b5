"""Back up an instance's service schemas and restore them into a fresh instance.

    ./houqin backup --instance demo --out DIR      (also while the platform runs)
    ./houqin restore --instance fault --from DIR   (a fresh instance; then ./houqin run)

The backup is consistent across services: the four schemas are dumped (pg_dump, custom format,
one file per schema) from one exported snapshot, taken while every outbox is briefly locked
against writes. Events are the other half of the state: those already published but perhaps not
yet handled by every consumer live in Kafka only, so the backup also keeps each topic's records
from the lowest offset any consumer group had committed before the snapshot (their handling is
in the dump) up to the snapshot: records sent before it (their outbox rows were committed before
it). Records sent after it are left out: the restored outboxes still hold them and the restored
relays publish them again. The restore re-produces the kept records into the new broker, in
order, with their keys, headers and times; the consumers read them from the start and their
inboxes drop what the dump shows was handled. manifest.json names the versions (PostgreSQL,
each schema's applied migrations, the commit) and the positions (outbox, inbox, offsets).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from launcher import ROOT, SERVICES, Instance, instance, kafka_users

from houqin_shared.bootstrap import bootstrap
from houqin_shared.contracts.feedback import FEEDBACK_TOPIC
from houqin_shared.contracts.inbound import INBOUND_TOPIC
from houqin_shared.contracts.scoring import SCORING_TOPIC
from houqin_shared.contracts.tickets import TICKETS_TOPIC
from houqin_shared.kafka import ensure_topics, producer, security
from houqin_shared.kafka_acl import SERVICE_TOPICS, service_group

TOPICS = (FEEDBACK_TOPIC, TICKETS_TOPIC, SCORING_TOPIC, INBOUND_TOPIC)
EXTERNAL = (INBOUND_TOPIC,)  # written by campus systems, not by an outbox: kept whole
LOCK_TIMEOUT = "10s"


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore of the newest PostgreSQL installed (the server's or newer)."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")),
        key=lambda p: int(p.parts[-3]),
    )
    found = str(versions[-1]) if versions else shutil.which(name)
    if not found:
        raise SystemExit(f"error: {name} not found (apt-get install postgresql-client)")
    return found


async def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, command, check=True, cwd=ROOT, capture_output=True, text=True
    )


async def committed_offsets(inst: Instance) -> dict[str, dict[int, int]]:
    """topic -> partition -> the lowest offset any consuming group has committed (0: none)."""
    admin = AIOKafkaAdminClient(**security(), bootstrap_servers=inst.kafka)
    await admin.start()
    try:
        lowest: dict[str, dict[int, int]] = {}
        for service, topics in SERVICE_TOPICS.items():
            if not topics.consumes:
                continue
            offsets = await admin.list_consumer_group_offsets(service_group(service))
            for topic in topics.consumes:
                parts = {
                    tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic
                }
                seen = lowest.setdefault(topic, {})
                for partition in await partitions(admin, topic):
                    mine = max(parts.get(partition, 0), 0)
                    seen[partition] = min(seen.get(partition, mine), mine)
        return lowest
    finally:
        await admin.close()


async def partitions(admin: AIOKafkaAdminClient, topic: str) -> list[int]:
    (described,) = await admin.describe_topics([topic])
    return sorted(p["partition"] for p in described["partitions"])


async def snapshot_dump(inst: Instance, out: Path) -> dict[str, Any]:
    """Lock the outboxes, export a snapshot, let go; dump every schema from that snapshot."""
    locker = await asyncpg.connect(inst.admin_dsn)
    reader = await asyncpg.connect(inst.admin_dsn)
    try:
        tx = reader.transaction(isolation="repeatable_read", readonly=True)
        async with locker.transaction():
            await locker.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            outboxes = ", ".join(f"{s}.outbox" for s in SERVICES)
            await locker.execute(f"LOCK TABLE {outboxes} IN SHARE MODE")
            await tx.start()
            snapshot = await reader.fetchval("SELECT pg_export_snapshot()")
            at_ms = int(time.time() * 1000)
        schemas = {}
        for service in SERVICES:
            path = out / f"{service}.dump"
            dump = [pg_tool("pg_dump"), "--format=custom", f"--schema={service}"]
            dump += [f"--snapshot={snapshot}", f"--file={path}", inst.admin_dsn]
            await run(dump)
            schemas[service] = await positions(reader, service) | {"file": path.name}
        version = await reader.fetchval("SHOW server_version")
        await tx.commit()
        return {"snapshot_ms": at_ms, "postgresql": version, "schemas": schemas}
    finally:
        await reader.close()
        await locker.close()


async def positions(conn: asyncpg.Connection, schema: str) -> dict[str, Any]:
    """What the dump of `schema` holds: migrations, outbox and inbox positions."""
    seq = await conn.fetchval(
        "SELECT last_value FROM pg_sequences WHERE schemaname = $1 AND sequencename = 'outbox_id_seq'",
        schema,
    )
    migrations = await conn.fetch(
        f"SELECT migration_id FROM {schema}._yoyo_migration ORDER BY applied_at_utc"
    )
    return {
        "migrations": [r["migration_id"] for r in migrations],
        "outbox_last_id": seq,
        "outbox_rows": await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox"),
        "inbox_rows": await conn.fetchval(f"SELECT count(*) FROM {schema}.inbox"),
    }


def encode(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def decode(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


async def dump_topics(
    inst: Instance, starts: dict[str, dict[int, int]], before_ms: int, out: Path
) -> dict[str, int]:
    """Each topic's records from `starts` to its end, sent before `before_ms`, as JSON lines."""
    consumer = AIOKafkaConsumer(
        **security(), bootstrap_servers=inst.kafka, enable_auto_commit=False
    )
    await consumer.start()
    kept: dict[str, int] = {}
    try:
        (out / "kafka").mkdir(exist_ok=True)
        for topic in TOPICS:
            parts = [TopicPartition(topic, p) for p in sorted(starts.get(topic, {}))]
            ends = await consumer.end_offsets(parts) if parts else {}
            with (out / "kafka" / f"{topic}.jsonl").open("w") as file:
                kept[topic] = await copy_records(
                    consumer, parts, ends, starts.get(topic, {}), before_ms, file
                )
    finally:
        await consumer.stop()
    return kept


async def copy_records(
    consumer: AIOKafkaConsumer,
    parts: list[TopicPartition],
    ends: dict[TopicPartition, int],
    starts: dict[int, int],
    before_ms: int,
    file: Any,
) -> int:
    kept = 0
    for tp in parts:
        consumer.assign([tp])
        start = starts.get(tp.partition, 0)
        beginning = (await consumer.beginning_offsets([tp]))[tp]
        consumer.seek(tp, max(start, beginning))
        while await consumer.position(tp) < ends[tp]:
            batch = await consumer.getmany(tp, timeout_ms=2000, max_records=1000)
            for record in batch.get(tp, []):
                if record.offset >= ends[tp]:
                    break
                if tp.topic not in EXTERNAL and record.timestamp >= before_ms:
                    continue  # its outbox row is in the dump: the relay sends it again
                line = {
                    "partition": tp.partition,
                    "offset": record.offset,
                    "timestamp": record.timestamp,
                    "key": encode(record.key),
                    "value": encode(record.value),
                    "headers": [[k, encode(v)] for k, v in record.headers],
                }
                file.write(json.dumps(line) + "\n")
                kept += 1
    return kept


async def backup(inst: Instance, out: Path) -> dict[str, Any]:
    starts = await committed_offsets(inst)  # before the snapshot: their batches are in it
    manifest = await snapshot_dump(inst, out)
    manifest["kafka"] = {
        "from_offsets": starts,
        "records": await dump_topics(inst, starts, manifest["snapshot_ms"], out),
    }
    git = await run(["git", "rev-parse", "HEAD"])
    manifest |= {"instance": inst.name, "commit": git.stdout.strip(), "format": 1}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


async def refuse_unless_fresh(inst: Instance) -> None:
    conn = await asyncpg.connect(inst.admin_dsn)
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = ANY($1::text[])", list(SERVICES)
        )
    finally:
        await conn.close()
    if tables:
        raise SystemExit(
            f"error: instance {inst.name} already holds {tables} tables in the service schemas;"
            " restore only into a fresh one (./houqin stop --instance X, then remove .data/X)"
        )


async def restore(inst: Instance, source: Path) -> dict[str, Any]:
    manifest = json.loads((source / "manifest.json").read_text())
    await refuse_unless_fresh(inst)
    await bootstrap(inst.admin_dsn)  # the services' roles, which own the restored schemas
    await asyncio.to_thread(kafka_users, inst)  # it runs its own event loop
    for entry in manifest["schemas"].values():
        restore_cmd = [pg_tool("pg_restore"), "--clean", "--if-exists", "--exit-on-error"]
        restore_cmd += [f"--dbname={inst.admin_dsn}", str(source / entry["file"])]
        await run(restore_cmd)
    replayed = await replay(inst, source, manifest)
    return {"restored": list(manifest["schemas"]), "replayed": replayed}


async def replay(inst: Instance, source: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """The kept records into the new broker's topics, partition for partition, in order."""
    counts: dict[str, int] = {}
    send = producer(inst.kafka, "houqin-restore")
    await send.start()
    try:
        for topic in TOPICS:
            width = max(
                [int(p) + 1 for p in manifest["kafka"]["from_offsets"].get(topic, {})] or [4]
            )
            await ensure_topics(inst.kafka, [topic], partitions=width)
            counts[topic] = 0
            path = source / "kafka" / f"{topic}.jsonl"
            for line in path.read_text().splitlines() if path.is_file() else []:
                rec = json.loads(line)
                headers = [(k, decode(v) or b"") for k, v in rec["headers"]]
                await send.send(
                    topic,
                    decode(rec["value"]),
                    key=decode(rec["key"]),
                    partition=rec["partition"],
                    timestamp_ms=rec["timestamp"],
                    headers=headers,
                )
                counts[topic] += 1
        await send.flush()
    finally:
        await send.stop()
    return counts


def with_admin_env(name: str) -> Instance:
    """Start (or reuse) the instance's infrastructure; its Kafka admin user for this process."""
    inst = instance(name)
    env = subprocess.run(
        [str(ROOT / "deploy/local/infra.sh"), "env", "--instance", name],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in env.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        os.environ[key] = value.strip("'\"")
    return inst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="dump every service schema and the unhandled events")
    b.add_argument("--instance", default="demo")
    b.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("restore", help="into a fresh instance; then ./houqin run --instance X")
    r.add_argument("--instance", required=True)
    r.add_argument("--from", dest="source", type=Path, required=True)
    args = parser.parse_args(argv)
    inst = with_admin_env(args.instance)
    if args.command == "backup":
        args.out.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(backup(inst, args.out))
        print(json.dumps({"backup": str(args.out), **result["kafka"]["records"]}))
    else:
        result = asyncio.run(restore(inst, args.source))
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
