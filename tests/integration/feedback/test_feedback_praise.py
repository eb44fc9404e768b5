"""A praise opens no work (issue 14, "Why": "张师傅修得又快又好" became a plumbing ticket due
tomorrow): feedback closes it at intake and thanks the reporter, so it is done in "my reports",
not waiting for a ticket that never comes; its ComplaintFiled still says kind praise."""

from __future__ import annotations

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
PRAISE = {
    "kind": "praise",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "张师傅修得又快又好",
}


async def test_a_praise_is_closed_with_thanks_at_intake(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        r = await client.post("/v1/reports", json=PRAISE, headers=student)
        assert r.status_code == 201, r.text
        filed = r.json()
        assert (filed["status"], filed["stage"]) == ("closed", "done")
        rid = filed["id"]
        seen = (await client.get(f"/v1/reports/{rid}", headers=student)).json()
        assert (seen["status"], seen["stage"]) == ("closed", "done")
        tl = (await client.get(f"/v1/reports/{rid}/timeline", headers=student)).json()
        thanks = [e for e in tl if e["kind"] == "praise_thanked"]
        assert len(thanks) == 1 and thanks[0]["status"] == "closed"
        assert "感谢您的表扬" in thanks[0]["note"] and "Thank you" in thanks[0]["note"]
        for stage, expected in (("done", [rid]), ("received", []), ("in_progress", [])):
            mine = await client.get("/v1/reports", params={"stage": stage}, headers=student)
            assert [x["id"] for x in mine.json()] == expected, stage
        repair = await client.post(
            "/v1/reports", json={**PRAISE, "kind": "repair"}, headers=student
        )
        assert (repair.json()["status"], repair.json()["stage"]) == ("filed", "received")
    kinds = [e["kind"] for e in await feedback.events("houqin.feedback.ComplaintFiled.v1")]
    assert kinds == ["praise", "repair"]
