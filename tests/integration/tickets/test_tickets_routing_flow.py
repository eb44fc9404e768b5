"""ComplaintFiled opens a routed, assigned ticket once (TicketOpened then TicketAssigned), to the
post's primary, or the backup when the primary is off duty or on leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env, complaint

pytestmark = pytest.mark.infra


async def test_plumbing_in_north_dorm_7_goes_to_the_primary_once(tickets_env: Env) -> None:
    e = tickets_env
    filed = complaint("plumbing")
    await e.handle(filed)
    await e.handle(filed)  # redelivered: still one ticket, no second events
    r = await e.client.get(
        f"/v1/tickets/by-report/{filed.report_id}", headers=e.as_user("supervisor")
    )
    assert r.status_code == 200, r.text
    t = r.json()
    assert (t["status"], t["team_id"], t["department_id"]) == (
        "assigned",
        "plumbers",
        "maintenance",
    )
    assert (t["assignee_id"], t["assigned_via"]) == ("plumber", "primary")
    got = [
        (x["event_type"].split(".")[2], x["key"]) for x in await e.outbox() if x["key"] == t["id"]
    ]
    assert got == [("TicketOpened", t["id"]), ("TicketAssigned", t["id"])]
    [assigned] = await e.outbox("TicketAssigned")
    assert assigned["data"]["via"] == "primary" and assigned["data"]["assignee_id"] == "plumber"
    r = await e.client.get(f"/v1/tickets/{t['id']}", headers=e.as_user("plumber"))
    assert r.json()["tracking_no"] == filed.tracking_no


async def test_backup_takes_over_when_the_primary_is_away(tickets_env: Env) -> None:
    e = tickets_env
    lead = e.as_user("plumbing-lead")
    now = datetime.now(UTC)
    r = await e.client.post(
        "/v1/directory/staff/plumber/leave",
        json={
            "start": (now - timedelta(hours=1)).isoformat(),
            "end": (now + timedelta(days=1)).isoformat(),
        },
        headers=lead,
    )
    assert r.status_code == 201
    on_leave = complaint("plumbing")
    await e.handle(on_leave)
    r = await e.client.delete(f"/v1/directory/staff/plumber/leave/{r.json()['id']}", headers=lead)
    assert r.status_code == 204
    await e.client.put("/v1/directory/staff/plumber/on-duty", json={"on_duty": False}, headers=lead)
    off_duty = complaint("plumbing")
    await e.handle(off_duty)
    await e.client.put(
        "/v1/directory/staff/plumber-backup/on-duty", json={"on_duty": False}, headers=lead
    )
    nobody = complaint("plumbing")
    await e.handle(nobody)
    sup = e.as_user("supervisor")
    tickets = [
        (await e.client.get(f"/v1/tickets/by-report/{c.report_id}", headers=sup)).json()
        for c in (on_leave, off_duty, nobody)
    ]
    assert [(t["assignee_id"], t["assigned_via"], t["status"]) for t in tickets] == [
        ("plumber-backup", "backup", "assigned"),
        ("plumber-backup", "backup", "assigned"),
        (None, None, "new"),  # waits in the team's queue
    ]
    assert [a["data"]["via"] for a in await e.outbox("TicketAssigned")] == ["backup", "backup"]


async def test_other_categories_and_the_department_queue(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    cases = [
        (complaint("electrical"), ("electricians", "maintenance", "electrician")),
        (complaint("cleaning"), ("north-roads", "property", "north-cleaner")),
        (
            complaint("canteen", campus="north", building="north-canteen"),
            ("north-canteen-hot", "catering", "north-cook"),
        ),
        (complaint("canteen", campus="south", building="south-dorm-3"), (None, "catering", None)),
    ]
    for c, _ in cases:
        await e.handle(c)
    for c, want in cases:
        t = (await e.client.get(f"/v1/tickets/by-report/{c.report_id}", headers=sup)).json()
        assert (t["team_id"], t["department_id"], t["assignee_id"]) == want
    opened = {o["data"]["report_id"]: o["data"] for o in await e.outbox("TicketOpened")}
    assert opened[str(cases[3][0].report_id)]["department_id"] == "catering"


async def test_a_report_answered_on_the_spot_opens_no_ticket(tickets_env: Env) -> None:
    e = tickets_env
    answered = complaint("plumbing").model_copy(
        update={"channel": "reception_day", "answered_on_spot": "已答复"}
    )
    await e.handle(answered)
    r = await e.client.get(
        f"/v1/tickets/by-report/{answered.report_id}", headers=e.as_user("supervisor")
    )
    assert r.status_code == 404
    assert [
        x for x in await e.outbox() if x["data"].get("report_id") == str(answered.report_id)
    ] == []
