"""The public Open311 feed and the public board (issue 14): only services the catalogue marks
public; never anonymous reports, complaints, rooms, names, phone numbers or staff notes; photos
only of public reports and without metadata; listings rate-limited; service_request_id capped."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from feedback_support import Feedback
from test_feedback_open311 import CLEAN_PNG, PNG_WITH_GPS

from houqin_shared.contracts import TicketStatusChanged

pytestmark = pytest.mark.infra
FEED = "/open311/v2/requests"
ROOM = {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"}
PRIVATE = ("312", "13812345678", "王老师", "张师傅", "window 3", "rude", "call me")


async def file(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    report = {
        "kind": "repair",
        "category": "plumbing",
        "location": ROOM,
        "description": "王老师 13812345678: tap leaks, call me",
        **fields,
    }
    r = await client.post("/v1/reports", json=report, headers=headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def shows_nothing_private(text: str) -> None:
    for secret in PRIVATE:
        assert secret not in text, secret


async def test_the_teachers_anonymous_complaint_is_not_published(feedback: Feedback) -> None:
    """The "Why" of issue 14: a teacher's anonymous complaint, room included, was listed at
    /open311/v2/requests.json without sign-in."""
    teacher = feedback.sso.auth("teacher-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "canteen", department_id="catering")
        complaint = await file(
            client,
            teacher,
            kind="complaint",
            category="canteen",
            anonymous=True,
            description="the cook at window 3 was rude to me",
        )
        listing = await client.get(f"{FEED}.json")
        assert listing.status_code == 200
        assert listing.json() == []
        shows_nothing_private(listing.text + (await client.get(f"{FEED}.xml")).text)
        one = await client.get(f"{FEED}/{complaint['tracking_no']}.json")
        assert one.status_code == 404
        by_id = await client.get(
            f"{FEED}.json", params={"service_request_id": complaint["tracking_no"]}
        )
        assert by_id.json() == []
        board = (await client.get("/v1/board")).json()
        assert board["by_category"] == [] and board["by_department"] == []


async def test_only_public_services_and_only_what_names_nobody(
    feedback: Feedback, tmp_path: Any
) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    async with feedback.client(photo_dir=str(tmp_path)) as client:
        await feedback.publish(client, "plumbing", public=True)
        await feedback.publish(client, "canteen", department_id="catering")  # not public
        catalogue = {s["code"]: s["public"] for s in (await client.get("/v1/catalog")).json()}
        assert catalogue == {"plumbing": True, "canteen": False}

        async def photo(who: dict[str, str]) -> str:
            r = await client.post(
                "/v1/photos", files={"file": ("p.png", PNG_WITH_GPS, "image/png")}, headers=who
            )
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        shown_photo = await photo(student)
        shown = await file(client, student, photo_ids=[shown_photo])
        anonymous_photo = await photo(sso.auth("stu-2", "reporter"))
        anonymous = await file(
            client, sso.auth("stu-2", "reporter"), anonymous=True, photo_ids=[anonymous_photo]
        )
        complaint = await file(client, sso.auth("stu-3", "reporter"), kind="complaint")
        praise = await file(
            client, sso.auth("stu-4", "reporter"), kind="praise", description="张师傅修得又快又好"
        )
        canteen = await file(client, sso.auth("stu-5", "reporter"), category="canteen")
        await feedback.handle(
            TicketStatusChanged(
                ticket_id=uuid.uuid4(),
                report_id=uuid.UUID(shown["id"]),
                tracking_no=shown["tracking_no"],
                status="cannot_handle",
                previous_status="accepted",
                note="张师傅 13812345678 will come to room 312",
                changed_at=datetime.now(UTC),
            )
        )

        listing = await client.get(f"{FEED}.json")
        [only] = listing.json()
        assert only["service_request_id"] == shown["tracking_no"]
        assert only["address"] == "north north-dorm-7"
        assert only["status_notes"] and only["description"] == "Plumbing repairs"
        shows_nothing_private(listing.text + (await client.get(f"{FEED}.xml")).text)
        every_id = ",".join(
            r["tracking_no"] for r in (shown, anonymous, complaint, praise, canteen)
        )
        by_id = await client.get(f"{FEED}.json", params={"service_request_id": every_id})
        assert [r["service_request_id"] for r in by_id.json()] == [shown["tracking_no"]]
        for hidden in (anonymous, complaint, praise, canteen):
            r = await client.get(f"{FEED}/{hidden['tracking_no']}.json")
            assert r.status_code == 404, hidden["kind"]

        assert only["media_url"].endswith(f"/media/{shown_photo}")
        image = await client.get(only["media_url"])
        assert image.status_code == 200 and image.content == CLEAN_PNG
        hidden_image = await client.get(f"/open311/v2/media/{anonymous_photo}")
        assert hidden_image.status_code == 404

        board = (await client.get("/v1/board")).json()
        assert [(line["key"], line["reports"]) for line in board["by_category"]] == [
            ("plumbing", 1)
        ]
        assert [line["reports"] for line in board["by_department"]] == [1]


async def test_listing_is_rate_limited_and_id_lists_are_capped(feedback: Feedback) -> None:
    async with feedback.client(rate_public_burst=2, rate_public_per_min=1) as client:
        too_many = ",".join(f"FK20261204-{i:04d}" for i in range(51))
        r = await client.get(f"{FEED}.json", params={"service_request_id": too_many})
        assert r.status_code == 400
        [error] = r.json()
        assert error["code"] == 400 and error["type"].endswith("/open311-too-many-ids")
        assert "50" in error["description"]
        xml = await client.get(f"{FEED}.xml", params={"service_request_id": too_many})
        assert xml.status_code == 400 and "open311-too-many-ids" in xml.text
        limited = await client.get(f"{FEED}.json")
        assert limited.status_code == 429 and limited.headers["Retry-After"]
        assert (await client.get("/v1/board")).status_code == 429
        doc = (await client.get("/open311/openapi.json")).json()
        [param] = doc["paths"]["/v2/requests.{fmt}"]["get"]["parameters"][1:]
        assert param["name"] == "service_request_id" and param["x-maxItems"] == 50


async def test_behind_the_console_each_visitor_has_their_own_allowance(feedback: Feedback) -> None:
    """The console (a trusted proxy) forwards each visitor's address: one visitor's listings
    do not use up another's, and nobody else can pick an address by sending the header."""
    async with feedback.client(
        rate_public_burst=2, rate_public_per_min=1, trusted_proxies="127.0.0.1"
    ) as client:
        for visitor in ("10.1.0.1", "10.1.0.2"):
            for _ in range(2):
                r = await client.get("/v1/board", headers={"X-Forwarded-For": visitor})
                assert r.status_code == 200, r.text
        r = await client.get("/v1/board", headers={"X-Forwarded-For": "10.1.0.1"})
        assert r.status_code == 429
    async with feedback.client(rate_public_burst=2, rate_public_per_min=1) as client:
        for visitor in ("10.2.0.1", "10.2.0.2"):  # not a trusted proxy: the header is ignored
            await client.get("/v1/board", headers={"X-Forwarded-For": visitor})
        r = await client.get("/v1/board", headers={"X-Forwarded-For": "10.2.0.3"})
        assert r.status_code == 429
