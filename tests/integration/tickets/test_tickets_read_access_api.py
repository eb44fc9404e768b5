"""Reading tickets, transfers, queues and rectification items through the API: the assignee, the
team's lead, the department's head, supervisors, leaders and admins read; another team or
department gets 403 (as for acting), lists show only what the caller may read, and the side a
pending transfer is offered to reads the ticket until it has answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, opened

pytestmark = pytest.mark.infra

READERS = ("plumber", "plumbing-lead", "maintenance-head", "supervisor", "leader", "admin")


def outsiders(e: Env) -> dict[str, dict[str, str]]:
    """Who may not read a plumber's ticket: a teammate it is not assigned to, another team's
    lead of the same department, and catering's head, lead and cook."""
    return {
        "plumber-backup": e.as_user("plumber-backup"),
        "electrician-lead": e.sso.auth(
            "electrician-lead", "staff", "team_lead", dept="maintenance", team="electricians"
        ),
        "catering-head": e.sso.auth("catering-head", "dept_head", dept="catering"),
        "catering-lead": e.sso.auth(
            "catering-lead", "staff", "team_lead", dept="catering", team="north-canteen-hot"
        ),
        "north-cook": e.sso.auth("north-cook", "staff", dept="catering", team="north-canteen-hot"),
    }


def reads_of(t: dict[str, Any]) -> list[str]:
    return [
        f"/v1/tickets/{t['id']}",
        f"/v1/tickets/{t['id']}/actions",
        f"/v1/tickets/{t['id']}/transfers",
        f"/v1/tickets/by-report/{t['report_id']}",
    ]


async def test_a_ticket_is_read_by_its_people_and_no_one_else(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    assert (t["assignee_id"], t["team_id"], t["department_id"]) == (
        "plumber",
        "plumbers",
        "maintenance",
    )
    for user in READERS:
        for path in reads_of(t):
            r = await e.client.get(path, headers=e.as_user(user))
            assert r.status_code == 200, (user, path, r.text)
    for who, headers in outsiders(e).items():
        for path in reads_of(t):
            r = await e.client.get(path, headers=headers)
            assert r.status_code == 403, (who, path, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "plumbers" not in r.text and t["tracking_no"] not in r.text
    # a ticket that does not exist is still 404, to everyone
    r = await e.client.get(
        "/v1/tickets/00000000-0000-0000-0000-000000000000", headers=outsiders(e)["catering-head"]
    )
    assert r.status_code == 404


async def test_lists_show_only_what_the_caller_reads(tickets_env: Env) -> None:
    e = tickets_env
    plumbing = (await opened(e))["id"]
    electrical = (await opened(e, "electrical"))["id"]
    catering = (await opened(e, "canteen"))["id"]  # the catering department's queue

    async def listed(headers: dict[str, str], **params: str) -> set[str]:
        r = await e.client.get("/v1/tickets", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()}

    out = outsiders(e)
    assert await listed(e.as_user("supervisor")) >= {plumbing, electrical, catering}
    assert await listed(e.as_user("leader")) >= {plumbing, electrical, catering}
    assert await listed(e.as_user("maintenance-head")) == {plumbing, electrical}
    assert await listed(out["catering-head"]) == {catering}
    assert await listed(e.as_user("plumbing-lead")) == {plumbing}
    assert await listed(e.as_user("plumber")) == {plumbing}
    assert await listed(e.as_user("plumber-backup")) == set()
    assert await listed(out["north-cook"]) == set()  # the department's, not assigned to anyone
    # naming a team: its members, its department's head, and those who see everything
    assert await listed(e.as_user("maintenance-head"), team_id="plumbers") == {plumbing}
    assert await listed(e.as_user("plumber-backup"), team_id="plumbers") == {plumbing}
    assert await listed(e.as_user("admin"), team_id="electricians") == {electrical}
    for who in ("catering-head", "catering-lead", "north-cook", "electrician-lead"):
        r = await e.client.get("/v1/tickets", params={"team_id": "plumbers"}, headers=out[who])
        assert r.status_code == 403, (who, r.text)


async def test_the_side_a_transfer_is_offered_to_reads_the_ticket_until_it_answers(
    tickets_env: Env,
) -> None:
    e = tickets_env
    t = await opened(e)
    out = outsiders(e)
    head = out["catering-head"]
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=head)).status_code == 403
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_department_id": "catering", "reason": "the canteen's tap"},
        headers=e.as_user("plumber"),
    )
    assert r.status_code == 201, r.text
    transfer = r.json()
    incoming = (await e.client.get("/v1/transfers/incoming", headers=head)).json()
    assert [x["id"] for x in incoming] == [transfer["id"]]
    for path in reads_of(t):
        r = await e.client.get(path, headers=head)
        assert r.status_code == 200, (path, r.text)
    # catering's lead and cook do not decide a department's transfer, so do not read it
    for who in ("catering-lead", "north-cook", "plumber-backup"):
        r = await e.client.get(f"/v1/tickets/{t['id']}", headers=out[who])
        assert r.status_code == 403, who
    r = await e.client.post(
        f"/v1/transfers/{transfer['id']}/reject", json={"note": "a leak is plumbing"}, headers=head
    )
    assert r.status_code == 200, r.text
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=head)).status_code == 403
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=e.as_user("plumber"))).json()[
        "team_id"
    ] == "plumbers"


