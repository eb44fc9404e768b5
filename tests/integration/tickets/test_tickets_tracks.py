"""Each kind of report its own path (issue 14, "Why"): a complaint about the cook at window 3 goes
to the catering department's head, not to the cook or the cook's post; a praise opens no ticket,
so nothing falls due or escalates; a suggestion has one reply deadline and no repair stages; a
complaint is answered only with an outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, complaint

from houqin_shared.contracts import ComplaintFiled
from tickets import sweeper

pytestmark = pytest.mark.infra

CANTEEN = {"campus": "north", "building": "north-canteen"}


def filed(kind: str, category: str, **where: str) -> ComplaintFiled:
    return complaint(category, **(where or CANTEEN)).model_copy(
        update={"kind": kind, "description": "3号窗口的师傅对我态度很差"}
    )


async def ticket_of(e: Env, report: ComplaintFiled) -> dict[str, Any]:
    r = await e.client.get(
        f"/v1/tickets/by-report/{report.report_id}", headers=e.as_user("supervisor")
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def problem_slug(r: Any) -> str:
    return str(r.json()["type"]).rsplit("/", 1)[-1]


async def test_a_complaint_about_the_cook_goes_to_the_department_head(tickets_env: Env) -> None:
    e = tickets_env
    rude = filed("complaint", "canteen")
    await e.handle(rude)
    t = await ticket_of(e, rude)
    assert (t["track"], t["department_id"], t["team_id"]) == ("complaint", "catering", None)
    assert (t["assignee_id"], t["assigned_via"]) == ("catering-head", "department_head")
    [assigned] = await e.outbox("TicketAssigned")
    assert assigned["data"]["assignee_id"] == "catering-head"
    assert (assigned["data"]["via"], assigned["data"]["as_role"]) == ("manual", "department_head")
    [opened] = await e.outbox("TicketOpened")
    assert opened["data"]["track"] == "complaint" and opened["data"]["team_id"] is None
    # acknowledge, investigate, reply: the complaint's own limits (1, 3 and 5 working days)
    assert t["accept_due_at"] < t["arrive_due_at"] < t["finish_due_at"]
    opened_at = datetime.fromisoformat(t["opened_at"])
    assert datetime.fromisoformat(t["finish_due_at"]) - opened_at >= timedelta(days=4)
    # never on the desk of the one complained about, nor in their team's queue
    cook = e.sso.auth("north-cook", "staff", dept="catering", team="north-canteen-hot")
    r = await e.client.get(f"/v1/tickets/{t['id']}", headers=cook)
    assert r.status_code == 403
    r = await e.client.get("/v1/queues/team", params={"team_id": "north-canteen-hot"}, headers=cook)
    assert r.status_code == 200 and r.json()["items"] == []
    r = await e.client.get("/v1/queues/mine", headers=cook)
    assert r.json()["items"] == []
    head = e.sso.auth("catering-head", "dept_head", dept="catering")
    r = await e.client.get("/v1/queues/mine", headers=head)
    assert [x["id"] for x in r.json()["items"]] == [t["id"]]


async def test_a_complaint_without_a_department_head_goes_to_a_supervisor(
    tickets_env: Env,
) -> None:
    e = tickets_env
    c = filed("complaint", "clinic", campus="north", building="clinic-building")
    await e.handle(c)
    t = await ticket_of(e, c)
    assert (t["department_id"], t["team_id"]) == ("clinic", None)
    assert (t["assignee_id"], t["assigned_via"]) == ("supervisor", "supervisor")


async def test_a_praise_opens_no_ticket_and_never_escalates(tickets_env: Env) -> None:
    e = tickets_env
    praise = filed("praise", "plumbing", campus="north", building="north-dorm-7")
    praise = praise.model_copy(update={"description": "张师傅修得又快又好"})
    await e.handle(praise)
    await e.handle(praise)  # delivered twice: credited once
    r = await e.client.get(
        f"/v1/tickets/by-report/{praise.report_id}", headers=e.as_user("supervisor")
    )
    assert r.status_code == 404
    assert await e.pool.fetchval("SELECT count(*) FROM tickets") == 0
    assert len(await e.outbox("PraiseReceived")) == 1
    assert await e.outbox("TicketOpened") == [] and await e.outbox("TicketAssigned") == []
    before = await e.outbox()
    later = praise.filed_at + timedelta(days=30)
    await sweeper.sweep(e.pool, later)
    assert await e.outbox() == before  # nothing due, nothing escalated


async def test_a_praise_credits_the_team_and_the_person_on_duty(tickets_env: Env) -> None:
    e = tickets_env
    praise = filed("praise", "plumbing", campus="north", building="north-dorm-7")
    await e.handle(praise)
    await e.handle(praise)
    [credit] = await e.outbox("PraiseReceived")
    assert credit["key"] == str(praise.report_id)
    d = credit["data"]
    assert (d["team_id"], d["department_id"]) == ("plumbers", "maintenance")
    assert d["staff_id"] == "plumber"  # the post's on-duty primary
    assert (d["category"], d["location"]["building"]) == ("plumbing", "north-dorm-7")
    assert d["tracking_no"] == praise.tracking_no and "description" not in d
    assert "reporter_id" not in d


async def test_a_suggestion_has_a_reply_deadline_and_no_repair_stages(tickets_env: Env) -> None:
    e = tickets_env
    idea = filed("suggestion", "plumbing", campus="north", building="north-dorm-7")
    await e.handle(idea)
    t = await ticket_of(e, idea)
    assert (t["track"], t["team_id"], t["status"]) == ("answer", "plumbers", "assigned")
    assert (t["assignee_id"], t["assigned_via"]) == ("plumbing-lead", "team_lead")
    assert t["accept_due_at"] is None and t["arrive_due_at"] is None
    assert t["finish_due_at"] is not None
    lead = e.as_user("plumbing-lead")
    for move in ("on-site", "pause", "investigate"):
        r = await e.client.post(f"/v1/tickets/{t['id']}/{move}", json={"note": "x"}, headers=lead)
        assert r.status_code == 409 and problem_slug(r) == "ticket-action-not-for-track", move
    reply = "谢谢建议，下学期起热水供应延长到23点。"
    r = await e.client.post(f"/v1/tickets/{t['id']}/resolve", json={"note": reply}, headers=lead)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "resolved"
    [changed] = await e.outbox("TicketStatusChanged")
    assert (changed["data"]["note"], changed["data"]["track"]) == (reply, "answer")
    assert changed["data"]["stage"] == "finish" and changed["data"]["on_time"] is True


async def test_a_complaint_is_answered_only_with_an_outcome(tickets_env: Env) -> None:
    e = tickets_env
    rude = filed("complaint", "canteen")
    await e.handle(rude)
    t = await ticket_of(e, rude)
    head = e.sso.auth("catering-head", "dept_head", dept="catering")
    url = f"/v1/tickets/{t['id']}"
    assert (await e.client.post(f"{url}/accept", headers=head)).status_code == 200
    r = await e.client.post(f"{url}/on-site", headers=head)
    assert r.status_code == 409 and problem_slug(r) == "ticket-action-not-for-track"
    r = await e.client.post(f"{url}/pause", json={"note": "x"}, headers=head)
    assert r.status_code == 409 and problem_slug(r) == "ticket-action-not-for-track"
    r = await e.client.post(f"{url}/investigate", json={"note": "查监控，属实"}, headers=head)
    assert r.status_code == 200 and r.json()["arrived_at"] is not None, r.text
    r = await e.client.post(f"{url}/investigate", json={"note": "again"}, headers=head)
    assert r.status_code == 409
    reply = "经查属实，已对该员工批评教育并调离窗口岗位，向您致歉。"
    before = await e.outbox()
    r = await e.client.post(f"{url}/resolve", json={"note": reply}, headers=head)
    assert r.status_code == 422 and problem_slug(r) == "complaint-outcome-required"
    r = await e.client.post(
        f"{url}/resolve", json={"note": reply, "outcome": "maybe"}, headers=head
    )
    assert r.status_code == 422
    assert await e.outbox() == before  # nothing changed
    r = await e.client.post(
        f"{url}/resolve", json={"note": reply, "outcome": "partly_upheld"}, headers=head
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["outcome"]) == ("resolved", "partly_upheld")
    changed = [x["data"] for x in await e.outbox("TicketStatusChanged")]
    assert [(x["status"], x["stage"], x["note"]) for x in changed] == [
        ("accepted", "accept", None),
        ("accepted", "arrive", None),  # the findings stay with staff
        ("resolved", "finish", reply),
    ]
    assert changed[-1]["outcome"] == "partly_upheld" and changed[-1]["track"] == "complaint"
    # a repair takes no outcome
    fix = complaint("plumbing")
    await e.handle(fix)
    p = await ticket_of(e, fix)
    me = e.as_user("plumber")
    await e.client.post(f"/v1/tickets/{p['id']}/accept", headers=me)
    r = await e.client.post(
        f"/v1/tickets/{p['id']}/resolve", json={"note": "ok", "outcome": "upheld"}, headers=me
    )
    assert r.status_code == 422 and problem_slug(r) == "ticket-outcome-not-for-track"


async def test_a_complaint_a_supervisor_upholds_is_a_verified_incident(tickets_env: Env) -> None:
    e = tickets_env
    by_head, by_supervisor = filed("complaint", "canteen"), filed("complaint", "canteen")
    head = e.sso.auth("catering-head", "dept_head", dept="catering")
    sup = e.as_user("supervisor")
    for c, who in ((by_head, head), (by_supervisor, sup)):
        await e.handle(c)
        url = f"/v1/tickets/{(await ticket_of(e, c))['id']}"
        assert (await e.client.post(f"{url}/accept", headers=who)).status_code == 200
        r = await e.client.post(
            f"{url}/resolve", json={"note": "经查属实", "outcome": "upheld"}, headers=who
        )
        assert r.status_code == 200, r.text
    [incident] = [x["data"] for x in await e.outbox("IncidentVerified")]
    t = await ticket_of(e, by_supervisor)
    assert (incident["unit_type"], incident["unit_id"]) == ("team", "north-canteen-hot")
    assert (incident["kind"], incident["ticket_id"]) == ("service_quality", t["id"])
    assert incident["department_id"] == "catering" and incident["verified_by"] == "supervisor"


async def test_a_complaint_cannot_be_handed_to_the_team_it_is_about(tickets_env: Env) -> None:
    e = tickets_env
    rude = filed("complaint", "canteen")
    await e.handle(rude)
    url = f"/v1/tickets/{(await ticket_of(e, rude))['id']}"
    head = e.sso.auth("catering-head", "dept_head", dept="catering")
    r = await e.client.post(f"{url}/assign", json={"assignee_id": "north-cook"}, headers=head)
    assert r.status_code == 409 and problem_slug(r) == "complaint-kept-from-team"
    r = await e.client.post(
        f"{url}/transfers", json={"to_team_id": "flowers", "reason": "wrong place"}, headers=head
    )
    assert r.status_code == 409 and problem_slug(r) == "complaint-kept-from-team"
    r = await e.client.post(f"{url}/assign", json={"assignee_id": "south-cook"}, headers=head)
    assert r.status_code == 200 and r.json()["assignee_id"] == "south-cook"
    assert (await ticket_of(e, rude))["assignee_id"] == "south-cook"
