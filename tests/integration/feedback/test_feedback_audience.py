"""Who follows a report (GET /v1/reports/{id}/audience) is for notify's client alone: the client
scope houqin.audience.read, not the role every campus system has; every read is audited (issue
14: the IoT sensors' account read the teacher's user id and no audit row was written)."""

from __future__ import annotations

from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
SCOPE = "houqin.audience.read"


async def test_the_audience_needs_the_notify_scope_and_every_read_is_audited(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    teacher = sso.auth("teacher-1", "reporter")
    iot = sso.auth("campus-iot", "service")
    report: dict[str, Any] = {
        "kind": "complaint",
        "category": "canteen",
        "location": {"building": "south-canteen"},
        "description": "the cook at window 3 was rude to me",
        "anonymous": True,
    }
    async with feedback.client() as client:
        await feedback.publish(client, "canteen", department_id="catering")
        filed = await client.post("/v1/reports", json=report, headers=teacher)
        assert filed.status_code == 201, filed.text
        url = f"/v1/reports/{filed.json()['id']}/audience"

        refused = await client.get(url, headers=iot)
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"].endswith("/audience-scope-required")
        assert "teacher-1" not in refused.text
        notify = {"Authorization": "Bearer " + sso.issuer.issue("notify", ["service"], scope=SCOPE)}
        scoped_student = {
            "Authorization": "Bearer " + sso.issuer.issue("stu-9", ["reporter"], scope=SCOPE)
        }
        for other in (scoped_student, sso.auth("sup-1", "supervisor"), teacher):
            assert (await client.get(url, headers=other)).status_code == 403
        assert await feedback.fetch("SELECT * FROM unmask_audit") == []

        read = await client.get(url, headers=notify)
        assert read.status_code == 200 and read.json()["user_ids"] == ["teacher-1"]
        rows = await feedback.fetch("SELECT report_id, supervisor_id, kind FROM unmask_audit")
        assert [(str(r["report_id"]), r["supervisor_id"], r["kind"]) for r in rows] == [
            (filed.json()["id"], "notify", "audience")
        ]
        log = await client.get("/v1/audit/unmaskings", headers=sso.auth("sup-1", "supervisor"))
        assert [(e["supervisor_id"], e["kind"]) for e in log.json()] == [("notify", "audience")]
        doc = (await client.get("/openapi.json")).json()
        refusals = doc["paths"]["/v1/reports/{report_id}/audience"]["get"]["responses"]
        assert "403" in refusals
