"""Which open reports look like the same problem: same category and the same room, or within a
distance of each other. No I/O."""

from __future__ import annotations

import math
from typing import Any

from feedback.rows import ReportRow

EARTH_RADIUS_M = 6_371_000.0
FINAL_STATUSES = frozenset({"closed", "confirmed"})


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def bounding_box(lat: float, long: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lat/long box holding every point within `radius_m` (for an index to pre-filter)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlong = math.degrees(radius_m / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, long - dlong, long + dlong


def same_place(here: dict[str, Any], there: dict[str, Any], radius_m: float) -> bool:
    """The same room of the same building, or both positions within `radius_m`."""
    place = (here.get("building"), here.get("room"))
    if all(place) and place == (there.get("building"), there.get("room")):
        return True
    if here.get("lat") is not None and there.get("lat") is not None:
        d = distance_m(here["lat"], here["long"], there["lat"], there["long"])
        return d <= radius_m
    return False


def summary(description: str, limit: int = 140) -> str:
    text = " ".join(description.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_refusal(report: ReportRow, primary: ReportRow) -> str | None:
    """Why `report` may not be linked to `primary` as its duplicate: a problem slug
    (houqin_shared.problem_types), or None."""
    if report["id"] == primary["id"]:
        return "duplicate-of-itself"
    if report["category"] != primary["category"]:
        return "duplicate-category-differs"
    if primary["primary_id"] is not None:
        return "duplicate-link-to-primary"
    if report["primary_id"] is not None:
        return "duplicate-already-linked"
    return None


def me_too_refusal(report: ReportRow, user: str) -> str | None:
    """Why `user` may not say "me too": a problem slug, or None."""
    if report["reporter_id"] == user:
        return "me-too-own-report"
    if report["status"] in FINAL_STATUSES:
        return "report-closed"
    if report["primary_id"] is not None:
        return "me-too-use-primary"
    return None
