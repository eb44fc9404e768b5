"""ComplaintFiled opens a routed, assigned ticket once (TicketOpened then TicketAssigned), to the
post's primary, or the backup when the primary is off duty or on leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env, complaint

from houqin_shared.contracts import ComplaintFiled
from houqin_shared.contracts.base import Envelope
from tickets.__main__ import SPEC

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


async def test_a_burst_of_reports_opens_together_as_one_by_one(tickets_env: Env) -> None:
    """The worker hands a run of ComplaintFiled to the batch handler: each report still gets
    one ticket (a report twice in the batch, or again later, changes nothing), its events carry
    its own correlation id, and the recurring check sees the whole batch."""
    e = tickets_env
    same_room = [complaint() for _ in range(3)]
    elsewhere = complaint(campus="north", building="north-dorm-7", floor="1", room="101")
    canteen = complaint("canteen", campus="south", building="south-canteen")
    envs = [
        Envelope(c, correlation_id=f"req-{i}")
        for i, c in enumerate([*same_room, elsewhere, canteen])
    ]
    envs.append(Envelope(same_room[0], correlation_id="req-again"))  # the same report again
    async with e.pool.acquire() as conn, conn.transaction():
        await SPEC.batch_handlers[ComplaintFiled](conn, envs)
    async with e.pool.acquire() as conn, conn.transaction():
        await SPEC.batch_handlers[ComplaintFiled](conn, envs[:2])  # redelivered later
    assert await e.pool.fetchval("SELECT count(*) FROM tickets") == 5
    rows = await e.pool.fetch(
        "SELECT event_type, key, headers->>'ce_correlationid' AS corr FROM outbox ORDER BY id"
    )
    opened = [r for r in rows if r["event_type"].endswith("TicketOpened.v1")]
    assert [r["corr"] for r in opened] == ["req-0", "req-1", "req-2", "req-3", "req-4"]
    assigned = [r for r in rows if r["event_type"].endswith("TicketAssigned.v1")]
    assert {r["corr"] for r in assigned} <= {f"req-{i}" for i in range(5)} and assigned
    [recurring] = await e.outbox("RecurringProblemDetected")
    assert recurring["data"]["count"] == 3
    assert recurring["data"]["problem_id"] == "plumbing@north/north-dorm-7/3/312"
    by_report = await e.client.get(
        f"/v1/tickets/by-report/{same_room[1].report_id}", headers=e.as_user("supervisor")
    )
    assert by_report.json()["assignee_id"] == "plumber"
