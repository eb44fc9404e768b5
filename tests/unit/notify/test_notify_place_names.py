"""Places in the reader's language (issue 16): the area map's English names for English
readers, the Chinese name where a place has none, the campus where the building's name does
not say it."""

from __future__ import annotations

from notify.names import Names

NAMES = Names(
    areas={
        "north": ("北校区", "North Campus"),
        "north-dorm-7": ("北校区学生公寓7号楼", "North Campus Student Apartment 7"),
        "north-library": ("图书馆", "Library"),
        "south": ("南校区", "南校区"),  # no English name: the Chinese one
        "south-xuntian": ("巡天楼", "巡天楼"),
    }
)
DORM = {"campus": "north", "building": "north-dorm-7", "room": "312"}


def test_a_room_reads_in_each_language() -> None:
    assert NAMES.place(DORM, "zh-CN") == "北校区学生公寓7号楼 312"
    assert NAMES.place(DORM, "en") == "North Campus Student Apartment 7, room 312"
    floor = {"campus": "north", "building": "north-dorm-7", "floor": "3"}
    assert NAMES.place(floor, "en") == "North Campus Student Apartment 7, floor 3"


def test_the_campus_is_named_where_the_building_does_not_say_it() -> None:
    library = {"campus": "north", "building": "north-library"}
    assert NAMES.place(library, "zh-CN") == "北校区图书馆"
    assert NAMES.place(library, "en") == "Library, North Campus"


def test_a_place_without_an_english_name_reads_in_chinese() -> None:
    xuntian = {"campus": "south", "building": "south-xuntian", "room": "101"}
    assert NAMES.place(xuntian, "en") == "南校区巡天楼, room 101"
    assert NAMES.area("south", "en") == "南校区" and NAMES.area("nowhere", "en") is None
