"""Fuzzed events on the inbound topic (houqin.inbound.reports) that other campus systems
publish to and feedback consumes: bad JSON, wrong types, missing fields, huge payloads,
non-CloudEvents headers, unknown types. Each bad one ends on feedback's dead-letter topic
(houqin.feedback.dlq) with a reason header, and the valid events published between them are
all still turned into reports (nothing lost, nothing doubled)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import launcher
import psycopg
import pytest
from aiokafka import AIOKafkaProducer
from helpers import run_sync
from kafka_helpers import read_all

from houqin_shared.contracts import INBOUND_TOPIC, ReportSubmitted
from houqin_shared.contracts.base import Envelope
from houqin_shared.kafka import dead_letter_topic, security

pytestmark = pytest.mark.infra
DLQ = dead_letter_topic("houqin.feedback")
Headers = list[tuple[str, bytes]]


def valid(source: str, n: int) -> ReportSubmitted:
    return ReportSubmitted(
        source_system=source,
        external_id=f"ok-{n}",
        category="plumbing",
        location={"campus": "north", "building": "north-dorm-7", "room": "312"},  # type: ignore[arg-type]
        description=f"leak sensor {n} is wet",
        occurred_at=datetime.now(UTC),
    )


def ce_headers(ce_type: str = ReportSubmitted.event_type, **over: str | None) -> Headers:
    h: dict[str, str | None] = {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": "/campus/systems/fuzz",
        "ce_type": ce_type,
        "ce_time": datetime.now(UTC).isoformat(),
        **over,
    }
    return [(k, v.encode()) for k, v in h.items() if v is not None]


def payload(source: str, n: int, **over: Any) -> bytes:
    body = json.loads(valid(source, n).model_dump_json())
    body.update(over)
    return json.dumps({k: v for k, v in body.items() if v is not ...}, ensure_ascii=False).encode()


def bad_events(source: str) -> dict[str, tuple[Headers, bytes | None, str]]:
    """name -> (headers, value, expected dlq_reason)."""
    ok = payload(source, 0)
    return {
        "bad-json": (ce_headers(), b'{"source_system": "x", ', "invalid_data"),
        "not-json-at-all": (ce_headers(), b"\xff\xfe\x00 binary \x00", "invalid_data"),
        "json-array": (ce_headers(), b"[1, 2, 3]", "invalid_data"),
        "json-null": (ce_headers(), b"null", "invalid_data"),
        "empty-value": (ce_headers(), None, "invalid_data"),
        "wrong-types": (
            ce_headers(),
            payload(source, 1, external_id=12, location="north", occurred_at=True),
            "invalid_data",
        ),
        "wrong-kind": (ce_headers(), payload(source, 2, kind="bomb"), "invalid_data"),
        "missing-fields": (
            ce_headers(),
            json.dumps({"source_system": source}).encode(),
            "invalid_data",
        ),
        "missing-location": (ce_headers(), payload(source, 3, location=...), "invalid_data"),
        "huge-description": (
            ce_headers(),
            payload(source, 4, description="漏" * 200_000),
            "invalid_data",
        ),
        "deeply-nested": (ce_headers(), b'{"a":' * 5000 + b"1" + b"}" * 5000, "invalid_data"),
        "no-headers": ([], ok, "not_cloudevent"),
        "no-ce-id": (ce_headers(ce_id=None), ok, "not_cloudevent"),
        "no-ce-type": (ce_headers(ce_type=""), ok, "not_cloudevent"),
        "old-specversion": (ce_headers(ce_specversion="0.3"), ok, "not_cloudevent"),
        "unknown-type": (ce_headers("houqin.inbound.ReportSubmitted.v9"), ok, "unknown_type"),
        "other-contract-type": (ce_headers("houqin.feedback.ComplaintFiled.v1"), ok, "?"),
        "bad-ce-time": (ce_headers(ce_time="yesterday"), ok, "bad_header"),
        "control-characters": (
            ce_headers(),
            payload(source, 6, description="tap\x00\x07leaks"),
            "invalid_report",
        ),
        "unknown-category": (
            ce_headers(),
            payload(source, 7, category="no-such"),
            "unknown_category",
        ),
    }


async def publish(bootstrap: str, records: list[tuple[bytes, Headers, bytes | None]]) -> None:
    producer = AIOKafkaProducer(
        **security(),
        bootstrap_servers=bootstrap,
        max_request_size=4 * 1024 * 1024,
        enable_idempotence=True,
    )
    await producer.start()
    try:
        for key, headers, value in records:
            await producer.send_and_wait(INBOUND_TOPIC, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def test_fuzzed_inbound_events_are_dead_lettered_and_valid_ones_all_processed(
    platform: launcher.Platform,
) -> None:
    inst = platform.inst
    source = f"fuzz-{uuid.uuid4().hex[:10]}"
    bad = bad_events(source)
    records: list[tuple[bytes, Headers, bytes | None]] = []
    valid_ids = []
    for n, (name, (headers, value, _)) in enumerate(bad.items()):
        good = valid(source, 100 + n)
        env = Envelope(good)
        records.append(
            (good.key().encode(), [(k, v.encode()) for k, v in env.headers().items()], env.value())
        )
        valid_ids.append(good.external_id)
        records.append((f"{source}:bad:{name}".encode(), headers, value))
    last = valid(source, 999)
    records.append(
        (
            last.key().encode(),
            [(k, v.encode()) for k, v in Envelope(last).headers().items()],
            Envelope(last).value(),
        )
    )
    valid_ids.append(last.external_id)
    # the same valid event again (a system retrying): still one report
    records.append(records[-1])
    # 600 kB of a field the contract does not know: contracts are tolerant readers
    # (extra="ignore"), so this is a valid report, filed without the padding
    records.append(
        (f"{source}:padded".encode(), ce_headers(), payload(source, 5, padding="x" * 600_000))
    )
    valid_ids.append("ok-5")
    run_sync(publish(inst.kafka, records))

    def reports() -> list[str]:
        with psycopg.connect(inst.admin_dsn) as conn:
            rows = conn.execute(
                "SELECT external_id FROM feedback.reports WHERE source_system = %s", (source,)
            ).fetchall()
        return sorted(r[0] for r in rows)

    deadline = time.monotonic() + 120
    while reports() != sorted(valid_ids) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert reports() == sorted(valid_ids), "valid inbound events lost or doubled"

    dead = run_sync(read_all(inst.kafka, DLQ, expect=10**9, timeout_s=20))
    ours = {
        d["key"].removeprefix(f"{source}:bad:"): d
        for d in dead
        if d["key"] and d["key"].startswith(f"{source}:")
    }
    assert sorted(ours) == sorted(bad), "every bad event (and only those) is dead-lettered once"
    assert len([d for d in dead if d["key"] and d["key"].startswith(f"{source}:")]) == len(bad)
    for name, (_, value, reason) in bad.items():
        headers = ours[name]["headers"]
        assert headers.get("dlq_reason"), (name, headers)
        if reason != "?":
            assert headers["dlq_reason"] == reason, (name, headers)
        assert headers["dlq_source_topic"] == INBOUND_TOPIC
        assert headers.get("dlq_detail"), name
        assert ours[name]["value"] == value, name  # the payload kept as it came
    # the other contract's type on the inbound topic is refused, not filed as a complaint
    assert ours["other-contract-type"]["headers"]["dlq_reason"] == "wrong_topic"
