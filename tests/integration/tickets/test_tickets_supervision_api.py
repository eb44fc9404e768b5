"""Inspections (score, findings -> rectification items, InspectionRecorded) and incidents
(verify, appeal, overturn or uphold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env

pytestmark = pytest.mark.infra


async def test_inspection_scores_and_findings_become_items(tickets_env: Env) -> None:
    e = tickets_env
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    body = {
        "kind": "safety",
        "unit_type": "team",
        "unit_id": "north-canteen-hot",
        "items": [
            {"name": "hygiene", "score": 18, "max_score": 20},
            {"name": "gas valves", "score": 27, "max_score": 30},
        ],
        "photos": ["https://files.example/1.jpg"],
        "findings": [
            {
                "problem": "gas hose cracked",
                "deadline": deadline,
                "hazard": True,
                "responsible_id": "north-cook",
            },
            {"problem": "fridge log missing", "deadline": deadline},
        ],
    }
    r = await e.client.post("/v1/inspections", json=body, headers=e.as_user("plumbing-lead"))
    assert r.status_code == 403
    r = await e.client.post("/v1/inspections", json=body, headers=e.as_user("supervisor"))
    assert r.status_code == 201, r.text
    x = r.json()
    assert (
        x["score"] == 90.0
        and x["findings"] == 2
        and x["hazards"] == 1
        and len(x["rectification_ids"]) == 2
    )
    [rec] = await e.outbox("InspectionRecorded")
    assert (
        rec["data"]["department_id"] == "catering"
        and rec["data"]["score"] == 90.0
        and rec["data"]["kind"] == "safety"
    )
    opened = [o["data"] for o in await e.outbox("RectificationOpened")]
    assert {o["origin"] for o in opened} == {"safety"} and {o["origin_id"] for o in opened} == {
        x["id"]
    }
    assert {o["team_id"] for o in opened} == {"north-canteen-hot"}
    for bad in ({**body, "unit_id": "nowhere"}, {**body, "items": []},
                {**body, "items": [{"name": "x", "score": 5, "max_score": 4}]},
                {**body, "findings": [{"problem": "late", "deadline": "2020-01-01T00:00:00Z"}]}):  # fmt: skip
        r = await e.client.post("/v1/inspections", json=bad, headers=e.as_user("supervisor"))
        assert r.status_code == 422, bad
    assert (
        len(await e.outbox("InspectionRecorded")) == 1
        and len(await e.outbox("RectificationOpened")) == 2
    )


async def test_incident_verify_appeal_overturn(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    body = {
        "kind": "service_quality",
        "unit_type": "team",
        "unit_id": "plumbers",
        "summary": "a reporter was insulted on the phone",
        "evidence": ["call recording 2026-11-20 10:02"],
        "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
    }
    r = await e.client.post("/v1/incidents", json=body, headers=sup)
    assert r.status_code == 201, r.text
    inc = r.json()
    [verified] = await e.outbox("IncidentVerified")
    assert (
        verified["data"]["department_id"] == "maintenance"
        and verified["data"]["team_id"] == "plumbers"
    )
    other = e.sso.auth(
        "electrician-lead", "staff", "team_lead", dept="maintenance", team="electricians"
    )
    r = await e.client.post(
        f"/v1/incidents/{inc['id']}/appeal", json={"reason": "not us"}, headers=other
    )
    assert r.status_code == 403
    r = await e.client.post(f"/v1/incidents/{inc['id']}/uphold", json={"reason": "x"}, headers=sup)
    assert r.status_code == 409  # nothing to uphold before an appeal
    r = await e.client.post(
        f"/v1/incidents/{inc['id']}/appeal",
        json={"reason": "the caller was someone else"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 200 and r.json()["status"] == "appealed"
    r = await e.client.post(
        f"/v1/incidents/{inc['id']}/overturn",
        json={"reason": "recording shows another unit"},
        headers=e.as_user("leader"),
    )
    assert r.status_code == 200 and r.json()["status"] == "overturned"
    [over] = await e.outbox("IncidentOverturned")
    assert over["data"]["unit_id"] == "plumbers" and over["data"]["overturned_by"] == "leader"
    r = await e.client.post(
        f"/v1/incidents/{inc['id']}/overturn", json={"reason": "again"}, headers=sup
    )
    assert r.status_code == 409
    r = await e.client.post("/v1/incidents", json={**body, "unit_id": "ghost"}, headers=sup)
    assert r.status_code == 422
    listed = (
        await e.client.get("/v1/incidents", params={"unit_id": "plumbers"}, headers=sup)
    ).json()
    assert [x["status"] for x in listed] == ["overturned"]