async def test_a_team_queue_and_incoming_transfers_are_for_the_teams_department(
    tickets_env: Env,
) -> None:
    e = tickets_env
    t = await opened(e)
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_team_id": "electricians", "reason": "it is the heater"},
        headers=e.as_user("plumber"),
    )
    assert r.status_code == 201, r.text
    transfer_id = r.json()["id"]
    out = outsiders(e)
    maintenance_head = e.as_user("maintenance-head")
    for team in ("plumbers", "electricians"):
        r = await e.client.get(
            "/v1/queues/team", params={"team_id": team}, headers=maintenance_head
        )
        assert r.status_code == 200, r.text
        r = await e.client.get(
            "/v1/transfers/incoming", params={"team_id": team}, headers=maintenance_head
        )
        assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()] == [transfer_id]  # the electricians'
    r = await e.client.get(
        "/v1/queues/team", params={"team_id": "plumbers"}, headers=maintenance_head
    )
    assert [x["id"] for x in r.json()["items"]] == [t["id"]]
    # the catering head: catering's teams only
    head = out["catering-head"]
    for path in ("/v1/queues/team", "/v1/transfers/incoming"):
        for team in ("plumbers", "electricians", "no-such-team"):
            r = await e.client.get(path, params={"team_id": team}, headers=head)
            assert r.status_code == 403, (path, team, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        r = await e.client.get(path, params={"team_id": "north-canteen-hot"}, headers=head)
        assert r.status_code == 200, (path, r.text)
    for user in ("supervisor", "leader", "admin"):
        r = await e.client.get(
            "/v1/queues/team", params={"team_id": "plumbers"}, headers=e.as_user(user)
        )
        assert r.status_code == 200 and r.json()["total"] == 1, (user, r.text)
    # without team_id: my team's incoming transfers (and my department's, for its head)
    electrician_lead = out["electrician-lead"]
    mine = await e.client.get("/v1/transfers/incoming", headers=electrician_lead)
    assert [x["id"] for x in mine.json()] == [transfer_id]
    mine = await e.client.get("/v1/transfers/incoming", headers=maintenance_head)
    assert [x["id"] for x in mine.json()] == [transfer_id]
    for user in ("plumber", "plumbing-lead"):  # offered to the electricians, not to them
        mine = await e.client.get("/v1/transfers/incoming", headers=e.as_user(user))
        assert mine.json() == [], user
    assert (await e.client.get("/v1/transfers/incoming", headers=head)).json() == []
    # the electricians' lead reads the ticket offered to the team; the plumbers' lead still does
    for headers in (electrician_lead, e.as_user("plumbing-lead")):
        assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=headers)).status_code == 200


def rectification(deadline: datetime, **kw: str) -> dict[str, str]:
    return {"problem": "dorm 7 hot water is lukewarm", "deadline": deadline.isoformat(), **kw}


async def test_rectification_items_are_read_by_their_people(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    deadline = datetime.now(UTC) + timedelta(days=7)
    ids: dict[str, str] = {}
    for name, unit in (
        ("plumbers", {"team_id": "plumbers", "responsible_id": "plumber"}),
        ("maintenance", {"department_id": "maintenance"}),
        ("catering", {"department_id": "catering", "responsible_id": "north-cook"}),
    ):
        r = await e.client.post(
            "/v1/rectifications", json=rectification(deadline, **unit), headers=sup
        )
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    out = outsiders(e)
    people = {
        **{u: e.as_user(u) for u in ("plumber", "plumbing-lead", "maintenance-head", *READERS)},
        **out,
    }

    async def listed(user: str, **params: str) -> set[str]:
        r = await e.client.get("/v1/rectifications", params=params, headers=people[user])
        assert r.status_code == 200, (user, r.text)
        body = r.json()
        assert body["total"] == len(body["items"])
        return {x["id"] for x in body["items"]}

    everything = set(ids.values())
    for user in ("supervisor", "leader", "admin"):
        assert await listed(user) == everything
    assert await listed("maintenance-head") == {ids["plumbers"], ids["maintenance"]}
    assert await listed("maintenance-head", team_id="plumbers") == {ids["plumbers"]}
    assert await listed("maintenance-head", department_id="maintenance") == {
        ids["plumbers"],
        ids["maintenance"],
    }
    assert await listed("plumbing-lead") == {ids["plumbers"]}
    assert await listed("plumber") == {ids["plumbers"]}
    assert await listed("plumber", department_id="maintenance") == {ids["plumbers"]}
    assert await listed("plumber-backup") == set()
    assert await listed("electrician-lead") == set()
    assert await listed("catering-head") == {ids["catering"]}
    assert await listed("north-cook") == {ids["catering"]}
    assert await listed("catering-lead") == set()
    for user in ("catering-head", "catering-lead", "north-cook"):
        for params in ({"department_id": "maintenance"}, {"team_id": "plumbers"}):
            r = await e.client.get("/v1/rectifications", params=params, headers=people[user])
            assert r.status_code == 403, (user, params, r.text)
    r = await e.client.get(
        "/v1/rectifications", params={"team_id": "plumbers"}, headers=people["electrician-lead"]
    )
    assert r.status_code == 403
    readers = {
        "plumbers": (
            "plumber",
            "plumbing-lead",
            "maintenance-head",
            "supervisor",
            "leader",
            "admin",
        ),
        "maintenance": ("maintenance-head", "supervisor", "leader", "admin"),
        "catering": ("catering-head", "north-cook", "supervisor", "leader", "admin"),
    }
    for name, item_id in ids.items():
        for user, headers in people.items():
            r = await e.client.get(f"/v1/rectifications/{item_id}", headers=headers)
            expected = 200 if user in readers[name] else 403
            assert r.status_code == expected, (name, user, r.text)
