"""The place picker's rules: codes from area ids, the order people count floors, bounds."""

from __future__ import annotations

from tickets import places

B = {"id": "dorm-7", "name": "7号楼", "parent_id": "north", "kind": "building"}
CAMPUS = {"id": "north", "name": "北校区", "parent_id": None, "kind": "campus"}


def test_codes_are_what_follows_the_parent() -> None:
    assert places.part("dorm-7-3", "dorm-7") == "3"
    assert places.part("dorm-7-3-312", "dorm-7-3") == "312"
    assert places.part("odd_name-12", "elsewhere") == "12"


def test_floors_in_counting_order_and_bounded() -> None:
    children = [
        {"id": f"dorm-7-{f}", "parent_id": "dorm-7", "kind": "floor", "name": f"{f}层"}
        for f in ("10", "2", "B1", "1")
    ]
    reported = [(None, f"{n}") for n in range(100, 110)] + [("2", "bad room!")]
    out = places.building_places(B, CAMPUS, children, reported, limit=5)
    assert [f.code for f in out.floors] == ["B1", "1", "2", "10", None]
    assert out.truncated and sum(len(f.rooms) for f in out.floors) == 5
    assert all(r.code != "bad room!" for f in out.floors for r in f.rooms)


def test_buildings_outside_a_campus_come_last() -> None:
    loose = {"id": "shed", "name": "仓库", "parent_id": None, "kind": "building"}
    out = places.campuses([CAMPUS, B, loose], limit=1)
    assert [c.code for c in out.campuses] == ["north"]
    assert out.truncated
    out = places.campuses([CAMPUS, B, loose])
    assert [c.code for c in out.campuses] == ["north", None]
    assert out.campuses[1].buildings[0].code == "shed"


def test_english_names_come_along_where_the_map_has_them() -> None:
    campus = {**CAMPUS, "name_en": "North Campus"}
    building = {**B, "name_en": "Student Apartment 7"}
    out = places.campuses([campus, building, {**B, "id": "dorm-8", "name": "8号楼"}])
    assert out.campuses[0].name_en == "North Campus"
    assert [b.name_en for b in out.campuses[0].buildings] == ["Student Apartment 7", None]
    floor = {"id": "dorm-7-3", "parent_id": "dorm-7", "kind": "floor", "name": "3层",
             "name_en": "Floor 3"}  # fmt: skip
    room = {"id": "dorm-7-3-312", "parent_id": "dorm-7-3", "kind": "room", "name": "312室",
            "name_en": "Room 312"}  # fmt: skip
    one = places.building_places(building, campus, [floor, room], [(None, "313")])
    assert (one.name_en, one.campus_name_en) == ("Student Apartment 7", "North Campus")
    assert [(f.name_en, [r.name_en for r in f.rooms]) for f in one.floors] == [
        ("Floor 3", ["Room 312"]),
        (None, [None]),  # a room only reports named: no English name
    ]
