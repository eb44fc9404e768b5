"""Duplicates: offered at intake and by search, "me too", staff links, the audience API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from feedback_support import Feedback

from houqin_shared.contracts import TicketStatusChanged

pytestmark = pytest.mark.infra
ROOM: dict[str, Any] = {"campus": "north", "building": "north-dorm-7", "room": "312"}
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": ROOM,
    "description": "the tap leaks\nall night",
}


async def test_duplicates_are_offered_with_no_personal_data(feedback: Feedback) -> None:
    sso = feedback.sso
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing", "electrical", public=True)
        a = await client.post(
            "/v1/reports",
            json={**REPORT, "anonymous": True, "contact": "139"},
            headers=sso.auth("stu-a", "reporter"),
        )
        assert a.json()["possible_duplicates"] == []
        b = await client.post("/v1/reports", json=REPORT, headers=sso.auth("stu-b", "reporter"))
        [offered] = b.json()["possible_duplicates"]
        assert offered["id"] == a.json()["id"]
        assert offered["summary"] == ""  # an anonymous report's text is nobody else's to read
        assert set(offered) == {
            "id",
            "tracking_no",
            "summary",
            "filed_at",
            "status",
            "supporters",
            "photo_count",
            "first_photo_id",
        }
        other_kind = await client.post(
            "/v1/reports",
            json={**REPORT, "category": "electrical"},
            headers=sso.auth("stu-c", "reporter"),
        )
        assert other_kind.json()["possible_duplicates"] == []
        found = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "building": "north-dorm-7", "room": "312"},
            headers=sso.auth("stu-d", "reporter"),
        )
        assert [d["id"] for d in found.json()] == [b.json()["id"], a.json()["id"]]
        assert found.json()[0]["summary"] == "the tap leaks all night"  # public, not anonymous
        assert "stu-a" not in found.text and "139" not in found.text
        near = {"text": "north gate", "lat": 30.5, "long": 114.3}
        await client.post(
            "/v1/reports", json={**REPORT, "location": near}, headers=sso.auth("s1", "reporter")
        )
        close = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "lat": 30.5002, "long": 114.3},
            headers=sso.auth("s2", "reporter"),
        )
        assert len(close.json()) == 1
        far = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "lat": 30.51, "long": 114.3},
            headers=sso.auth("s2", "reporter"),
        )
        assert far.json() == []
        half = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "lat": 30.5},
            headers=sso.auth("s2", "reporter"),
        )
        assert half.status_code == 422


async def test_me_too_links_and_the_audience(feedback: Feedback) -> None:
    sso = feedback.sso
    a_auth, b_auth = sso.auth("stu-a", "reporter"), sso.auth("stu-b", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing", "canteen")
        a = (
            await client.post("/v1/reports", json={**REPORT, "anonymous": True}, headers=a_auth)
        ).json()
        aid = a["id"]
        first = await client.post(f"/v1/reports/{aid}/me-too", headers=b_auth)
        assert first.status_code == 201 and first.json()["supporters"] == 1
        again = await client.post(f"/v1/reports/{aid}/me-too", headers=b_auth)
        assert again.status_code == 200 and again.json()["supporters"] == 1
        own = await client.post(f"/v1/reports/{aid}/me-too", headers=a_auth)
        assert own.status_code == 409
        seen = await client.get(f"/v1/reports/{aid}", headers=b_auth)
        assert seen.status_code == 200 and seen.json()["reporter_id"] is None
        supported = await client.get("/v1/reports", params={"supported": True}, headers=b_auth)
        assert [r["id"] for r in supported.json()] == [aid]
        assert (await client.get("/v1/reports", headers=b_auth)).json() == []

        c = (
            await client.post("/v1/reports", json=REPORT, headers=sso.auth("stu-c", "reporter"))
        ).json()
        lead = sso.auth("lead", "team_lead", "staff")
        nope = await client.post(
            f"/v1/reports/{c['id']}/link", json={"duplicate_of": aid}, headers=b_auth
        )
        assert nope.status_code == 403
        self_link = await client.post(
            f"/v1/reports/{aid}/link", json={"duplicate_of": aid}, headers=lead
        )
        assert self_link.status_code == 409
        unknown = await client.post(
            f"/v1/reports/{aid}/link", json={"duplicate_of": str(uuid.uuid4())}, headers=lead
        )
        assert unknown.status_code == 422
        assert unknown.json()["type"].endswith("/duplicate-target-unknown")
        canteen = (
            await client.post(
                "/v1/reports",
                json={**REPORT, "category": "canteen"},
                headers=sso.auth("stu-e", "reporter"),
            )
        ).json()
        other_kind = await client.post(
            f"/v1/reports/{canteen['id']}/link", json={"duplicate_of": aid}, headers=lead
        )
        assert other_kind.status_code == 409
        linked = await client.post(
            f"/v1/reports/{c['id']}/link", json={"duplicate_of": aid}, headers=lead
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["tracking_no"] == a["tracking_no"]
        twice = await client.post(
            f"/v1/reports/{c['id']}/link", json={"duplicate_of": aid}, headers=lead
        )
        assert twice.status_code == 409

        await feedback.handle(
            TicketStatusChanged(
                ticket_id=uuid.uuid4(),
                report_id=uuid.UUID(aid),
                tracking_no=a["tracking_no"],
                status="accepted",
                previous_status="assigned",
                note="on our way",
                changed_at=datetime.now(UTC),
            )
        )
        tl = (
            await client.get(
                f"/v1/reports/{c['id']}/timeline", headers=sso.auth("stu-c", "reporter")
            )
        ).json()
        assert [(e["kind"], e["of_linked_report"]) for e in tl] == [
            ("filed", False),
            ("me_too", True),
            ("linked", False),
            ("status", True),
        ]
        assert tl[3]["note"] == "on our way"

        for rid in (aid, c["id"]):
            notify = sso.issuer.issue("notify", ["service"], scope="houqin.audience.read")
            aud = await client.get(
                f"/v1/reports/{rid}/audience", headers={"Authorization": f"Bearer {notify}"}
            )
            assert aud.status_code == 200
            assert aud.json()["primary_id"] == aid
            assert aud.json()["user_ids"] == ["stu-a", "stu-b", "stu-c"]
        denied = await client.get(
            f"/v1/reports/{aid}/audience", headers=sso.auth("sup", "supervisor")
        )
        assert denied.status_code == 403
