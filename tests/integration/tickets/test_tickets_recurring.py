"""Recurring problems (重复问题) are listed for those who answer for them and acknowledged with
what is being done (issue 14; seed 000 §六5); one that comes back is open again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, complaint

pytestmark = pytest.mark.infra

PROBLEM = "plumbing@north/north-dorm-7/3/312"


async def listed(e: Env, user: str | dict[str, str], **params: Any) -> list[dict[str, Any]]:
    headers = e.as_user(user) if isinstance(user, str) else user
    r = await e.client.get("/v1/recurring-problems", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_recurring_problems_are_listed_acknowledged_and_reopened(tickets_env: Env) -> None:
    e = tickets_env
    now = datetime.now(UTC)
    for i in range(3):  # the default rule: 3 times in 30 days
        await e.handle(complaint("plumbing"), time=now + timedelta(minutes=i))
    [found] = await listed(e, "supervisor")
    assert (found["problem_id"], found["count"], found["detections"]) == (PROBLEM, 3, 1)
    assert (found["team_id"], found["department_id"]) == ("plumbers", "maintenance")
    assert found["building_name"] and found["team_name"] and found["department_name"]
    assert len(found["ticket_ids"]) == 3 and found["acknowledged_at"] is None
    # within the department and team only; staff do not review them
    assert [x["problem_id"] for x in await listed(e, "maintenance-head")] == [PROBLEM]
    assert [x["problem_id"] for x in await listed(e, "plumbing-lead")] == [PROBLEM]
    other_head = e.sso.auth("catering-head", "dept_head", dept="catering")
    assert await listed(e, other_head) == []
    other_lead = e.sso.auth("cook-lead", "team_lead", dept="catering", team="north-canteen-hot")
    assert await listed(e, other_lead) == []
    r = await e.client.get("/v1/recurring-problems", headers=e.as_user("plumber"))
    assert r.status_code == 403

    ack = {"problem_id": PROBLEM, "note": "更换312房整段老化水管，本周五完成"}
    for who in (other_head, other_lead, e.as_user("plumber"), e.as_user("admin")):
        r = await e.client.post("/v1/recurring-problems/acknowledge", json=ack, headers=who)
        assert r.status_code == 403, r.text
    unknown = {**ack, "problem_id": "plumbing@nowhere"}
    r = await e.client.post(
        "/v1/recurring-problems/acknowledge", json=unknown, headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 404 and r.json()["type"].endswith("/recurring-problem-not-found")
    r = await e.client.post(
        "/v1/recurring-problems/acknowledge", json=ack, headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 200, r.text
    assert (r.json()["acknowledged_by"], r.json()["acknowledgement"]) == (
        "plumbing-lead",
        ack["note"],
    )
    r = await e.client.post(
        "/v1/recurring-problems/acknowledge", json=ack, headers=e.as_user("maintenance-head")
    )
    assert r.status_code == 409
    assert await listed(e, "supervisor", open_only=True) == []

    # it comes back after the window: detected again, open again
    later = now + timedelta(days=31)
    for i in range(3):
        await e.handle(complaint("plumbing"), time=later + timedelta(minutes=i))
    [again] = await listed(e, "supervisor", open_only=True)
    assert (again["problem_id"], again["detections"]) == (PROBLEM, 2)
    assert again["acknowledged_at"] is None and again["acknowledgement"] is None
