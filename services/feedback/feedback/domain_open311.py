"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): how catalogue entries and
reports look to Open311 clients, in JSON and XML, and the spec's error format. No I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from feedback import domain_public as public

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("json", "xml")
KINDS = ("repair", "complaint", "suggestion", "praise", "consultation")
URGENCIES = ("low", "normal", "urgent", "emergency")
CLOSED = frozenset({"closed", "confirmed"})
MEDIA_URL_MAX = 2000
# Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets); intake refuses them,
# and any that are stored anyway (older reports, names from elsewhere) are dropped on output.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The element name of one item in each XML list (the spec's examples).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    """An error answered in the spec's format: a list of {code, description}."""

    def __init__(self, status: int, description: str, type_uri: str | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.type_uri = type_uri

    def body(self) -> list[dict[str, Any]]:
        """The spec's {code, description}, and the platform's problem type when one names it."""
        error: dict[str, Any] = {"code": self.status, "description": self.description}
        if self.type_uri:
            error["type"] = self.type_uri
        return [error]


def w3(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def service(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "service_code": entry["code"],
        "service_name": entry["name"],
        "description": entry["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k for k in (entry["code"], entry["department_id"]) if k),
        "group": entry["department_id"] or "general",
    }


def _list_attribute(
    code: str, description: str, values: Sequence[str], order: int
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": f"One of: {', '.join(values)}.",
        "order": order,
        "description": description,
        "values": [{"key": v, "name": v} for v in values],
    }


def definition(code: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "attributes": [
            _list_attribute("kind", "What kind of report this is (default repair).", KINDS, 1),
            _list_attribute("urgency", "How urgent it is (default normal).", URGENCIES, 2),
        ],
    }


def status_of(report_status: str) -> str:
    return "closed" if report_status in CLOSED else "open"


def expected(row: Mapping[str, Any]) -> datetime | None:
    """Filing time plus the published finish limit for the report's urgency (calendar minutes)."""
    for limit in row.get("limits") or []:
        if limit["urgency"] == row["urgency"] and limit.get("finish_minutes"):
            filed: datetime = row["filed_at"]
            return filed + timedelta(minutes=limit["finish_minutes"])
    return None


def media_url(value: str | None) -> str | None:
    """A client's media_url, kept as a reference and handed back, never fetched here: an
    absolute http(s) URL with a host, no credentials, no spaces or control characters."""
    if not value:
        return None
    refusal = Open311Error(400, "media_url must be an absolute http or https URL")
    if len(value) > MEDIA_URL_MAX or any(c.isspace() or not c.isprintable() for c in value):
        raise refusal
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise refusal from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise refusal
    if parts.username is not None or parts.password is not None:
        raise Open311Error(400, "media_url must not carry a user name or password")
    return value


def request(row: Mapping[str, Any], photo_url: str | None = None) -> dict[str, Any]:
    """A public report as a service request (feedback.domain_public says which are public): no
    reporter identity or contact, and no free text at all, since the reporter's description, the
    staff's notes and the place's own words may name people, phones or rooms. The description is
    the service's name; the address is campus and building. `media_url` is the public link of
    its first photo, or else the link its Open311 client gave."""
    location = row["location"]
    status = status_of(row["status"])
    return {
        "service_request_id": row["tracking_no"],
        "status": status,
        "status_notes": public.STATUS_NOTES[status],
        "service_name": row["service_name"],
        "service_code": row["category"],
        "description": row["service_name"] or row["category"],
        "agency_responsible": row["department_id"],
        "service_notice": None,
        "requested_datetime": w3(row["filed_at"]),
        "updated_datetime": w3(row["updated_at"] or row["filed_at"]),
        "expected_datetime": w3(expected(row)),
        "address": public.public_address(location),
        "address_id": location.get("building"),
        "zipcode": None,
        "lat": public.public_coordinate(location.get("lat")),
        "long": public.public_coordinate(location.get("long")),
        "media_url": photo_url or row.get("media_url"),
    }


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return NOT_XML.sub("", text)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else xml_text(str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """The spec's XML: `root` holding the value (a list becomes repeated item elements)."""
    element = ET.Element(root)
    _fill(element, value)
    body: bytes = ET.tostring(element, encoding="unicode").encode()
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def parse_api_keys(setting: str) -> dict[str, str]:
    """ "key1=system-a,key2=system-b" -> {key: system}."""
    keys: dict[str, str] = {}
    for pair in setting.split(","):
        key, _, system = pair.strip().partition("=")
        if key and system:
            keys[key] = system
    return keys


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
