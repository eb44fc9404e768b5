"""Open reports that may be the same problem as this one: in the same room, or within a radius
of the same position (the geometry: feedback.domain_duplicates)."""

from __future__ import annotations

import uuid
from typing import Any

from feedback import domain_duplicates as dup
from feedback.presenting import DuplicateOut, candidate
from feedback.repository import duplicates
from houqin_shared.db import Conn

MAX_CANDIDATES = 10


async def find(
    conn: Conn, category: str, location: dict[str, Any], radius_m: float, exclude: uuid.UUID
) -> list[DuplicateOut]:
    """Open reports of `category` in the same room or within `radius_m`, newest first."""
    rows: list[dict[str, Any]] = []
    if location.get("building") and location.get("room"):
        rows = await duplicates.open_in_room(
            conn, category, location["building"], location["room"], exclude, MAX_CANDIDATES
        )  # newest first
    if location.get("lat") is not None:
        box = dup.bounding_box(location["lat"], location["long"], radius_m)
        found = {row["id"]: row for row in rows}
        for row in await duplicates.open_in_box(conn, category, box, exclude, MAX_CANDIDATES):
            if dup.same_place(location, row["location"], radius_m):
                found[row["id"]] = row
        rows = sorted(found.values(), key=lambda r: r["filed_at"], reverse=True)[:MAX_CANDIDATES]
    return [candidate(r) for r in rows]
