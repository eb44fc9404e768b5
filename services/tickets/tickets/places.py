"""The places a reporter may pick (campus → building → floor → room), from the area map, named
as people say them ("北校区学生公寓7号楼 312"). No I/O.

The area map names a floor `<building>-<floor>` and a room `<building>-<floor>-<room>` (the
convention routing follows); the codes given here are what a report's location takes: the
building's area id, the floor and room parts after it. A building whose floors and rooms are
not in the map gets the rooms repair reports have named there (`source: reported`), so a
reporter can pick the room a neighbour already reported; anything else is typed in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

MAX_BUILDINGS = 2000
MAX_ROOMS = 3000
Source = Literal["map", "reported"]
# What a report's location accepts (feedback's LocationIn): reported codes outside it are left out.
FLOOR = re.compile(r"^[A-Za-z0-9-]{1,16}$")
ROOM = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


EN = "The English name, for English readers (null: none given; show `name`)."


class BuildingOut(BaseModel):
    code: str = Field(description="The report location's `building`.")
    name: str
    name_en: str | None = Field(None, description=EN)


class CampusOut(BaseModel):
    code: str | None = Field(description="The report location's `campus` (null: none in the map).")
    name: str | None
    name_en: str | None = Field(None, description=EN)
    buildings: list[BuildingOut]


class PlacesOut(BaseModel):
    campuses: list[CampusOut]
    truncated: bool = Field(False, description=f"More than {MAX_BUILDINGS} buildings: cut there.")


class RoomOut(BaseModel):
    code: str = Field(description="The report location's `room`.")
    name: str
    name_en: str | None = Field(None, description=EN)
    label: str = Field(description="Building and room as people say them, e.g. 7号楼 312.")
    source: Source
    location: dict[str, str] = Field(description="The report's `location`, ready to send.")


class FloorOut(BaseModel):
    code: str | None = Field(
        description="The report location's `floor` (null: rooms whose floor is unknown)."
    )
    name: str
    name_en: str | None = Field(None, description=EN)
    source: Source
    rooms: list[RoomOut]


class BuildingPlacesOut(BaseModel):
    code: str
    name: str
    name_en: str | None = Field(None, description=EN)
    campus: str | None
    campus_name: str | None
    campus_name_en: str | None = None
    floors: list[FloorOut]
    truncated: bool = Field(False, description=f"More than {MAX_ROOMS} rooms: cut there.")


def part(area_id: str, parent_id: str | None) -> str:
    """The floor or room part of an area id (`north-dorm-7-3` under `north-dorm-7`: `3`)."""
    if parent_id and area_id.startswith(f"{parent_id}-"):
        return area_id[len(parent_id) + 1 :]
    return area_id.rsplit("-", 1)[-1]


def campuses(areas: Iterable[Mapping[str, Any]], limit: int = MAX_BUILDINGS) -> PlacesOut:
    """Campuses with their buildings, by name; buildings outside any campus come last."""
    rows = list(areas)
    names = {a["id"]: a["name"] for a in rows if a["kind"] == "campus"}
    english = {a["id"]: a.get("name_en") for a in rows if a["kind"] == "campus"}
    buildings = sorted((a for a in rows if a["kind"] == "building"), key=lambda a: a["name"])
    by_campus: dict[str | None, list[BuildingOut]] = {c: [] for c in names}
    for b in buildings[:limit]:
        campus = b["parent_id"] if b["parent_id"] in names else None
        by_campus.setdefault(campus, []).append(
            BuildingOut(code=b["id"], name=b["name"], name_en=b.get("name_en"))
        )
    order = sorted(names, key=lambda c: names[c]) + ([None] if None in by_campus else [])
    return PlacesOut(
        campuses=[
            CampusOut(
                code=c,
                name=names.get(c or ""),
                name_en=english.get(c or ""),
                buildings=by_campus[c],
            )
            for c in order
        ],
        truncated=len(buildings) > limit,
    )


def _room(building: Mapping[str, Any], campus: str | None, floor: str | None, code: str,
          name: str, source: Source, name_en: str | None = None) -> RoomOut:  # fmt: skip
    location = {"building": building["id"], "room": code}
    if floor:
        location["floor"] = floor
    if campus:
        location["campus"] = campus
    return RoomOut(
        code=code,
        name=name,
        name_en=name_en,
        label=f"{building['name']} {code}",
        source=source,
        location=location,
    )


def _number_key(code: str | None) -> tuple[int, int, str]:
    """Floors and rooms in the order people count them: B1, 1, 2, ..., 10, then the rest."""
    if code is None:
        return (2, 0, "")
    digits = code.lstrip("Bb-")
    if digits.isdigit():
        return (0, -int(digits) if code[0] in "Bb-" else int(digits), code)
    return (1, 0, code)


def building_places(
    building: Mapping[str, Any],
    campus: Mapping[str, Any] | None,
    children: Iterable[Mapping[str, Any]],
    reported: Iterable[tuple[str | None, str]],
    limit: int = MAX_ROOMS,
) -> BuildingPlacesOut:
    """Floors and rooms of one building: the map's, then the rooms reports named that the map
    does not have (each under its floor, or under a floor of unknown number)."""
    campus_code = campus["id"] if campus else None
    floors: dict[str | None, FloorOut] = {}
    rooms = [a for a in children if a["kind"] == "room"]
    floor_rows = {a["id"]: a for a in children if a["kind"] == "floor"}
    for f in floor_rows.values():
        code = part(f["id"], building["id"])
        floors[code] = FloorOut(
            code=code, name=f["name"], name_en=f.get("name_en"), source="map", rooms=[]
        )
    count = 0
    known: set[tuple[str | None, str]] = set()
    for r in rooms:
        floor_row = floor_rows.get(r["parent_id"])
        floor = part(floor_row["id"], building["id"]) if floor_row else None
        code = part(r["id"], r["parent_id"])
        if count < limit:
            floors.setdefault(floor, _floor(floor, "map")).rooms.append(
                _room(building, campus_code, floor, code, r["name"], "map", r.get("name_en"))
            )
        count += 1
        known.add((floor, code))
    for floor, code in _unmapped(reported, known):
        if count < limit:
            floors.setdefault(floor, _floor(floor, "reported")).rooms.append(
                _room(building, campus_code, floor, code, f"{code}室", "reported")
            )
        count += 1
    for floor_out in floors.values():
        floor_out.rooms.sort(key=lambda r: _number_key(r.code))
    return BuildingPlacesOut(
        code=building["id"],
        name=building["name"],
        name_en=building.get("name_en"),
        campus=campus_code,
        campus_name=campus["name"] if campus else None,
        campus_name_en=campus.get("name_en") if campus else None,
        floors=sorted(floors.values(), key=lambda f: _number_key(f.code)),
        truncated=count > limit,
    )


def _unmapped(
    reported: Iterable[tuple[str | None, str]], known: set[tuple[str | None, str]]
) -> list[tuple[str | None, str]]:
    """The rooms reports named that the map does not have, once each, under their floor (None
    when the floor is unknown or not a floor number); `known` grows with them."""
    out: list[tuple[str | None, str]] = []
    for floor, code in reported:
        if (floor, code) in known or (None, code) in known or not ROOM.match(code):
            continue
        if floor is not None and not FLOOR.match(floor):
            floor = None
        out.append((floor, code))
        known.add((floor, code))
    return out


def _floor(code: str | None, source: Source) -> FloorOut:
    return FloorOut(code=code, name=f"{code}层" if code else "其他", source=source, rooms=[])


MAX_UNITS = 1000


class DepartmentName(BaseModel):
    id: str
    name: str
    name_en: str | None = None


class TeamName(DepartmentName):
    department_id: str


class UnitNamesOut(BaseModel):
    """How a department or team id reads, for pages that show a timeline to a reporter."""

    departments: list[DepartmentName]
    teams: list[TeamName]
