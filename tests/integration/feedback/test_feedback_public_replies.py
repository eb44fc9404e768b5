"""Published replies (issue 14): an answered suggestion's reply, worded for the public by its
team lead, department head or a supervisor, appears on the public board; never for a private
service, an anonymous report or a complaint, never before it is answered, never the reporter's
words or identity."""

from __future__ import annotations

from typing import Any

import pytest
from feedback_support import Feedback
from test_feedback_reporter_flow import Ticket, file

from houqin_shared.problem_types import uri

pytestmark = pytest.mark.infra
WORDED = {"question": "宿舍楼热水能否延长供应时间？", "reply": "自下周一起热水供应延长至 23:30。"}


async def test_an_answered_suggestion_s_reply_is_published_on_the_board(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    lead = sso.auth("plumbing-lead", "team_lead", "staff", dept="maintenance", team="plumbers")
    other_lead = sso.auth("el-lead", "team_lead", "staff", dept="maintenance", team="electricians")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing", public=True)
        await feedback.publish(client, "clinic")  # not public
        private_words = "I am Zhang San of room 312, phone 13912345678, hot water please"
        asked = await file(client, student, kind="suggestion", description=private_words)
        anonymous = await file(client, student, kind="suggestion", anonymous=True)
        private = await file(client, student, kind="suggestion", category="clinic")
        complaint = await file(client, student, kind="complaint")
        for report in (asked, anonymous, private, complaint):
            t = Ticket(report)
            await feedback.handle(t.opened(), t.assigned("plumbing-lead"))
        path = f"/v1/board/replies/{asked['id']}"

        async def put(who: dict[str, str], report: dict[str, Any] = asked) -> Any:
            return await client.put(f"/v1/board/replies/{report['id']}", json=WORDED, headers=who)

        early = await put(lead)
        assert early.status_code == 409 and early.json()["type"] == uri("public-reply-not-answered")
        for report in (asked, anonymous, private, complaint):
            await feedback.handle(Ticket(report).moved("resolved", "延长至 23:30"))
        assert (await put(student)).status_code == 403  # not a role that answers
        wrong = await put(other_lead)
        assert wrong.status_code == 403 and wrong.json()["type"] == uri("public-reply-forbidden")
        for report in (anonymous, private, complaint):
            r = await put(lead, report)
            assert r.status_code == 409 and r.json()["type"] == uri("public-reply-not-public")
        r = await client.put(path, json=WORDED, headers=lead)
        assert r.status_code == 200, r.text
        board = await client.get("/v1/board")
        assert board.status_code == 200
        [shown] = board.json()["replies"]
        assert (shown["question"], shown["reply"]) == (WORDED["question"], WORDED["reply"])
        assert shown["category"] == "plumbing" and shown["kind"] == "suggestion"
        for secret in ("stu-1", "13912345678", "Zhang San", asked["id"], "plumbing-lead"):
            assert secret not in board.text
        # the service made private again: its replies leave the board
        await feedback.publish(client, "plumbing", public=False)
        assert (await client.get("/v1/board")).json()["replies"] == []
