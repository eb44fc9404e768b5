"""Nobody confirms or rates their own team's work (issue 14): a plumber (or their lead, or the
head of maintenance) who reports a leak the plumbers fix is refused with a typed problem; the
fix is then auto-confirmed in time, as an unanswered one is."""

from __future__ import annotations

import pytest
from feedback_support import Feedback
from test_feedback_reporter_flow import Ticket, file

from houqin_shared.problem_types import uri

pytestmark = pytest.mark.infra


async def test_a_worker_s_own_report_fixed_by_their_team_is_not_theirs_to_confirm_or_rate(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    colleague = sso.auth("plumber-2", "reporter", "staff", dept="maintenance", team="plumbers")
    head = sso.auth("maint-head", "reporter", "dept_head", dept="maintenance")
    student = sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        reports = [await file(client, h) for h in (colleague, head, student)]
        for report in reports:
            t = Ticket(report)
            await feedback.handle(
                t.opened(), t.assigned("plumber-1"), t.moved("accepted"), t.moved("resolved", "ok")
            )
        for who, report in zip((colleague, head), reports, strict=False):
            rid = report["id"]
            r = await client.post(
                f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=who
            )
            assert r.status_code == 403, r.text
            assert r.json()["type"] == uri("rating-own-team")
            r = await client.post(
                f"/v1/reports/{rid}/rating",
                json={"quality": 5, "timeliness": 5, "attitude": 5},
                headers=who,
            )
            assert r.status_code == 403 and r.json()["type"] == uri("rating-own-team")
            seen = (await client.get(f"/v1/reports/{rid}", headers=who)).json()
            assert seen["awaiting_confirmation"] is True  # nothing changed
        sid = reports[2]["id"]
        r = await client.post(
            f"/v1/reports/{sid}/confirmation", json={"fixed": True}, headers=student
        )
        assert r.status_code == 200, r.text
    assert len(await feedback.events("houqin.feedback.FixConfirmed.v1")) == 1
    assert await feedback.events("houqin.feedback.SatisfactionRated.v1") == []
