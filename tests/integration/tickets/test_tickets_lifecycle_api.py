"""The lifecycle through the API and events: moves with access rules and audit, 409s that change
nothing, pause/resume recomputing due times, cannot_handle to the superior, close and reopen
from feedback's events, published time limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tickets_support import Env, opened

from houqin_shared.contracts import FixConfirmed, FixRejected, ServiceCatalogChanged
from houqin_shared.contracts.feedback import StageLimits

pytestmark = pytest.mark.infra


async def test_the_whole_path_with_audit_and_events(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    assert t["accept_due_at"] and t["arrive_due_at"] and t["finish_due_at"]
    me = e.as_user("plumber")
    for move, body in (
        ("accept", None),
        ("on-site", None),
        ("resolve", {"note": "new washer fitted"}),
    ):
        r = await e.client.post(f"/v1/tickets/{t['id']}/{move}", json=body, headers=me)
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "resolved" and r.json()["resolved_at"]
    await e.handle(
        FixConfirmed(
            report_id=t["report_id"],
            tracking_no=t["tracking_no"],
            auto=False,
            confirmed_at=datetime.now(UTC),
        )
    )
    t2 = (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()
    assert t2["status"] == "closed" and t2["closed_at"]
    changes = [x["data"] for x in await e.outbox("TicketStatusChanged")]
    assert [(c["previous_status"], c["status"], c["stage"]) for c in changes] == [
        ("assigned", "accepted", "accept"),
        ("accepted", "on_site", "arrive"),
        ("on_site", "resolved", "finish"),
        ("resolved", "closed", None),
    ]
    assert (
        changes[0]["on_time"] is True
        and changes[0]["stage_due_at"]
        and changes[0]["actor_id"] == "plumber"
    )
    assert changes[2]["note"] == "new washer fitted" and changes[3]["actor_id"] is None
    audit = (await e.client.get(f"/v1/tickets/{t['id']}/actions", headers=me)).json()
    assert [(a["actor_id"], a["action"]) for a in audit] == [
        ("plumber", "accept"), ("plumber", "on_site"), ("plumber", "resolve"), (None, "close"),
    ]  # fmt: skip
    assert all(a["at"] for a in audit)
    # the reporter says it is not fixed: reopened, a new clock
    await e.handle(
        FixRejected(
            report_id=t["report_id"],
            tracking_no=t["tracking_no"],
            reason="still drips",
            rejected_at=datetime.now(UTC),
        )
    )
    t3 = (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()
    assert (
        t3["status"] == "reopened"
        and t3["accepted_at"] is None
        and t3["accept_due_at"] >= t["accept_due_at"]
    )
    r = await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)
    assert r.status_code == 200 and r.json()["status"] == "accepted"


async def test_invalid_moves_are_409_and_change_nothing(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    before = await e.outbox()
    r = await e.client.post(f"/v1/tickets/{t['id']}/resolve", json={"note": "x"}, headers=me)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)
    r = await e.client.post(f"/v1/tickets/{t['id']}/cannot-handle", json={"note": " "}, headers=me)
    assert r.status_code == 422
    r = await e.client.post(f"/v1/tickets/{t['id']}/resume", headers=me)
    assert r.status_code == 409
    r = await e.client.post("/v1/tickets/00000000-0000-0000-0000-000000000000/accept", headers=me)
    assert r.status_code == 404
    after = await e.outbox()
    assert len(after) == len(before) + 1  # only the accept
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()["status"] == "accepted"
    assert [
        a["action"]
        for a in (await e.client.get(f"/v1/tickets/{t['id']}/actions", headers=me)).json()
    ] == ["accept"]


async def test_who_may_act(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    url = f"/v1/tickets/{t['id']}/accept"
    other_worker = e.sso.auth("electrician", "staff", dept="maintenance", team="electricians")
    other_lead = e.sso.auth(
        "electrician-lead", "staff", "team_lead", dept="maintenance", team="electricians"
    )
    other_head = e.sso.auth("property-head", "dept_head", dept="property")
    for headers in (
        other_worker,
        other_lead,
        other_head,
        e.as_user("plumber-backup"),
        e.as_user("admin"),
    ):
        assert (await e.client.post(url, headers=headers)).status_code == 403
    for who in ("plumbing-lead", "maintenance-head", "supervisor"):
        t = await opened(e)
        r = await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=e.as_user(who))
        assert r.status_code == 200, (who, r.text)


async def test_cannot_handle_goes_to_the_reporter_and_the_superior(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    note = "the main pipe belongs to the city water company; we reported it to them"
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/cannot-handle", json={"note": note}, headers=e.as_user("plumber")
    )
    assert r.status_code == 200, r.text
    [change] = [x["data"] for x in await e.outbox("TicketStatusChanged")]
    assert (change["status"], change["note"], change["superior_id"]) == (
        "cannot_handle",
        note,
        "plumbing-lead",
    )


async def test_pause_stops_the_clock_and_resume_recomputes(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e, urgency="urgent")  # round the clock by default
    me = e.as_user("plumber")
    await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/pause",
        json={"note": "ordered a valve", "pause_reason": "waiting_parts"},
        headers=me,
    )
    assert r.status_code == 200 and r.json()["status"] == "paused"
    assert r.json()["finish_due_at"] is None and r.json()["paused_at"]
    r = await e.client.post(f"/v1/tickets/{t['id']}/resume", headers=me)
    body = r.json()
    assert body["status"] == "accepted" and body["paused_at"] is None
    assert body["finish_due_at"] > t["finish_due_at"]  # the paused time is credited
    statuses = [x["data"]["status"] for x in await e.outbox("TicketStatusChanged")]
    assert statuses == ["accepted", "paused", "resumed"]


async def test_published_limits_are_followed(tickets_env: Env) -> None:
    e = tickets_env
    limits = [
        StageLimits(urgency="normal", accept_minutes=5, arrive_minutes=None, finish_minutes=60)
    ]
    for version in (2, 1):  # an older version arriving late changes nothing
        await e.handle(
            ServiceCatalogChanged(
                code="plumbing", name="水", limits=limits if version == 2 else [], calendar="round_the_clock",
                version=version, changed_at=datetime.now(UTC),
            )
        )  # fmt: skip
    t = await opened(e)
    opened_at = datetime.fromisoformat(t["opened_at"])
    assert (datetime.fromisoformat(t["accept_due_at"]) - opened_at).total_seconds() == 300
    assert t["arrive_due_at"] is None
    assert (datetime.fromisoformat(t["finish_due_at"]) - opened_at).total_seconds() == 3600


async def test_queues_filters_counts_and_paging(tickets_env: Env) -> None:
    e = tickets_env
    ids = [(await opened(e))["id"] for _ in range(3)]
    await opened(e, "electrical")
    me = e.as_user("plumber")
    await e.client.post(f"/v1/tickets/{ids[0]}/accept", headers=me)
    r = await e.client.get("/v1/queues/mine", params={"limit": 2}, headers=me)
    page = r.json()
    assert (
        page["total"] == 3
        and page["counts"] == {"assigned": 2, "accepted": 1}
        and len(page["items"]) == 2
    )
    r = await e.client.get("/v1/queues/mine", params={"limit": 2, "offset": 2}, headers=me)
    assert len(r.json()["items"]) == 1
    r = await e.client.get("/v1/queues/mine", params={"status": "accepted"}, headers=me)
    assert [x["id"] for x in r.json()["items"]] == [ids[0]]
    r = await e.client.get("/v1/queues/team", headers=e.as_user("plumbing-lead"))
    assert r.json()["total"] == 3
    r = await e.client.get("/v1/queues/team", params={"team_id": "electricians"}, headers=me)
    assert r.status_code == 403
    r = await e.client.get("/v1/queues/overdue", headers=e.as_user("supervisor"))
    assert r.status_code == 200 and r.json()["total"] == 0  # nothing is late yet
    assert (await e.client.get("/v1/queues/overdue", headers=me)).status_code == 403
    r = await e.client.get(
        "/v1/queues/overdue",
        params={"department_id": "maintenance"},
        headers=e.as_user("maintenance-head"),
    )
    assert r.status_code == 200


async def test_two_accepts_at_once_one_wins(tickets_env: Env) -> None:
    import asyncio

    e = tickets_env
    t = await opened(e)
    url = f"/v1/tickets/{t['id']}/accept"
    a, b = await asyncio.gather(
        e.client.post(url, headers=e.as_user("plumber")),
        e.client.post(url, headers=e.as_user("plumbing-lead")),
    )
    assert sorted((a.status_code, b.status_code)) == [200, 409]
    assert len(await e.outbox("TicketStatusChanged")) == 1
