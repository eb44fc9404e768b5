"""Reception days: sessions, reports logged at them (channel reception_day, the session as
origin), answered on the spot and closed with the answer."""

from __future__ import annotations

from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
FILED = "houqin.feedback.ComplaintFiled.v1"
ITEM: dict[str, Any] = {
    "kind": "suggestion",
    "category": "canteen",
    "location": {"campus": "south", "building": "south-canteen"},
    "description": "open the south canteen until 21:00 in exam weeks",
    "on_behalf_of": "stu-7",
}


async def test_reception_day_session_reports_and_answers(feedback: Feedback) -> None:
    sso = feedback.sso
    desk = sso.auth("clerk", "front_desk")
    async with feedback.client() as client:
        await feedback.publish(client, "canteen")
        denied = await client.post(
            "/v1/reception-days",
            json={"held_on": "2026-11-21", "place": "x", "leaders": ["a"]},
            headers=sso.auth("s", "reporter"),
        )
        assert denied.status_code == 403
        session = await client.post(
            "/v1/reception-days",
            json={
                "held_on": "2026-11-21",
                "place": "南校区食堂二楼",
                "leaders": ["分管领导", "饮食服务科科长"],
            },
            headers=desk,
        )
        assert session.status_code == 201, session.text
        sid = session.json()["id"]
        answered = await client.post(
            f"/v1/reception-days/{sid}/reports",
            json={**ITEM, "answer": "agreed: from December the south canteen closes at 21:00"},
            headers=desk,
        )
        assert answered.status_code == 201, answered.text
        assert (
            answered.json()["status"] == "closed" and answered.json()["channel"] == "reception_day"
        )
        pending = await client.post(
            f"/v1/reception-days/{sid}/reports",
            json={**ITEM, "kind": "complaint", "description": "soup too salty"},
            headers=desk,
        )
        assert pending.json()["status"] == "filed" and pending.json()["origin"] == sid
        direct = await client.post(
            "/v1/reports",
            json={**ITEM, "channel": "reception_day", "origin": sid},
            headers=desk,
        )
        assert direct.status_code == 201
        unknown = await client.post(
            "/v1/reports",
            json={**ITEM, "channel": "reception_day", "origin": "not-a-session"},
            headers=desk,
        )
        assert unknown.status_code == 422
        missing = await client.post(
            "/v1/reception-days/00000000-0000-0000-0000-000000000000/reports",
            json=ITEM,
            headers=desk,
        )
        assert missing.status_code == 404
        view = await client.get(f"/v1/reception-days/{sid}", headers=desk)
        assert [r["status"] for r in view.json()["reports"]] == ["closed", "filed", "filed"]
        assert "stu-7" not in view.text
        student = sso.auth("stu-7", "reporter")
        tl = await client.get(f"/v1/reports/{answered.json()['id']}/timeline", headers=student)
        assert [(e["kind"], e["status"]) for e in tl.json()] == [
            ("filed", "filed"),
            ("answered_on_spot", "closed"),
        ]
        assert tl.json()[1]["note"].startswith("agreed")
    events = await feedback.events(FILED)
    assert [e["channel"] for e in events] == ["reception_day"] * 3
    assert [e["origin"] for e in events] == [sid] * 3
    assert (
        events[0]["answered_on_spot"].startswith("agreed") and events[1]["answered_on_spot"] is None
    )
    assert events[0]["reporter_id"] == "stu-7"
