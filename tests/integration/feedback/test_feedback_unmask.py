"""Anonymity: only a supervisor unmasks an anonymous reporter, with a recorded reason, and every
unmasking is audited; supervisors list every report with anonymous reporters still masked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


async def file(client: httpx.AsyncClient, headers: dict[str, str], **change: Any) -> dict[str, Any]:
    r = await client.post("/v1/reports", json={**REPORT, **change}, headers=headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_only_a_supervisor_unmasks_an_anonymous_reporter_and_it_is_audited(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    sup = sso.auth("sup-1", "supervisor")
    async with feedback.client() as client:
        await feedback.publish(client, "canteen")
        anon = await file(
            client,
            sso.auth("teacher-1", "reporter"),
            category="canteen",
            kind="complaint",
            anonymous=True,
        )
        named = await file(client, sso.auth("teacher-2", "reporter"), category="canteen")
        reason = {"reason": "threat of violence reported; police request no. 2026-113"}
        for role in ("reporter", "staff", "admin", "dept_head"):
            r = await client.post(
                f"/v1/reports/{anon['id']}/unmask", json=reason, headers=sso.auth("x", role)
            )
            assert r.status_code == 403, role
        short = await client.post(
            f"/v1/reports/{anon['id']}/unmask", json={"reason": "why"}, headers=sup
        )
        assert short.status_code == 422
        assert await feedback.fetch("SELECT 1 FROM unmask_audit") == []
        r = await client.post(f"/v1/reports/{anon['id']}/unmask", json=reason, headers=sup)
        assert r.status_code == 200 and r.json()["reporter_id"] == "teacher-1"
        plain = await client.post(f"/v1/reports/{named['id']}/unmask", json=reason, headers=sup)
        assert plain.status_code == 409
        log = await client.get("/v1/audit/unmaskings", headers=sup)
        assert [(e["report_id"], e["supervisor_id"]) for e in log.json()] == [(anon["id"], "sup-1")]
        assert (
            await client.get("/v1/audit/unmaskings", headers=sso.auth("x", "admin"))
        ).status_code == 403
        still_masked = await client.get(f"/v1/reports/{anon['id']}", headers=sup)
        assert still_masked.json()["reporter_id"] is None
        everything = await client.get("/v1/supervision/reports", headers=sup)
        assert [(r["id"], r["reporter_id"]) for r in everything.json()] == [
            (named["id"], "teacher-2"),
            (anon["id"], None),
        ]
        only = await client.get(
            "/v1/supervision/reports", params={"channel": "hotline"}, headers=sup
        )
        assert only.json() == []
        desk = await client.get("/v1/supervision/reports", headers=sso.auth("d", "front_desk"))
        assert desk.status_code == 403
