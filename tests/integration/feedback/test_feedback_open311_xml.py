"""Open311 XML never breaks (issue 15): a description with a character XML cannot carry (U+FFFE,
U+0000-U+0008, a lone surrogate) is refused at every intake (web, front desk, reception day,
Open311 POST), and one stored anyway (before intake refused it) is dropped from the output, so
GET /open311/v2/requests.xml always parses with a strict XML parser."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
KEY = "k-campus-app-123"
HOSTILE = ["水管\ufffe漏水", "a\uffffb", "nul\x00", "bell\x07", "lone \ud800 surrogate"]
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


def json_body(value: Any) -> bytes:
    """JSON as a client may send it: a lone surrogate as its \\u escape."""
    return json.dumps(value).encode()


def refused(r: Any) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].startswith("https://houqin.dev/problems/")


def strict(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # expat: refuses any character XML 1.0 does not allow


async def test_xml_invalid_text_is_refused_at_every_intake(feedback: Feedback) -> None:
    sso = feedback.sso
    desk = sso.auth("clerk", "front_desk")
    headers = {"Content-Type": "application/json"}
    async with feedback.client(open311_api_keys=f"{KEY}=campus-app") as client:
        await feedback.publish(client, "plumbing")
        session = await client.post(
            "/v1/reception-days",
            json={"held_on": "2026-11-21", "place": "南校区食堂", "leaders": ["分管领导"]},
            headers=desk,
        )
        assert session.status_code == 201, session.text
        sid = session.json()["id"]
        for text in HOSTILE:
            web = {**REPORT, "description": text}
            r = await client.post(
                "/v1/reports",
                content=json_body(web),
                headers={**headers, **sso.auth("stu-1", "reporter")},
            )
            refused(r)
            front_desk = {**web, "channel": "hotline", "on_behalf_of": "stu-2"}
            r = await client.post(
                "/v1/reports", content=json_body(front_desk), headers={**headers, **desk}
            )
            refused(r)
            place = {**REPORT, "location": {"text": text}}
            r = await client.post(
                "/v1/reports",
                content=json_body(place),
                headers={**headers, **sso.auth("stu-1", "reporter")},
            )
            refused(r)
            reception = {**web, "on_behalf_of": "stu-3"}
            r = await client.post(
                f"/v1/reception-days/{sid}/reports",
                content=json_body(reception),
                headers={**headers, **desk},
            )
            refused(r)
            if "\ud800" in text:
                continue  # a form cannot carry a lone surrogate (it arrives as U+FFFD)
            form = {
                "api_key": KEY,
                "service_code": "plumbing",
                "address_string": "north dorm 7",
                "description": text,
            }
            r = await client.post("/open311/v2/requests.xml", data=form)
            assert r.status_code == 400, r.text  # the spec's error format, in XML that parses
            assert strict(r.content).findtext("error/code") == "400"
        listed = await client.get("/open311/v2/requests.xml")
    assert listed.status_code == 200
    assert strict(listed.content).findall("request") == []
    assert await feedback.fetch("SELECT id FROM reports") == []


async def test_stored_xml_invalid_text_is_dropped_from_the_listings(feedback: Feedback) -> None:
    async with feedback.client(open311_api_keys=f"{KEY}=campus-app") as client:
        await feedback.publish(client, "plumbing", public=True)
        form = {
            "api_key": KEY,
            "service_code": "plumbing",
            "address_string": "north dorm 7",
            "description": "the tap leaks",
        }
        r = await client.post("/open311/v2/requests.json", data=form)
        assert r.status_code == 201, r.text
        tracking_no = r.json()[0]["service_request_id"]
        async with feedback.db() as conn:  # as values stored before intake refused them
            # (the public feed shows the service's name and the building, no free text)
            await conn.execute("UPDATE services SET name = $1", "水管\ufffe漏水\x01了")
            await conn.execute(
                "UPDATE reports SET location = location || $1::jsonb",
                json.dumps({"building": "北\uffff楼"}),
            )
        listed = await client.get("/open311/v2/requests.xml")
        one = await client.get(f"/open311/v2/requests/{tracking_no}.xml")
        as_json = await client.get("/open311/v2/requests.json")
    assert listed.status_code == 200, listed.text
    [request] = strict(listed.content).findall("request")
    assert request.findtext("description") == "水管漏水了"
    assert "北楼" in (request.findtext("address") or "")
    assert strict(one.content).findtext("request/description") == "水管漏水了"
    assert as_json.status_code == 200 and as_json.json()[0]["service_request_id"] == tracking_no
