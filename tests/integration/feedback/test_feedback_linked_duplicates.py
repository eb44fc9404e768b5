"""Linked duplicates worked as one (issue 14): a report staff link to a primary one follows the
primary's ticket; its reporter sees the progress and the outcome (not the primary reporter's
words), confirms and rates the fix, and those answers name the primary's ticket; the link is
published (ReportLinked) so tickets merges the duplicate's own ticket."""

from __future__ import annotations

import pytest
from feedback_support import Feedback
from test_feedback_reporter_flow import Ticket, file

pytestmark = pytest.mark.infra


async def test_a_linked_reporter_follows_confirms_and_rates_the_primary_s_ticket(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    first, second = sso.auth("stu-a", "reporter"), sso.auth("stu-b", "reporter")
    lead = sso.auth("lead", "team_lead", "staff")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        a = await file(client, first)
        b = await file(client, second, description="water on the floor of 312")
        ta, tb = Ticket(a), Ticket(b)
        await feedback.handle(ta.opened(), tb.opened(), ta.assigned("plumber-1"))
        await feedback.handle(ta.moved("accepted", "on our way"))
        r = await client.post(
            f"/v1/reports/{b['id']}/link", json={"duplicate_of": a["id"]}, headers=lead
        )
        assert r.status_code == 200, r.text
        [event] = await feedback.events("houqin.feedback.ReportLinked.v1")
        assert (event["report_id"], event["primary_report_id"]) == (b["id"], a["id"])
        seen = (await client.get(f"/v1/reports/{b['id']}", headers=second)).json()
        assert (seen["status"], seen["ticket_status"]) == ("accepted", "accepted")
        # the merged ticket's own late news no longer moves the linked report
        await feedback.handle(tb.moved("cannot_handle", "not ours"))
        assert (await client.get(f"/v1/reports/{b['id']}", headers=second)).json()[
            "status"
        ] == "accepted"
        await feedback.handle(ta.moved("cannot_handle", "the riser pipe needs the city"))
        answered = await client.post(
            f"/v1/reports/{a['id']}/answers", json={"text": "call me on 13912345678"}, headers=first
        )
        assert answered.status_code == 201, answered.text
        await feedback.handle(ta.moved("accepted", "the city came"))
        await feedback.handle(ta.moved("resolved", "new washer fitted"))
        for who, rid in ((first, a["id"]), (second, b["id"])):
            seen = (await client.get(f"/v1/reports/{rid}", headers=who)).json()
            assert (seen["status"], seen["awaiting_confirmation"]) == ("resolved", True)
        tl = (await client.get(f"/v1/reports/{b['id']}/timeline", headers=second)).json()
        assert [e["status"] for e in tl if e["of_linked_report"]][-1] == "resolved"
        assert "new washer fitted" in [e["note"] for e in tl]  # the outcome, told to both
        assert "13912345678" not in str(tl)  # not the primary reporter's own words
        confirmed = await client.post(
            f"/v1/reports/{b['id']}/confirmation", json={"fixed": True}, headers=second
        )
        assert confirmed.status_code == 200, confirmed.text
        [fix] = await feedback.events("houqin.feedback.FixConfirmed.v1")
        assert fix["report_id"] == b["id"] and fix["ticket_id"] == str(ta.id)
        rated = await client.post(
            f"/v1/reports/{b['id']}/rating",
            json={"quality": 5, "timeliness": 4, "attitude": 5},
            headers=second,
        )
        assert rated.status_code == 201, rated.text
        [rating] = await feedback.events("houqin.feedback.SatisfactionRated.v1")
        assert rating["ticket_id"] == str(ta.id)
        # the primary's reporter still confirms for themself
        seen = (await client.get(f"/v1/reports/{a['id']}", headers=first)).json()
        assert seen["awaiting_confirmation"] is True
