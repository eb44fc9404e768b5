"""What the public may see of a report (the Open311 feed, the public board, their photos): only
reports of a service the catalogue marks public, never an anonymous one, a complaint or praise
(praise names people), and of those only what names nobody. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PUBLIC_KINDS = ("repair", "suggestion", "consultation")
"""Kinds of report the public may see; complaints and praise never (they are about people)."""

MAX_REQUEST_IDS = 50
"""How many service_request_id values one GET requests may ask for."""

STATUS_NOTES = {
    "open": "处理中 In progress",
    "closed": "已办结 Closed",
}
"""The public note of a request: a fixed text, never the staff's own words (which may name
people, phones or rooms)."""

COORDINATE_PLACES = 4
"""Decimal places of a published position (about 10 metres: a place, not a room)."""


def is_public(row: Mapping[str, Any]) -> bool:
    """Whether the public may see `row` (a report with its service's `public` flag)."""
    return bool(row.get("public")) and not row["anonymous"] and row["kind"] in PUBLIC_KINDS


def public_address(location: Mapping[str, Any]) -> str | None:
    """Campus and building only: never the floor, the room (a dorm room names its people) or
    the reporter's own words about the place."""
    parts = [location.get(k) for k in ("campus", "building")]
    return " ".join(str(p) for p in parts if p) or None


def public_coordinate(value: Any) -> float | None:
    return round(float(value), COORDINATE_PLACES) if value is not None else None
