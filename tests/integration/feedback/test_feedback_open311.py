"""Open311 GeoReport v2, JSON and XML, answers checked against JSON Schemas transcribed from the
specification's field tables (http://wiki.open311.org/GeoReport_v2; the spec publishes tables and
examples, no schema files), as an unchanged Open311 client would use it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import jsonschema
import pytest
from feedback_support import Feedback

from houqin_shared.contracts import TicketStatusChanged

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
        "attribute[kind]": "complaint",
        **fields,
    }


async def test_open311_end_to_end_in_json_and_xml(feedback: Feedback) -> None:
    async with feedback.client(open311_api_keys=f"{KEY}=campus-app") as client:
        await feedback.publish(client, "plumbing", "canteen")
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
        ("external", "complaint", None),
        ("external", "complaint", None),
    ]
    assert "someone@example.edu" not in str(events)
