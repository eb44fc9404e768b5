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
