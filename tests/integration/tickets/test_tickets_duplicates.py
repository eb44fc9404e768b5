"""Linked duplicates worked as one (issue 14): feedback's ReportLinked merges the duplicate's own
ticket into the primary's (no second ticket to work, out of the recurring count), and every
linked reporter's answers reach the primary's ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, complaint

from houqin_shared.contracts import ComplaintFiled, FixConfirmed, FixRejected, ReportLinked

pytestmark = pytest.mark.infra


def linked(dup: ComplaintFiled, primary: ComplaintFiled) -> ReportLinked:
    return ReportLinked(
        report_id=dup.report_id, tracking_no=dup.tracking_no,
        primary_report_id=primary.report_id, primary_tracking_no=primary.tracking_no,
        category=dup.category, linked_at=datetime.now(UTC),
    )  # fmt: skip


async def ticket_of(e: Env, report: ComplaintFiled) -> dict[str, Any]:
    r = await e.client.get(
        f"/v1/tickets/by-report/{report.report_id}", headers=e.as_user("supervisor")
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_linked_report_s_ticket_is_merged_and_its_answers_reach_the_primary(
    tickets_env: Env,
) -> None:
    e = tickets_env
    a, b = complaint(), complaint()
    await e.handle(a)
    await e.handle(b)
    me = e.as_user("plumber")
    to_work = {"status": ["new", "assigned", "accepted", "on_site", "paused", "reopened"]}
    mine = await e.client.get("/v1/queues/mine", params=to_work, headers=me)
    assert mine.json()["total"] == 2, mine.text
    await e.handle(linked(b, a))
    await e.handle(linked(b, a))  # told twice: merged once
    ta, tb = await ticket_of(e, a), await ticket_of(e, b)
    assert (tb["status"], tb["closed_as"], tb["merged_into"]) == ("closed", "duplicate", ta["id"])
    assert ta["status"] == "assigned" and ta["merged_into"] is None
    mine = await e.client.get("/v1/queues/mine", params=to_work, headers=me)
    assert [t["id"] for t in mine.json()["items"]] == [ta["id"]]  # one ticket to work
    [merged] = [x["data"] for x in await e.outbox("TicketMerged")]
    assert (merged["ticket_id"], merged["into_ticket_id"]) == (tb["id"], ta["id"])
    assert merged["assignee_id"] == "plumber" and merged["previous_status"] == "assigned"
    audit = (await e.client.get(f"/v1/tickets/{tb['id']}/actions", headers=me)).json()
    assert audit[-1]["action"] == "merge" and a.tracking_no in audit[-1]["note"]
    for move, body in (("accept", None), ("on-site", None), ("resolve", {"note": "washer"})):
        r = await e.client.post(f"/v1/tickets/{ta['id']}/{move}", json=body, headers=me)
        assert r.status_code == 200, r.text
    # the linked reporter says it is not fixed: the primary's ticket reopens, not the merged one
    now = datetime.now(UTC)
    await e.handle(
        FixRejected(
            report_id=b.report_id,
            tracking_no=b.tracking_no,
            ticket_id=ta["id"],
            reason="still drips",
            rejected_at=now,
        )
    )
    ta, tb = await ticket_of(e, a), await ticket_of(e, b)
    assert (ta["status"], tb["status"]) == ("reopened", "closed")
    for move, body in (("accept", None), ("on-site", None), ("resolve", {"note": "new tap"})):
        r = await e.client.post(f"/v1/tickets/{ta['id']}/{move}", json=body, headers=me)
        assert r.status_code == 200, r.text
    await e.handle(
        FixConfirmed(
            report_id=b.report_id,
            tracking_no=b.tracking_no,
            auto=False,
            confirmed_at=now + timedelta(minutes=1),
        )
    )
    assert (await ticket_of(e, a))["status"] == "closed"


async def test_work_done_is_not_merged_and_merged_tickets_leave_the_recurring_count(
    tickets_env: Env,
) -> None:
    e = tickets_env
    now = datetime.now(UTC)
    a, b = complaint(), complaint()
    await e.handle(a, time=now)
    await e.handle(b, time=now + timedelta(minutes=1))
    await e.handle(linked(b, a))
    c = complaint()  # the third report here in 30 days, but one of the three was merged
    await e.handle(c, time=now + timedelta(minutes=2))
    assert await e.outbox("RecurringProblemDetected") == []
    # a ticket already resolved keeps its work: not merged
    tc = await ticket_of(e, c)
    me = e.as_user("plumber")
    for move, body in (("accept", None), ("on-site", None), ("resolve", {"note": "washer"})):
        r = await e.client.post(f"/v1/tickets/{tc['id']}/{move}", json=body, headers=me)
        assert r.status_code == 200, r.text
    await e.handle(linked(c, a))
    assert (await ticket_of(e, c))["status"] == "resolved"
    assert len(await e.outbox("TicketMerged")) == 1
