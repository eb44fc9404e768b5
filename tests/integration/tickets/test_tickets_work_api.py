"""Issue 16, the workers' and team leads' API: the moves a ticket allows the caller now, a pause
waiting for the lead's approval, the team's roster, and a worker's own duty and leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env, opened

pytestmark = pytest.mark.infra


async def allowed(e: Env, ticket_id: str, user: str) -> list[str]:
    r = await e.client.get(f"/v1/tickets/{ticket_id}/allowed", headers=e.as_user(user))
    assert r.status_code == 200, r.text
    return list(r.json()["moves"])


async def test_allowed_moves_follow_the_ticket_and_the_caller(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    assert t["assignee_id"] == "plumber"
    assert await allowed(e, t["id"], "plumber") == ["accept", "cannot-handle", "transfer"]
    lead = await allowed(e, t["id"], "plumbing-lead")
    assert "reassign" in lead and "accept" in lead
    r = await e.client.get(f"/v1/tickets/{t['id']}/allowed", headers=e.as_user("student"))
    assert r.status_code == 403
    await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=e.as_user("plumber"))
    moves = await allowed(e, t["id"], "plumber")
    assert moves == ["on-site", "resolve", "pause", "cannot-handle", "pause-request", "transfer"]
    # another worker of the team (not the assignee) may do nothing with it
    r = await e.client.get(f"/v1/tickets/{t['id']}/allowed", headers=e.as_user("plumber-backup"))
    assert r.status_code in (200, 403)
    if r.status_code == 200:
        assert r.json()["moves"] == []


async def test_a_long_pause_waits_for_the_lead(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)
    url = f"/v1/tickets/{t['id']}/pause-requests"
    body = {"pause_reason": "waiting_parts", "pause_days": 6, "note": "阀门要从厂家订"}
    r = await e.client.post(url, json=body, headers=me)
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    r = await e.client.post(url, json=body, headers=me)
    assert r.status_code == 409 and r.json()["type"].endswith("/pause-request-pending-exists")
    assert "pause-request" not in await allowed(e, t["id"], "plumber")
    assert "approve-pause" in await allowed(e, t["id"], "plumbing-lead")
    r = await e.client.get("/v1/work/team", headers=e.as_user("plumbing-lead"))
    assert [p["id"] for p in r.json()["pause_requests"]] == [request_id]
    r = await e.client.post(f"/v1/pause-requests/{request_id}/approve", headers=me)
    assert r.status_code == 403  # a worker is no Manager
    r = await e.client.post(
        f"/v1/pause-requests/{request_id}/approve", headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    r = await e.client.get(f"/v1/tickets/{t['id']}", headers=me)
    assert (r.json()["status"], r.json()["pause_reason"]) == ("paused", "waiting_parts")
    [change] = [x["data"] for x in await e.outbox("TicketStatusChanged") if
                x["data"]["status"] == "paused"]  # fmt: skip
    assert change["note"] == "等待配件：阀门要从厂家订"
    r = await e.client.post(
        f"/v1/pause-requests/{request_id}/refuse", headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/pause-request-not-pending")


async def test_refused_pause_leaves_the_ticket_running(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)
    body = {"pause_reason": "reporter_absent", "pause_days": 5}
    r = await e.client.post(f"/v1/tickets/{t['id']}/pause-requests", json=body, headers=me)
    r = await e.client.post(
        f"/v1/pause-requests/{r.json()['id']}/refuse",
        json={"note": "今天就能联系上"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 200 and r.json()["state"] == "refused"
    r = await e.client.get(f"/v1/tickets/{t['id']}", headers=me)
    assert r.json()["status"] == "accepted"


async def test_a_worker_keeps_their_own_duty_and_leave_and_the_lead_sees_it(
    tickets_env: Env,
) -> None:
    e = tickets_env
    me = e.as_user("plumber")
    r = await e.client.put("/v1/work/me/on-duty", json={"on_duty": False}, headers=me)
    assert r.status_code == 200 and r.json()["on_duty"] is False, r.text
    start = datetime.now(UTC) + timedelta(days=1)
    leave = {"start": start.isoformat(), "end": (start + timedelta(days=2)).isoformat(),
             "reason": "探亲"}  # fmt: skip
    r = await e.client.post("/v1/work/me/leave", json=leave, headers=me)
    assert r.status_code == 201, r.text
    [kept] = r.json()["leave"]
    bad = {**leave, "end": leave["start"]}
    r = await e.client.post("/v1/work/me/leave", json=bad, headers=me)
    assert r.status_code == 422
    r = await e.client.get("/v1/work/team", headers=e.as_user("plumbing-lead"))
    people = {p["id"]: p for p in r.json()["people"]}
    assert people["plumber"]["on_duty"] is False
    assert [lv["reason"] for lv in people["plumber"]["leave"]] == ["探亲"]
    assert people["plumber"]["on_leave"] is False
    r = await e.client.get("/v1/work/team?team_id=electricians", headers=me)
    assert r.status_code == 403
    r = await e.client.delete(f"/v1/work/me/leave/{kept['id']}", headers=me)
    assert r.status_code == 204
    r = await e.client.delete(f"/v1/work/me/leave/{kept['id']}", headers=me)
    assert r.status_code == 404
    r = await e.client.get("/v1/work/me", headers=e.as_user("student"))
    assert r.status_code == 403
