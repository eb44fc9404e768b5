"""Open311 GeoReport v2, JSON and XML, answers checked against JSON Schemas transcribed from the
specification's field tables (http://wiki.open311.org/GeoReport_v2; the spec publishes tables and
examples, no schema files), as an unchanged Open311 client would use it."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import jsonschema
import pytest
from feedback_support import Feedback
from PIL import Image

from houqin_shared.contracts import TicketStatusChanged
from houqin_shared.identity import Role

pytestmark = pytest.mark.infra
KEY = "k-campus-app-123"
NULLABLE_STR = {"type": ["string", "null"]}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
        "properties": {
            "service_code": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
        },
    },
}
DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "variable",
                    "code",
                    "datatype",
                    "required",
                    "datatype_description",
                    "order",
                    "description",
                ],
                "properties": {
                    "variable": {"type": "boolean"},
                    "required": {"type": "boolean"},
                    "order": {"type": "integer"},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "values": {
                        "type": "array",
                        "items": {"type": "object", "required": ["key", "name"]},
                    },
                },
            },
        }
    },
}
CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}
REQUESTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_request_id",
            "status",
            "service_code",
            "requested_datetime",
            "updated_datetime",
        ],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"enum": ["open", "closed"]},
            "status_notes": NULLABLE_STR,
            "service_name": NULLABLE_STR,
            "description": NULLABLE_STR,
            "agency_responsible": NULLABLE_STR,
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": NULLABLE_STR,
            "address": NULLABLE_STR,
            "lat": {"type": ["number", "null"]},
            "long": {"type": ["number", "null"]},
            "media_url": NULLABLE_STR,
        },
    },
}


def valid(response: httpx.Response, schema: dict[str, Any], status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    return body


def xml(response: httpx.Response, root: str, status: int = 200) -> ET.Element:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/xml")
    element = ET.fromstring(response.content)
    assert element.tag == root
    return element


def post(code: str = "plumbing", **fields: str) -> dict[str, str]:
    return {
        "api_key": KEY,
        "service_code": code,
        "lat": "30.5",
        "long": "114.3",
        "description": "water running down the stairs",
        "email": "someone@example.edu",
        "attribute[kind]": "repair",
        **fields,
    }


async def test_open311_end_to_end_in_json_and_xml(feedback: Feedback) -> None:
    async with feedback.client(open311_api_keys=f"{KEY}=campus-app") as client:
        await feedback.publish(client, "plumbing", "canteen", public=True)
        base = "/open311/v2"
        d = valid(await client.get("/open311/discovery.json"), DISCOVERY)
        assert d["endpoints"][0]["url"].endswith("/open311/v2")
        xml(await client.get("/open311/discovery.xml"), "discovery")

        services = valid(await client.get(f"{base}/services.json"), SERVICES)
        assert {s["service_code"] for s in services} == {"plumbing", "canteen"}
        listed = xml(await client.get(f"{base}/services.xml"), "services")
        assert {s.findtext("service_code") for s in listed.findall("service")} == {
            "plumbing",
            "canteen",
        }
        assert listed.find("service/metadata").text == "true"  # type: ignore[union-attr]

        definition = valid(await client.get(f"{base}/services/plumbing.json"), DEFINITION)
        assert [a["code"] for a in definition["attributes"]] == ["kind", "urgency"]
        d_xml = xml(await client.get(f"{base}/services/plumbing.xml"), "service_definition")
        assert len(d_xml.findall("attributes/attribute/values/value")) == 9
        valid(await client.get(f"{base}/services/nothing.json"), ERRORS, 404)
        err = xml(await client.get(f"{base}/services/nothing.xml"), "errors", 404)
        assert err.findtext("error/code") == "404"
        valid(
            await client.get(f"{base}/services.json", params={"jurisdiction_id": "x"}), ERRORS, 404
        )
        valid(await client.get(f"{base}/services.yaml"), ERRORS, 404)

        [made] = valid(await client.post(f"{base}/requests.json", data=post()), CREATED, 201)
        tracking_no, token = made["service_request_id"], made["token"]
        made_xml = xml(
            await client.post(
                f"{base}/requests.xml",
                data=post("canteen", lat="", long="", address_string="south canteen, window 3"),
            ),
            "service_requests",
            201,
        )
        assert made_xml.findtext("request/service_request_id", "").startswith("FK")
        for bad, status in (
            ({"api_key": "wrong"}, 403),
            ({"lat": "", "long": ""}, 400),
            ({"service_code": "teleport"}, 404),
            ({"attribute[kind]": "rant"}, 400),
            ({"lat": "100"}, 400),
            ({"lat": "north"}, 400),
        ):
            valid(
                await client.post(f"{base}/requests.json", data={**post(), **bad}), ERRORS, status
            )
        denied = xml(
            await client.post(f"{base}/requests.xml", data={**post(), "api_key": "x"}),
            "errors",
            403,
        )
        assert "api_key" in denied.findtext("error/description", "")

        [one] = valid(await client.get(f"{base}/requests/{tracking_no}.json"), REQUESTS)
        assert one["status"] == "open" and one["service_code"] == "plumbing"
        assert one["lat"] == 30.5 and one["service_name"] == "Plumbing repairs"
        assert one["expected_datetime"] is not None  # the published finish limit
        one_xml = xml(await client.get(f"{base}/requests/{tracking_no}.xml"), "service_requests")
        assert one_xml.findtext("request/status") == "open"
        valid(await client.get(f"{base}/requests/FK00000000-0000.json"), ERRORS, 404)
        [mapped] = valid(await client.get(f"{base}/tokens/{token}.json"), CREATED)
        assert mapped == {"service_request_id": tracking_no, "token": token}
        valid(await client.get(f"{base}/tokens/{uuid.uuid4()}.json"), ERRORS, 404)

        await feedback.handle(
            TicketStatusChanged(
                ticket_id=uuid.uuid4(),
                report_id=uuid.UUID(token),
                tracking_no=tracking_no,
                status="closed",
                previous_status="resolved",
                changed_at=datetime.now(UTC),
            )
        )
        everything = valid(await client.get(f"{base}/requests.json"), REQUESTS)
        assert len(everything) == 2
        closed = valid(
            await client.get(f"{base}/requests.json", params={"status": "closed"}), REQUESTS
        )
        assert [r["service_request_id"] for r in closed] == [tracking_no]
        canteen = valid(
            await client.get(
                f"{base}/requests.json", params={"service_code": "canteen", "status": "open"}
            ),
            REQUESTS,
        )
        assert [r["service_code"] for r in canteen] == ["canteen"]
        future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        later = await client.get(
            f"{base}/requests.json", params={"start_date": future, "end_date": future}
        )
        assert valid(later, REQUESTS) == []
        by_id = await client.get(
            f"{base}/requests.json", params={"service_request_id": tracking_no, "status": "open"}
        )
        assert [r["service_request_id"] for r in valid(by_id, REQUESTS)] == [tracking_no]
        valid(await client.get(f"{base}/requests.json", params={"status": "maybe"}), ERRORS, 400)
        valid(await client.get(f"{base}/requests.json", params={"start_date": "soon"}), ERRORS, 400)
        listing = await client.get(f"{base}/requests.xml")
        assert len(xml(listing, "service_requests").findall("request")) == 2
        assert "someone@example.edu" not in listing.text + everything.__repr__()
    events = await feedback.events("houqin.feedback.ComplaintFiled.v1")
    assert [(e["channel"], e["kind"], e["reporter_id"]) for e in events] == [
        ("external", "repair", None),
        ("external", "repair", None),
    ]
    assert "someone@example.edu" not in str(events)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def real_png() -> bytes:
    """A 4 x 3 red PNG as Pillow writes it: IHDR, IDAT, IEND and nothing else."""
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


# A PNG whose text chunk says where and by whom it was taken; without it, the same image.
CLEAN_PNG = real_png()
PNG_WITH_GPS = (
    CLEAN_PNG[:-12] + png_chunk(b"tEXt", b"GPS\x0030.51N 114.35E stu-1") + CLEAN_PNG[-12:]
)


async def test_open311_media_url_and_media_upload(feedback: Feedback, tmp_path: Path) -> None:
    settings = {
        "open311_api_keys": f"{KEY}=campus-app",
        "photo_dir": str(tmp_path),
        "photo_max_bytes": 1000,
    }
    base = "/open311/v2"
    link = "https://photos.campus-app.example.edu/r/42.jpg?size=large"
    async with feedback.client(**settings) as client:
        await feedback.publish(client, "plumbing", public=True)
        [by_link] = valid(
            await client.post(f"{base}/requests.json", data=post(media_url=link)), CREATED, 201
        )
        [plain] = valid(await client.post(f"{base}/requests.json", data=post()), CREATED, 201)
        for bad in (
            "ftp://photos.example.edu/a.jpg",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "photos.example.edu/a.jpg",
            "https://user:secret@photos.example.edu/a.jpg",
            "https://photos.example.edu/a b.jpg",
            "https://photos.example.edu:port/a.jpg",
            "https://photos.example.edu/" + "a" * 2000,
        ):
            r = await client.post(f"{base}/requests.json", data=post(media_url=bad))
            assert "media_url" in valid(r, ERRORS, 400)[0]["description"], bad
        bad_xml = await client.post(f"{base}/requests.xml", data=post(media_url="gopher://x"))
        assert "media_url" in xml(bad_xml, "errors", 400).findtext("error/description", "")

        [uploaded] = valid(
            await client.post(
                f"{base}/requests.json",
                data=post(),
                files={"media": ("leak.png", PNG_WITH_GPS, "image/png")},
            ),
            CREATED,
            201,
        )
        for data, status in ((b"GIF89a not allowed", 415), (PNG_WITH_GPS + b"\x00" * 1000, 413)):
            r = await client.post(
                f"{base}/requests.json", data=post(), files={"media": ("m", data, "image/png")}
            )
            assert valid(r, ERRORS, status)[0]["code"] == status
        listed = valid(await client.get(f"{base}/requests.json"), REQUESTS)
        assert len(listed) == 3  # the refused ones stored nothing

        [one] = valid(
            await client.get(f"{base}/requests/{by_link['service_request_id']}.json"), REQUESTS
        )
        assert one["media_url"] == link
        one_xml = xml(
            await client.get(f"{base}/requests/{by_link['service_request_id']}.xml"),
            "service_requests",
        )
        assert one_xml.findtext("request/media_url") == link
        [none] = valid(
            await client.get(f"{base}/requests/{plain['service_request_id']}.json"), REQUESTS
        )
        assert none["media_url"] is None

        [with_photo] = valid(
            await client.get(f"{base}/requests/{uploaded['service_request_id']}.json"), REQUESTS
        )
        media_url = with_photo["media_url"]
        assert media_url.startswith("http://testserver/open311/v2/media/")
        assert {r["service_request_id"]: r["media_url"] for r in listed}[
            uploaded["service_request_id"]
        ] == media_url
        in_xml = xml(await client.get(f"{base}/requests.xml"), "service_requests")
        assert media_url in [r.findtext("media_url") for r in in_xml.findall("request")]
        image = await client.get(media_url)  # no login, as an Open311 client would fetch it
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content == CLEAN_PNG  # the position and name are gone
        stored = await feedback.fetch("SELECT storage_key FROM photos")
        assert len(stored) == 1
        assert (
            tmp_path / stored[0]["storage_key"][:2] / stored[0]["storage_key"]
        ).read_bytes() == (PNG_WITH_GPS)  # the staff's copy keeps what the reporter sent
        report = await client.get(
            f"/v1/reports/{uploaded['token']}", headers=feedback.sso.auth("sup", Role.supervisor)
        )
        assert len(report.json()["photo_ids"]) == 1
        linked = await client.get(
            f"/v1/reports/{by_link['token']}", headers=feedback.sso.auth("sup", Role.supervisor)
        )
        assert linked.json()["media_url"] == link

        student = feedback.sso.auth("stu-1", "reporter")
        loose = await client.post(
            "/v1/photos", files={"file": ("p", CLEAN_PNG, "image/png")}, headers=student
        )
        loose_id = loose.json()["id"]
        for missing in (loose_id, str(uuid.uuid4()), "not-a-uuid"):
            valid(await client.get(f"{base}/media/{missing}"), ERRORS, 404)
        filed = await client.post(
            "/v1/reports",
            json={
                "kind": "repair",
                "category": "plumbing",
                "location": {"building": "b1", "room": "101"},
                "description": "tap",
                "photo_ids": [loose_id],
            },
            headers=student,
        )
        assert filed.status_code == 201, filed.text
        [web] = valid(
            await client.get(f"{base}/requests/{filed.json()['tracking_no']}.json"), REQUESTS
        )
        assert web["media_url"].endswith(f"/media/{loose_id}")
        assert (await client.get(web["media_url"])).content == CLEAN_PNG
    [event] = [
        e
        for e in await feedback.events("houqin.feedback.ComplaintFiled.v1")
        if e["report_id"] == uploaded["token"]
    ]
    assert event["photo_count"] == 1
