"""查询进度 without an account (tracking number + access code), the reporter's four tabs, and
the typed error of a low rating without a comment."""

from __future__ import annotations

import json
from typing import Any

import pytest
from feedback_support import Feedback
from test_feedback_reporter_flow import Ticket

pytestmark = pytest.mark.infra
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks in room 312, call 张三 13900000000",
    "contact": "13900000000",
}
SECRETS = ("张三", "13900000000", "312", "north-dorm-7", "stu-1", "desk-1", "plumber-1")


async def test_a_caller_tracks_with_number_and_code(feedback: Feedback) -> None:
    desk = feedback.sso.auth("desk-1", "front_desk")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing", name="水电维修")
        filed = await client.post(
            "/v1/reports",
            json={**REPORT, "channel": "hotline", "anonymous": True},
            headers=desk,
        )
        assert filed.status_code == 201, filed.text
        report = filed.json()
        assert report["stage"] == "received"
        code = report["access_code"]
        assert len(code) == 8 and code.isalnum() and not set(code) & set("01OIL")
        # Only its hash is stored.
        stored = await feedback.fetch("SELECT access_hash FROM reports")
        assert stored[0]["access_hash"] and code.encode() not in bytes(stored[0]["access_hash"])
        # Nobody reading the report later sees the code again.
        again = await client.get(f"/v1/reports/{report['id']}", headers=desk)
        assert again.json()["access_code"] is None

        ticket = Ticket(report)
        await feedback.handle(ticket.opened(), ticket.assigned("plumber-1"))
        await feedback.handle(ticket.moved("accepted", note="张三's tap: on my way"))

        tracked = await client.post(
            "/v1/track", json={"tracking_no": report["tracking_no"], "code": code.lower()}
        )
        assert tracked.status_code == 200, tracked.text
        out = tracked.json()
        assert out["tracking_no"] == report["tracking_no"]
        assert (out["kind"], out["category"], out["category_name"]) == (
            "repair",
            "plumbing",
            "水电维修",
        )
        assert out["status"] == "accepted" and out["stage"] == "in_progress"
        assert [s["kind"] for s in out["steps"]] == ["filed", "ticket_opened", "assigned", "status"]
        assert all(s["at"] for s in out["steps"])
        # An anonymous report stays anonymous: no name, contact, place, text or note.
        text = json.dumps(out, ensure_ascii=False)
        assert not [s for s in SECRETS if s in text], text
        assert set(out) == {
            "tracking_no", "kind", "category", "category_name", "status", "stage", "filed_at",
            "steps",
        }  # fmt: skip


async def test_wrong_code_and_unknown_number_look_the_same(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = (await client.post("/v1/reports", json=REPORT, headers=student)).json()
        right = report["access_code"]
        wrong = "23456789" if right != "23456789" else "98765432"
        answers = [
            await client.post("/v1/track", json={"tracking_no": n, "code": c})
            for n, c in [
                (report["tracking_no"], wrong),
                ("FK20000101-0001", right),
            ]
        ]
        for a in answers:
            assert a.status_code == 404
            assert a.headers["content-type"].startswith("application/problem+json")
        bodies = [{k: v for k, v in a.json().items() if k != "instance"} for a in answers]
        assert bodies[0] == bodies[1]
        assert bodies[0]["type"] == "https://houqin.dev/problems/track-not-found"
        bad = await client.post("/v1/track", json={"tracking_no": "nope", "code": right})
        assert bad.status_code == 422
        assert (await client.post("/v1/track", json={"tracking_no": report["tracking_no"],
                "code": f"{right[:4]}-{right[4:]}"})).status_code == 200  # fmt: skip


async def test_guessing_is_rate_limited(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client(rate_track_burst=3, rate_track_per_min=1) as client:
        await feedback.publish(client, "plumbing")
        report = (await client.post("/v1/reports", json=REPORT, headers=student)).json()
        guess = {"tracking_no": report["tracking_no"], "code": "22222222"}
        codes = [(await client.post("/v1/track", json=guess)).status_code for _ in range(5)]
        assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
        limited = await client.post("/v1/track", json=guess)
        assert limited.json()["type"] == "https://houqin.dev/problems/rate-limited"
        assert int(limited.headers["Retry-After"]) >= 1


async def test_a_retried_filing_gets_a_new_code(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    key = {"Idempotency-Key": "retry-1"}
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        first = (await client.post("/v1/reports", json=REPORT, headers={**student, **key})).json()
        second = await client.post("/v1/reports", json=REPORT, headers={**student, **key})
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json()["id"] == first["id"]
        codes = [first["access_code"], second.json()["access_code"]]
        assert codes[0] != codes[1]
        answers = [
            (await client.post(
                "/v1/track", json={"tracking_no": first["tracking_no"], "code": c}
            )).status_code
            for c in codes
        ]  # fmt: skip
        assert answers == [404, 200]


async def test_my_reports_by_tab(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        filed = [
            (await client.post("/v1/reports", json=REPORT, headers=student)).json()
            for _ in range(4)
        ]
        working, resolved, rated = (Ticket(r) for r in filed[1:])
        for t in (working, resolved, rated):
            await feedback.handle(t.opened(), t.assigned("plumber-1"), t.moved("accepted"))
        for t in (resolved, rated):
            await feedback.handle(t.moved("on_site"), t.moved("resolved"))

        async def tab(stage: str) -> list[str]:
            r = await client.get("/v1/reports", params={"stage": stage}, headers=student)
            assert r.status_code == 200, r.text
            assert all(x["stage"] == stage for x in r.json())
            return [x["tracking_no"] for x in r.json()]

        no = [r["tracking_no"] for r in filed]
        assert await tab("received") == [no[0]]
        assert await tab("in_progress") == [no[1]]
        assert await tab("to_confirm") == [no[3], no[2]]
        rid = filed[3]["id"]
        ok = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=student
        )
        assert ok.status_code == 200, ok.text
        assert await tab("to_confirm") == [no[3], no[2]]  # confirmed, not yet rated
        low = {"quality": 2, "timeliness": 4, "attitude": 4}
        refused = await client.post(f"/v1/reports/{rid}/rating", json=low, headers=student)
        assert refused.status_code == 422
        error = refused.json()["errors"][0]
        assert error["loc"] == ["body", "comment"]
        assert error["type"] == "rating_comment_required"
        rating = {**low, "comment": "slow"}
        r = await client.post(f"/v1/reports/{rid}/rating", json=rating, headers=student)
        assert r.status_code == 201, r.text
        assert await tab("to_confirm") == [no[2]]
        assert await tab("done") == [no[3]]
        one = await client.get(f"/v1/reports/{rid}", headers=student)
        assert one.json()["stage"] == "done"
        bad = await client.get("/v1/reports", params={"stage": "nope"}, headers=student)
        assert bad.status_code == 422
