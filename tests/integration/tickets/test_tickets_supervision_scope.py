"""Inspections and incidents, and their evidence, are read as tickets are: supervisors,
leaders and admins everything; a department head their department's; a team lead their team's;
a worker what is about themselves (issue 14). Real rows, three kinds of caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env

pytestmark = pytest.mark.infra


async def record(e: Env, team: str, summary: str) -> tuple[str, str]:
    """An inspection and an incident of `team`, by the supervisor: their ids."""
    sup = e.as_user("supervisor")
    body = {
        "kind": "quality",
        "unit_type": "team",
        "unit_id": team,
        "items": [{"name": "tidy", "score": 8, "max_score": 10}],
    }
    r = await e.client.post("/v1/inspections", json=body, headers=sup)
    assert r.status_code == 201, r.text
    inspection = r.json()["id"]
    incident = {
        "kind": "service_quality",
        "unit_type": "team",
        "unit_id": team,
        "summary": summary,
        "evidence": ["call recording"],
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
    }
    r = await e.client.post("/v1/incidents", json=incident, headers=sup)
    assert r.status_code == 201, r.text
    return inspection, r.json()["id"]


async def test_each_reader_sees_the_inspections_and_incidents_of_their_own_part(
    tickets_env: Env,
) -> None:
    e = tickets_env
    ours = await record(e, "plumbers", "rude on the phone (plumbers)")
    theirs = await record(e, "north-canteen-hot", "cold rice served (canteen)")

    async def seen(user: str) -> tuple[set[str], set[str]]:
        h = e.as_user(user)
        a = await e.client.get("/v1/inspections", headers=h)
        b = await e.client.get("/v1/incidents", headers=h)
        assert a.status_code == 200 and b.status_code == 200, (a.text, b.text)
        return {x["id"] for x in a.json()}, {x["id"] for x in b.json()}

    everything = ({ours[0], theirs[0]}, {ours[1], theirs[1]})
    assert await seen("supervisor") == everything
    assert await seen("leader") == everything
    assert await seen("maintenance-head") == ({ours[0]}, {ours[1]})
    assert await seen("plumbing-lead") == ({ours[0]}, {ours[1]})
    assert await seen("plumber") == (set(), set())  # about the team, not about him
    for user, inspection, status in (
        ("maintenance-head", ours[0], 200),
        ("maintenance-head", theirs[0], 404),  # another department's: as if it did not exist
        ("plumber", ours[0], 404),
        ("supervisor", theirs[0], 200),
    ):
        r = await e.client.get(f"/v1/inspections/{inspection}", headers=e.as_user(user))
        assert r.status_code == status, (user, r.text)
        if status == 404:
            assert r.json()["type"].endswith("/inspection-not-found")
