"""The dead-letter tool (houqin_shared.dlq) on the real Kafka and PostgreSQL: it lists and shows
what a consumer dead-lettered, filtered by reason and time; a dry run changes nothing; a requeue
after the cause is fixed has its effect once, writes one audit line per event, and requeueing
again publishes nothing more."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import ROOT, Infra
from kafka_helpers import read_all
from test_consumer import Setup, effects, run_until, runner_for, send, setup  # noqa: F401

from houqin_shared import dlq, kafka, metrics

pytestmark = pytest.mark.infra


async def test_list_show_and_requeue_once(
    infra: Infra,
    setup: Setup,  # noqa: F811
    scratch_schema: str,
    tmp_path: Path,
) -> None:
    s = setup
    dlq_topic = kafka.dead_letter_topic(s.group)
    flaky = await send(s, s.ping(aggregate="a", seq=1, fail_times=5))  # 4 tries, then 2 more
    await send(s, s.ping(aggregate="a", seq=2, fail_times=-1))  # refused: unknown_category
    await send(s, s.ping(aggregate="a", seq=3))
    runner = runner_for(s, infra, max_attempts=4)

    async def settled() -> bool:
        return (await effects(s.pool)).get(("a", 3)) == 1

    await run_until(runner, settled)
    letters = await dlq.read_letters(infra.kafka, dlq_topic)
    assert sorted(x.reason for x in letters) == ["handler_failed", "unknown_category"]
    failed = dlq.Filter(reason="handler_failed")
    (letter,) = [x for x in letters if failed.matches(x)]
    assert letter.header("ce_id") == flaky
    assert letter.consumer == s.group and letter.source_topic == s.topic
    assert "ValueError" in letter.full()["detail"]
    assert letter.full()["payload"]["seq"] == 1
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert [x for x in letters if dlq.Filter(since=later).matches(x)] == []
    assert len([x for x in letters if dlq.Filter(until=later).matches(x)]) == 2

    # the CLI lists the same, as JSON lines
    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "houqin_shared.dlq", "list", "--topic", dlq_topic,
         "--reason", "unknown_category", "--json"],
        capture_output=True, text=True, timeout=120, check=True, cwd=ROOT,
        env={**os.environ, "HOUQIN_KAFKA_BOOTSTRAP": infra.kafka},
    )  # fmt: skip
    listed = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["reason"] for x in listed] == ["unknown_category"]

    audit = tmp_path / "dlq-audit.log"
    dry = await dlq.requeue([letter], infra.admin_dsn, infra.kafka, True, scratch_schema, audit)
    assert [o for _, o in dry] == ["would-requeue"]
    assert len(await read_all(infra.kafka, s.topic, expect=3, timeout_s=5)) == 3  # nothing sent
    async with s.pool.acquire() as conn:
        outcome = await conn.fetchval("SELECT outcome FROM inbox WHERE event_id = $1", flaky)
    assert outcome == "dead_lettered"

    done = await dlq.requeue([letter], infra.admin_dsn, infra.kafka, False, scratch_schema, audit)
    assert [o for _, o in done] == ["requeued"]

    async def fixed() -> bool:
        return (await effects(s.pool)).get(("a", 1)) == 1

    await run_until(runner_for(s, infra, max_attempts=4), fixed)
    assert (await effects(s.pool))[("a", 1)] == 1

    again = await dlq.requeue(
        [letter, letter], infra.admin_dsn, infra.kafka, False, scratch_schema, audit
    )
    assert [o for _, o in again] == ["already-handled", "same-event-again"]
    assert len(await read_all(infra.kafka, s.topic, expect=4, timeout_s=5)) == 4  # one requeue
    # a copy that still gets through (two operators requeueing at once) is dropped by the inbox
    dropped = metrics.EVENTS_CONSUMED.labels(s.group, s.ping.event_type, "duplicate")
    before = dropped._value.get()
    await s.producer.send_and_wait(
        s.topic, value=letter.value, key=letter.key, headers=letter.original_headers()
    )

    async def was_dropped() -> bool:
        return bool(dropped._value.get() > before)

    await run_until(runner_for(s, infra, max_attempts=4), was_dropped)
    assert await was_dropped()
    assert (await effects(s.pool))[("a", 1)] == 1

    lines = [json.loads(x) for x in audit.read_text().splitlines()]
    assert [(x["outcome"], x["dry_run"]) for x in lines] == [
        ("would-requeue", True), ("requeued", False), ("already-handled", False),
        ("same-event-again", False),
    ]  # fmt: skip
    assert all(x["event_id"] == flaky and x["dlq"] == letter.at for x in lines)
