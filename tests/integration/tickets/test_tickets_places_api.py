"""The place picker: campuses and buildings, then a building's floors and rooms from the area
map and from the rooms repair reports named; readable by reporters and front desk; cacheable."""

from __future__ import annotations

import pytest
from tickets_support import Env, complaint

pytestmark = pytest.mark.infra


async def test_campuses_and_buildings_for_a_reporter(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.get("/v1/places", headers=e.as_user("student"))
    assert r.status_code == 200, r.text
    campuses = {c["code"]: c for c in r.json()["campuses"]}
    assert campuses["north"]["name"] == "北校区"
    north = {b["code"]: b["name"] for b in campuses["north"]["buildings"]}
    assert north["north-dorm-7"] == "北校区学生公寓7号楼"
    # for English readers (the demo's area map gives them; optional fields)
    assert campuses["north"]["name_en"] == "North Campus"
    english = {b["code"]: b["name_en"] for b in campuses["north"]["buildings"]}
    assert english["north-dorm-7"] == "North Campus Student Apartment 7"
    assert "south-feitian" not in north
    assert r.json()["truncated"] is False
    assert "max-age" in r.headers["cache-control"]
    again = await e.client.get(
        "/v1/places", headers={**e.as_user("frontdesk"), "If-None-Match": r.headers["etag"]}
    )
    assert again.status_code == 304
    assert (await e.client.get("/v1/places")).status_code == 401


async def test_floors_and_rooms_of_a_building(tickets_env: Env) -> None:
    e = tickets_env
    await e.handle(complaint(campus="north", building="north-dorm-7", floor="5", room="530"))
    await e.handle(complaint(campus="north", building="north-dorm-7", floor="3", room="312"))
    await e.handle(complaint(building="north-dorm-7", room="B12"))
    r = await e.client.get("/v1/places/north-dorm-7", headers=e.as_user("student"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["campus"], body["campus_name"]) == (
        "北校区学生公寓7号楼",
        "north",
        "北校区",
    )
    floors = {f["code"]: f for f in body["floors"]}
    assert list(floors) == ["1", "2", "3", "4", "5", "6", None]  # the demo map's, then unknown
    assert floors["3"]["source"] == "map" and floors["3"]["name"] == "7号楼3层"
    room = next(r for r in floors["3"]["rooms"] if r["code"] == "312")
    assert (room["code"], room["name"], room["source"]) == ("312", "7号楼312室", "map")
    assert (room["name_en"], floors["3"]["name_en"]) == ("Room 312", "Floor 3")
    assert (body["name_en"], body["campus_name_en"]) == ("North Campus Student Apartment 7",
                                                         "North Campus")  # fmt: skip
    assert room["label"] == "北校区学生公寓7号楼 312"
    assert room["location"] == {
        "campus": "north",
        "building": "north-dorm-7",
        "floor": "3",
        "room": "312",
    }
    assert len(floors["3"]["rooms"]) == 20  # the reported 312 is the map's 312
    reported = floors["5"]["rooms"][-1]  # 530 is not in the map (its rooms are 501-520)
    assert (reported["code"], reported["source"], floors["5"]["name"]) == (
        "530",
        "reported",
        "7号楼5层",
    )
    assert floors[None]["rooms"][0]["location"] == {
        "campus": "north",
        "building": "north-dorm-7",
        "room": "B12",
    }
    missing = await e.client.get("/v1/places/nowhere", headers=e.as_user("student"))
    assert missing.status_code == 404
    assert missing.json()["type"] == "https://houqin.dev/problems/building-not-found"
    campus = await e.client.get("/v1/places/north", headers=e.as_user("student"))
    assert campus.status_code == 404
    bad = await e.client.get("/v1/places/Not%20A%20Code", headers=e.as_user("student"))
    assert bad.status_code == 422


async def test_unit_names_for_a_timeline(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.get("/v1/units", headers=e.as_user("student"))
    assert r.status_code == 200, r.text
    depts = {d["id"]: d for d in r.json()["departments"]}
    assert (depts["maintenance"]["name"], depts["maintenance"]["name_en"]) == (
        "维修管理科",
        "Maintenance",
    )
    teams = {t["id"]: t for t in r.json()["teams"]}
    assert teams["plumbers"]["department_id"] == "maintenance"
    assert "etag" in r.headers


async def test_a_document_without_english_names_keeps_them(tickets_env: Env) -> None:
    """A directory document written before areas had English names (or a client that does not
    know them) leaves them as they are; one that gives the field sets or clears it."""
    e = tickets_env
    admin = e.as_user("admin")
    library = {"id": "north-library", "parent_id": "north", "kind": "building", "name": "图书馆"}

    async def english() -> str | None:
        r = await e.client.get("/v1/places", headers=e.as_user("student"))
        north = next(c for c in r.json()["campuses"] if c["code"] == "north")
        return next(b["name_en"] for b in north["buildings"] if b["code"] == "north-library")

    for area, want in (
        (library, "Library"),
        ({**library, "name_en": "Main Library"}, "Main Library"),
        ({**library, "name_en": None}, None),
    ):
        r = await e.client.put("/v1/directory", json={"areas": [area]}, headers=admin)
        assert r.status_code == 200, r.text
        assert await english() == want
