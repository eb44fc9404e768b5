"""The dead-letter admin API against the real processes: a record the tickets worker cannot
handle (no CloudEvents headers) is dead-lettered; an admin finds it through tickets' API and
requeues it; the tickets worker (not the API, whose Kafka user may not write the feedback
topic) takes the stored record within seconds and handles it again through its consumer and
inbox. Still no event, it is dead-lettered again: exactly one new letter, however long one
waits, since the worker deletes what it re-handled."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import launcher
import pytest
from helpers import eventually, run_sync

from houqin_shared import kafka
from houqin_shared.contracts import FEEDBACK_TOPIC

pytestmark = pytest.mark.infra


async def produce(bootstrap: str, marker: str) -> None:
    """A record that is no CloudEvent, as Kafka's admin (the environment's user)."""
    producer = kafka.producer(bootstrap, "e2e-dead-letters")
    await producer.start()
    try:
        await producer.send_and_wait(
            FEEDBACK_TOPIC, b'{"not": "an event"}', key=marker.encode(),
            headers=[("x_probe", marker.encode())],
        )  # fmt: skip
    finally:
        await producer.stop()


def test_a_requeue_is_rehandled_by_the_services_worker(platform: launcher.Platform) -> None:
    inst = platform.inst
    url = inst.url("tickets") + "/v1/admin/dead-letters"
    admin = {"Authorization": "Bearer " + launcher.token(inst, "admin")}
    marker = uuid.uuid4().hex
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()

    def mine() -> list[dict[str, Any]]:
        listed = httpx.get(url, params={"topic": FEEDBACK_TOPIC, "since": since}, headers=admin)
        assert listed.status_code == 200, listed.text
        found = []
        for letter in listed.json()["letters"]:
            at = f"{url}/{letter['partition']}/{letter['offset']}"
            full = httpx.get(at, headers=admin).json()
            if full["headers"].get("x_probe") == marker:
                found.append(full)
        return found

    run_sync(produce(inst.kafka, marker))
    (first,) = eventually(mine, "the record dead-lettered by tickets", 60, every_s=0.5)
    assert first["consumer"] == "houqin.tickets" and first["key"] == marker
    at = {"partition": first["partition"], "offset": first["offset"]}
    dry = httpx.post(url + "/requeue", json={"at": at, "dry_run": True}, headers=admin).json()
    assert [x["outcome"] for x in dry["requeued"]] == ["would-requeue"]
    time.sleep(3)  # longer than a worker round: a dry run stores nothing
    assert len(mine()) == 1

    asked = time.monotonic()
    done = httpx.post(url + "/requeue", json={"at": at}, headers=admin).json()
    assert [x["outcome"] for x in done["requeued"]] == ["requeued"], done
    letters = eventually(lambda: f if len(f := mine()) > 1 else None, "the re-handled record", 30)
    took = time.monotonic() - asked
    print(f"requeued to re-handled (dead-lettered again) in {took:.1f} s")
    second = letters[0]  # newest first
    assert (second["reason"], second["source_topic"]) == (first["reason"], FEEDBACK_TOPIC)
    assert second["headers"]["dlq_source_offset"] == first["headers"]["dlq_source_offset"]
    time.sleep(5)  # two more worker rounds: the stored record was taken once
    assert len(mine()) == 2
