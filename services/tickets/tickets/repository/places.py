"""What the place picker reads: the area map and the rooms repair reports have named."""

from __future__ import annotations

from typing import Any

from houqin_shared.db import Conn


async def campuses_and_buildings(conn: Conn, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "(SELECT id, parent_id, kind, name, name_en FROM areas WHERE kind = 'campus')"
        " UNION ALL (SELECT id, parent_id, kind, name, name_en FROM areas WHERE kind = 'building'"
        " ORDER BY name LIMIT $1)",
        limit,
    )
    return [dict(r) for r in rows]


async def area(conn: Conn, area_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, parent_id, kind, name, name_en FROM areas WHERE id = $1", area_id
    )
    return dict(row) if row else None


async def below(conn: Conn, building_id: str, limit: int) -> list[dict[str, Any]]:
    """The building's floors and rooms (rooms directly under it too)."""
    rows = await conn.fetch(
        "SELECT id, parent_id, kind, name, name_en FROM areas WHERE parent_id = $1"
        " UNION ALL (SELECT r.id, r.parent_id, r.kind, r.name, r.name_en FROM areas r"
        " JOIN areas f ON f.id = r.parent_id WHERE f.parent_id = $1 LIMIT $2)",
        building_id,
        limit,
    )
    return [dict(r) for r in rows]


async def reported_rooms(conn: Conn, building_id: str, limit: int) -> list[tuple[str | None, str]]:
    """Distinct (floor, room) that repair tickets of this building named, most used first."""
    rows = await conn.fetch(
        "SELECT location->>'floor' AS floor, location->>'room' AS room FROM tickets"
        " WHERE location->>'building' = $1 AND kind = 'repair'"
        " AND location->>'room' IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT $2",
        building_id,
        limit,
    )
    return [(r["floor"], r["room"]) for r in rows]


async def unit_names(conn: Conn, limit: int) -> dict[str, list[dict[str, Any]]]:
    """Departments and teams by name (zh, en): what a timeline's ids read as."""
    depts = await conn.fetch(
        "SELECT id, name, name_en FROM departments ORDER BY id LIMIT $1", limit
    )
    teams = await conn.fetch(
        "SELECT id, department_id, name, name_en FROM teams ORDER BY department_id, id LIMIT $1",
        limit,
    )
    return {"departments": [dict(r) for r in depts], "teams": [dict(r) for r in teams]}
