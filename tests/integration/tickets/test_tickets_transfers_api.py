"""Transfers: the receiving side accepts or rejects, accepted transfers are counted, refusals
change nothing; manual assignment by the lead."""

from __future__ import annotations

import pytest
from tickets_support import Env, opened

pytestmark = pytest.mark.infra


async def test_request_then_accept_moves_and_counts(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_team_id": "electricians", "reason": "it is the heater"},
        headers=me,
    )
    assert r.status_code == 201, r.text
    transfer = r.json()
    assert transfer["state"] == "requested" and transfer["to_department_id"] == "maintenance"
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_team_id": "carpenters", "reason": "or the door"},
        headers=me,
    )
    assert r.status_code == 409  # one pending at a time
    # the sending side cannot accept its own request
    r = await e.client.post(
        f"/v1/transfers/{transfer['id']}/accept", headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 403
    lead = e.sso.auth(
        "electrician-lead", "staff", "team_lead", dept="maintenance", team="electricians"
    )
    incoming = (await e.client.get("/v1/transfers/incoming", headers=lead)).json()
    assert [x["id"] for x in incoming] == [transfer["id"]]
    r = await e.client.post(f"/v1/transfers/{transfer['id']}/accept", headers=lead)
    assert r.status_code == 200, r.text
    r = await e.client.post(f"/v1/transfers/{transfer['id']}/accept", headers=lead)
    assert r.status_code == 409
    # the ticket is the electricians' now: they read it, the plumber no longer does
    now = (await e.client.get(f"/v1/tickets/{t['id']}", headers=lead)).json()
    assert (now["team_id"], now["assignee_id"], now["status"], now["transfer_count"]) == (
        "electricians",
        "electrician",
        "assigned",
        1,
    )
    moves = [
        (x["data"]["state"], x["data"]["transfer_count"])
        for x in await e.outbox("TicketTransferred")
    ]
    assert moves == [("requested", 0), ("accepted", 1)]
    assert [a["data"]["via"] for a in await e.outbox("TicketAssigned")][-1] == "primary"
    audit = [
        a["action"]
        for a in (await e.client.get(f"/v1/tickets/{t['id']}/actions", headers=lead)).json()
    ]
    assert audit == ["transfer_requested", "transfer_accepted"]
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).status_code == 403
    # the plumber no longer acts on it
    assert (await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=me)).status_code == 403


async def test_reject_needs_a_reason_and_leaves_the_ticket(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_department_id": "property", "reason": "cleaning"},
        headers=me,
    )
    transfer = r.json()
    head = e.sso.auth("property-head", "dept_head", dept="property")
    r = await e.client.post(f"/v1/transfers/{transfer['id']}/reject", headers=head)
    assert r.status_code == 422
    r = await e.client.post(
        f"/v1/transfers/{transfer['id']}/reject", json={"note": "a leak is plumbing"}, headers=head
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    now = (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()
    assert (now["team_id"], now["assignee_id"], now["transfer_count"]) == ("plumbers", "plumber", 0)


async def test_bad_transfers_change_nothing(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    me = e.as_user("plumber")
    for body in (
        {"to_team_id": "nowhere", "reason": "x"},
        {"reason": "x"},
        {"to_team_id": "plumbers", "reason": ""},
    ):
        r = await e.client.post(f"/v1/tickets/{t['id']}/transfers", json=body, headers=me)
        assert r.status_code == 422, body
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_team_id": "plumbers", "reason": "x"},
        headers=me,
    )
    assert r.status_code == 409
    assert await e.outbox("TicketTransferred") == []


async def test_manual_assignment_by_the_lead(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/assign",
        json={"assignee_id": "plumber-backup"},
        headers=e.as_user("plumber"),
    )
    assert r.status_code == 403
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/assign",
        json={"assignee_id": "ghost"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 422
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/assign",
        json={"assignee_id": "plumber-backup"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 200 and r.json()["assignee_id"] == "plumber-backup"
    assert [a["data"]["via"] for a in await e.outbox("TicketAssigned")] == ["primary", "manual"]
    # another department's worker is reached by a transfer, which that side accepts (issue 14):
    # not by the lead, nor by a supervisor
    for who in ("plumbing-lead", "supervisor"):
        r = await e.client.post(
            f"/v1/tickets/{t['id']}/assign",
            json={"assignee_id": "north-cook"},
            headers=e.as_user(who),
        )
        assert r.status_code == 409, r.text
        assert r.json()["type"].endswith("/assignee-in-another-department")
    assert len(await e.outbox("TicketAssigned")) == 2
