"""What the reporter sees after "cannot be handled" (issue 14): reassigned or transferred by the
lead, the report is in progress again; a supervisor accepting a cannot-be-done reason corrects
the figures without a second "closed" on the reporter's timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from feedback_support import Feedback
from test_feedback_reporter_flow import Ticket, file

from houqin_shared.contracts import TicketTransferred

pytestmark = pytest.mark.infra


async def test_reassigned_or_transferred_it_is_in_progress_again(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        a, b = await file(client, student), await file(client, student)
        ta, tb = Ticket(a), Ticket(b)
        for t in (ta, tb):
            await feedback.handle(
                t.opened(), t.assigned("plumber-1"), t.moved("cannot_handle", "needs a welder")
            )
        await feedback.handle(ta.assigned("plumber-2"))  # the lead reassigns it
        transfer = TicketTransferred(
            **tb.common(), transfer_id=uuid.uuid4(), state="accepted",
            from_department_id="maintenance", to_department_id="property",
            to_team_id="north-roads", reason="a drain", transfer_count=1, at=datetime.now(UTC),
        )  # fmt: skip
        await feedback.handle(transfer)
        seen_a = (await client.get(f"/v1/reports/{a['id']}", headers=student)).json()
        seen_b = (await client.get(f"/v1/reports/{b['id']}", headers=student)).json()
    assert (seen_a["status"], seen_a["ticket_status"]) == ("assigned", "assigned")
    assert (seen_b["status"], seen_b["ticket_status"]) == ("ticket_opened", "new")


async def test_an_accepted_reason_is_one_close_on_the_timeline(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, student)
        t = Ticket(report)
        await feedback.handle(
            t.opened(), t.assigned("plumber-1"), t.moved("cannot_handle", "needs a welder")
        )
        closed = t.moved("closed", "不能办理: the building is to be demolished")
        closed = closed.model_copy(update={"closed_as": "cannot_be_done", "stage": "finish",
                                           "on_time": False})  # fmt: skip
        accepted = closed.model_copy(
            update={"previous_status": "closed", "on_time": True, "reason_accepted_by": "sup-1"}
        )
        await feedback.handle(closed, accepted)
        tl = (await client.get(f"/v1/reports/{report['id']}/timeline", headers=student)).json()
    assert [e["status"] for e in tl].count("closed") == 1
    [row] = await feedback.fetch("SELECT finished_on_time FROM reports")
    assert row["finished_on_time"] is True  # the figures follow the acceptance
