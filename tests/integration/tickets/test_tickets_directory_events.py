"""With 6,000 staff the directory's events carry only what changed: a leave change is one small
event (before: the whole directory, over the broker's 1 MiB, on every leave change), an import
comes in pages each far below the broker's limit, and a snapshot can still be asked for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env

pytestmark = pytest.mark.infra
STAFF = 6000
BROKER_LIMIT = 1_048_588  # message.max.bytes


def worker(n: int) -> dict[str, Any]:
    return {
        "id": f"w-{n:05d}",
        "name": f"工人{n:05d}",
        "roles": ["staff"],
        "department_id": "maintenance",
        "team_id": "plumbers",
        "email": f"w-{n:05d}@houqin.example",
        "phone": f"139{n:08d}",
        "wecom": f"w{n:05d}",
    }


async def events_after(e: Env, last_id: int) -> list[dict[str, Any]]:
    """Outbox rows after `last_id`, with their size in bytes."""
    rows = await e.pool.fetch(
        "SELECT id, event_type, length(payload) AS size, convert_from(payload, 'UTF8') AS payload"
        " FROM outbox WHERE id > $1 ORDER BY id",
        last_id,
    )
    return [{**dict(r), "data": json.loads(r["payload"])} for r in rows]


async def last_id(e: Env) -> int:
    return int(await e.pool.fetchval("SELECT coalesce(max(id), 0) FROM outbox"))


async def test_a_leave_change_among_6000_staff_is_a_small_event(tickets_env: Env) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    mark = await last_id(e)
    r = await e.client.put(
        "/v1/directory", json={"staff": [worker(n) for n in range(STAFF)]}, headers=admin
    )
    assert r.status_code == 200, r.text
    imported = await events_after(e, mark)
    # the import: only the 6,000 new staff, in pages, no whole-directory event (too large)
    assert {ev["event_type"] for ev in imported} == {"houqin.tickets.DirectoryUpdated.v1"}
    assert sum(len(ev["data"]["staff"]) for ev in imported) == STAFF
    assert max(ev["size"] for ev in imported) < BROKER_LIMIT / 4
    assert [ev["data"]["page"] for ev in imported] == list(range(1, len(imported) + 1))
    assert [ev["data"]["previous_version"] for ev in imported] == [1] + [2] * (len(imported) - 1)

    mark = await last_id(e)
    start = datetime.now(UTC)
    leave = {"start": start.isoformat(), "end": (start + timedelta(days=2)).isoformat()}
    r = await e.client.post(
        "/v1/directory/staff/w-01234/leave", json=leave, headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 201, r.text
    [event] = await events_after(e, mark)
    assert event["event_type"] == "houqin.tickets.DirectoryUpdated.v1"
    assert event["size"] < 1024, event["size"]
    data = event["data"]
    assert (data["version"], data["previous_version"]) == (3, 2)
    assert data["staff"] == data["teams"] == data["departments"] == []

    mark = await last_id(e)
    moved = {**worker(42), "email": "w-00042@new.example"}
    r = await e.client.put("/v1/directory", json={"staff": [moved]}, headers=admin)
    assert r.status_code == 200, r.text
    [event] = await events_after(e, mark)
    assert [s["email"] for s in event["data"]["staff"]] == ["w-00042@new.example"]
    assert event["size"] < 2048

    mark = await last_id(e)
    r = await e.client.post("/v1/directory/snapshot", headers=admin)
    assert r.status_code == 202 and r.json() == {"version": 4}
    pages = await events_after(e, mark)
    assert [p["data"]["reset"] for p in pages] == [True] + [False] * (len(pages) - 1)
    assert {p["data"]["version"] for p in pages} == {4}
    staff = [s["id"] for p in pages for s in p["data"]["staff"]]
    assert len(staff) == len(set(staff)) > STAFF
    assert max(p["size"] for p in pages) < BROKER_LIMIT / 4
    r = await e.client.post("/v1/directory/snapshot", headers=e.as_user("plumbing-lead"))
    assert r.status_code == 403
