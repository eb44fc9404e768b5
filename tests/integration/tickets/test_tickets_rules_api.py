"""Recurring problems (N times in D days at one place and category, once per window) and the
working calendar as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tickets_support import Env, complaint, opened

pytestmark = pytest.mark.infra
SH = ZoneInfo("Asia/Shanghai")


async def test_recurring_problem_is_detected_once_per_window(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.put(
        "/v1/directory/rules",
        json={"recurring_count": 3, "recurring_days": 30},
        headers=e.as_user("admin"),
    )
    assert r.status_code == 200
    now = datetime.now(UTC)
    same = [complaint("plumbing") for _ in range(5)]
    await e.handle(same[0], time=now - timedelta(days=40))  # outside the window
    await e.handle(same[1], time=now - timedelta(days=10))
    await e.handle(
        complaint("plumbing", campus="north", building="north-dorm-7", floor="3", room="313")
    )
    await e.handle(complaint("electrical"))
    assert await e.outbox("RecurringProblemDetected") == []
    await e.handle(same[2], time=now)
    assert await e.outbox("RecurringProblemDetected") == []  # two inside the window
    await e.handle(same[3], time=now + timedelta(minutes=1))
    await e.handle(same[4], time=now + timedelta(minutes=2))  # inside the window: not again
    [found] = [x["data"] for x in await e.outbox("RecurringProblemDetected")]
    assert found["count"] == 3 and found["window_days"] == 30 and found["category"] == "plumbing"
    assert (
        found["problem_id"] == "plumbing@north/north-dorm-7/3/312"
        and found["team_id"] == "plumbers"
    )
    assert len(found["ticket_ids"]) == 3


async def test_the_working_calendar_is_data(tickets_env: Env) -> None:
    e = tickets_env
    today = datetime.now(SH).date()
    day = today + timedelta(days=2)
    off = [(today + timedelta(days=i)).isoformat() for i in range(2)]
    doc = {
        "weekdays": list(range(7)),
        "holidays": off,
        "hours": [{"start": "08:00", "end": "12:00"}],
    }
    r = await e.client.put("/v1/directory/calendar", json=doc, headers=e.as_user("admin"))
    assert r.status_code == 200, r.text
    t = await opened(e)  # normal urgency: 60 working minutes to accept
    due = datetime.fromisoformat(t["accept_due_at"]).astimezone(SH)
    assert (due.date(), due.hour, due.minute) == (day, 9, 0)
    for bad in (
        {"hours": [{"start": "12:00", "end": "08:00"}]},
        {"weekdays": [False]},  # a boolean is not a weekday (found by the fuzzer)
        {"weekdays": [7]},
    ):
        r = await e.client.put("/v1/directory/calendar", json=bad, headers=e.as_user("admin"))
        assert r.status_code == 422, (bad, r.text)
    assert (
        await e.client.put(
            "/v1/directory/calendar", json={"tz": "Mars/Base"}, headers=e.as_user("admin")
        )
    ).status_code == 422
    assert (
        await e.client.put("/v1/directory/calendar", json=doc, headers=e.as_user("supervisor"))
    ).status_code == 403
    assert (await e.client.get("/v1/directory/calendar", headers=e.as_user("plumber"))).json()[
        "holidays"
    ] == off
