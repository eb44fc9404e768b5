"""Photos and "me too" (issue 14): a photo's bytes reach everyone who may see it without their
metadata, and only the reporter and the assigned staff fetch the original; another student
never sees a report's photos, not even after saying "me too", and a supporter sees the public
summary and the progress, never the text, the room or who reported it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from feedback_support import Feedback
from test_feedback_open311 import CLEAN_PNG, PNG_WITH_GPS

from houqin_shared.contracts import Location, TicketAssigned, TicketOpened, TicketStatusChanged

pytestmark = pytest.mark.infra
ROOM = {"campus": "north", "building": "north-dorm-7", "room": "312"}
TEXT = "李同学 13812345678: the tap in my room leaks"


async def filed_with_photo(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> tuple[dict[str, Any], str]:
    up = await client.post(
        "/v1/photos", files={"file": ("p.png", PNG_WITH_GPS, "image/png")}, headers=headers
    )
    assert up.status_code == 201, up.text
    photo = str(up.json()["id"])
    r = await client.post(
        "/v1/reports",
        json={
            "kind": "repair",
            "category": "plumbing",
            "location": ROOM,
            "description": TEXT,
            "photo_ids": [photo],
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json(), photo


async def assign(feedback: Feedback, report: dict[str, Any], staff: str) -> None:
    ticket, rid, no = uuid.uuid4(), uuid.UUID(report["id"]), report["tracking_no"]
    await feedback.handle(
        TicketOpened(
            ticket_id=ticket, report_id=rid, tracking_no=no, kind="repair",
            category="plumbing", urgency="normal", location=Location(**ROOM),
            department_id="maintenance", team_id="plumbers", opened_at=datetime.now(UTC),
        ),
        TicketAssigned(
            ticket_id=ticket, report_id=rid, tracking_no=no, assignee_id=staff,
            team_id="plumbers", department_id="maintenance", via="primary",
            assigned_at=datetime.now(UTC),
        ),
        TicketStatusChanged(
            ticket_id=ticket, report_id=rid, tracking_no=no, status="cannot_handle",
            previous_status="accepted", note="王师傅 will call 13812345678 about room 312",
            changed_at=datetime.now(UTC),
        ),
    )  # fmt: skip


async def test_photo_bytes_lose_their_metadata_and_originals_are_few(
    feedback: Feedback, tmp_path: Path
) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        await feedback.publish(client, "plumbing")
        report, photo = await filed_with_photo(client, student)
        url = f"/v1/photos/{photo}"

        other = await client.get(url, headers=sso.auth("stu-2", "reporter"))
        assert other.status_code == 404  # another student: not even stripped
        thumb = await client.get(f"{url}/thumbnail", headers=sso.auth("stu-2", "reporter"))
        assert thumb.status_code == 404

        supervisor = sso.auth("sup-1", "supervisor")
        seen = await client.get(url, headers=supervisor)
        assert seen.status_code == 200 and seen.content == CLEAN_PNG  # no GPS, no name
        refused = await client.get(url, params={"original": "true"}, headers=supervisor)
        assert refused.status_code == 403
        assert refused.json()["type"].endswith("/photo-original-forbidden")

        assert (await client.get(url, headers=student)).content == CLEAN_PNG
        mine = await client.get(url, params={"original": "true"}, headers=student)
        assert mine.status_code == 200 and mine.content == PNG_WITH_GPS

        await assign(feedback, report, "plumber-1")
        plumber = sso.auth("plumber-1", "staff", dept="maintenance")
        work = await client.get(url, params={"original": "true"}, headers=plumber)
        assert work.status_code == 200 and work.content == PNG_WITH_GPS
        colleague = sso.auth("plumber-2", "staff", dept="maintenance")
        assert (await client.get(url, headers=colleague)).content == CLEAN_PNG
        assert (
            await client.get(url, params={"original": "true"}, headers=colleague)
        ).status_code == 403
        elsewhere = sso.auth("cook-1", "staff", dept="catering")
        assert (await client.get(url, headers=elsewhere)).status_code == 404


async def test_a_supporter_sees_the_summary_and_progress_not_the_report(
    feedback: Feedback, tmp_path: Path
) -> None:
    sso = feedback.sso
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        await feedback.publish(client, "plumbing")
        report, photo = await filed_with_photo(client, sso.auth("stu-1", "reporter"))
        await assign(feedback, report, "plumber-1")
        peer = sso.auth("stu-2", "reporter")

        # Before filing, stu-2 looks for the same problem: a private report shows no text.
        found = await client.get(
            "/v1/duplicates",
            params={"category": "plumbing", "building": "north-dorm-7", "room": "312"},
            headers=peer,
        )
        [candidate] = found.json()
        assert candidate["tracking_no"] == report["tracking_no"]
        assert candidate["summary"] == "" and candidate["first_photo_id"] is None

        assert (await client.get(f"/v1/reports/{report['id']}", headers=peer)).status_code == 404
        me_too = await client.post(f"/v1/reports/{report['id']}/me-too", headers=peer)
        assert me_too.status_code == 201, me_too.text

        reads = [
            await client.get(f"/v1/reports/{report['id']}", headers=peer),
            await client.get(f"/v1/reports/by-tracking-no/{report['tracking_no']}", headers=peer),
        ]
        [supported] = (
            await client.get("/v1/reports", params={"supported": "true"}, headers=peer)
        ).json()
        for seen in [r.json() for r in reads] + [supported]:
            assert seen["view"] == "supporter"
            assert seen["status"] and seen["tracking_no"] == report["tracking_no"]
            assert seen["location"]["building"] == "north-dorm-7"
            assert seen["location"]["room"] is None
            assert seen["description"] == "" and seen["photo_ids"] == []
            assert seen["reporter_id"] is None and seen["contact"] is None
            assert seen["explanation"] is None
            assert "13812345678" not in str(seen) and "李同学" not in str(seen)
        timeline = await client.get(f"/v1/reports/{report['id']}/timeline", headers=peer)
        assert timeline.status_code == 200
        steps = timeline.json()
        assert "cannot_handle" in [s["status"] for s in steps]  # the progress
        assert all(s["note"] is None for s in steps)  # not the words to the reporter
        assert (await client.get(f"/v1/photos/{photo}", headers=peer)).status_code == 404

        owner = await client.get(
            f"/v1/reports/{report['id']}", headers=sso.auth("stu-1", "reporter")
        )
        assert owner.json()["view"] == "full" and owner.json()["description"] == TEXT
        assert owner.json()["photo_ids"] == [photo]
        own_steps = await client.get(
            f"/v1/reports/{report['id']}/timeline", headers=sso.auth("stu-1", "reporter")
        )
        assert any(s["note"] for s in own_steps.json())
