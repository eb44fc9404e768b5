"""Rectification items: raised with a deadline, progress notes, acceptance pass or fail with a
new deadline; deadlines in the past and unknown units change nothing; late items escalate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env

from tickets.sweeper import sweep

pytestmark = pytest.mark.infra


def item(deadline: datetime, **kw: str) -> dict[str, str]:
    return {
        "origin": "reception_day",
        "problem": "dorm 7 hot water is lukewarm after 22:00",
        "measures": "replace the boiler thermostat",
        "responsible_id": "plumbing-lead",
        "team_id": "plumbers",
        "deadline": deadline.isoformat(),
        **kw,
    }


async def test_raise_progress_fail_then_pass(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    now = datetime.now(UTC)
    r = await e.client.post("/v1/rectifications", json=item(now + timedelta(days=7)), headers=sup)
    assert r.status_code == 201, r.text
    it = r.json()
    assert it["department_id"] == "maintenance" and it["status"] == "open" and it["next_check_at"]
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/notes",
        json={"note": "thermostat ordered"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 201
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/notes",
        json={"note": "x"},
        headers=e.sso.auth("carpenter", "staff", team="carpenters"),
    )
    assert r.status_code == 403
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/acceptance",
        json={"passed": True},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 403  # only supervisors accept
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/acceptance",
        json={"passed": False, "reason": "still lukewarm"},
        headers=sup,
    )
    assert r.status_code == 422  # a new deadline is required
    new_deadline = now + timedelta(days=3)
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/acceptance",
        json={
            "passed": False,
            "reason": "still lukewarm",
            "new_deadline": new_deadline.isoformat(),
        },
        headers=sup,
    )
    assert r.status_code == 200 and r.json()["round"] == 1
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/acceptance", json={"passed": True}, headers=sup
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    r = await e.client.post(
        f"/v1/rectifications/{it['id']}/acceptance", json={"passed": True}, headers=sup
    )
    assert r.status_code == 409
    body = (await e.client.get(f"/v1/rectifications/{it['id']}", headers=sup)).json()
    assert [n["kind"] for n in body["notes"]] == ["progress", "rejected", "accepted"]
    types = [x["event_type"].split(".")[2] for x in await e.outbox() if x["key"] == it["id"]]
    assert types == ["RectificationOpened", "RectificationRejected", "RectificationAccepted"]
    [accepted] = await e.outbox("RectificationAccepted")
    assert accepted["data"]["on_time"] is True and accepted["data"]["accepted_by"] == "supervisor"
    listed = (
        await e.client.get("/v1/rectifications", params={"team_id": "plumbers"}, headers=sup)
    ).json()
    assert listed["total"] == 1


async def test_bad_items_change_nothing(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    now = datetime.now(UTC)
    for body in (item(now - timedelta(hours=1)), item(now + timedelta(days=1), team_id="nowhere"),
                 item(now + timedelta(days=1), responsible_id="ghost")):  # fmt: skip
        r = await e.client.post("/v1/rectifications", json=body, headers=sup)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await e.client.post(
        "/v1/rectifications", json=item(now + timedelta(days=1)), headers=e.as_user("plumber")
    )
    assert r.status_code == 403
    assert await e.outbox("RectificationOpened") == []


async def test_late_items_escalate_once(tickets_env: Env) -> None:
    e = tickets_env
    now = datetime.now(UTC)
    r = await e.client.post(
        "/v1/rectifications", json=item(now + timedelta(hours=1)), headers=e.as_user("supervisor")
    )
    it = r.json()
    later = now + timedelta(hours=2, minutes=30)  # past 80%, the deadline and twice the span
    assert sum(await asyncio.gather(sweep(e.pool, later), sweep(e.pool, later))) == 3
    got = sorted(
        (x["data"]["level"], x["data"]["warning"]) for x in await e.outbox("RectificationOverdue")
    )
    assert got == [(1, False), (1, True), (2, False)]
    assert all(
        x["data"]["subject_kind"] == "rectification" and x["key"] == it["id"]
        for x in await e.outbox("RectificationOverdue")
    )
    assert await sweep(e.pool, later) == 0
