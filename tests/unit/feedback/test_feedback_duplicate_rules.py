"""Which reports are the same problem, without I/O."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from feedback import domain_duplicates as dup


def test_distance_and_box() -> None:
    assert dup.distance_m(30.0, 114.0, 30.0, 114.0) == 0
    one_degree = dup.distance_m(30.0, 114.0, 31.0, 114.0)
    assert one_degree == pytest.approx(111_195, rel=1e-3)
    lat_min, lat_max, long_min, long_max = dup.bounding_box(30.0, 114.0, 100)
    assert lat_min < 30.0 < lat_max and long_min < 114.0 < long_max
    assert dup.distance_m(30.0, 114.0, lat_max, 114.0) == pytest.approx(100, rel=1e-3)
    assert dup.distance_m(30.0, 114.0, 30.0, long_max) == pytest.approx(100, rel=1e-2)


def test_same_place_is_the_same_room_or_near() -> None:
    room = {"building": "dorm-7", "room": "312"}
    assert dup.same_place(room, {"building": "dorm-7", "room": "312"}, 50)
    assert not dup.same_place(room, {"building": "dorm-7", "room": "313"}, 50)
    assert not dup.same_place({"building": "dorm-7"}, {"building": "dorm-7"}, 50)
    here = {"lat": 30.0, "long": 114.0}
    assert dup.same_place(here, {"lat": 30.0002, "long": 114.0}, 50)  # about 22 m
    assert not dup.same_place(here, {"lat": 30.001, "long": 114.0}, 50)  # about 111 m


def test_summary_is_short_and_on_one_line() -> None:
    assert dup.summary("tap\n  leaks") == "tap leaks"
    assert len(dup.summary("x" * 500)) == 140


def report(**change: Any) -> dict[str, Any]:
    base = {
        "id": uuid.uuid4(),
        "category": "plumbing",
        "primary_id": None,
        "reporter_id": "a",
        "status": "filed",
    }
    return {**base, **change}


def test_link_and_me_too_refusals() -> None:
    a, b = report(), report()
    assert dup.link_refusal(b, a) is None
    assert dup.link_refusal(a, a) is not None
    assert dup.link_refusal(report(category="canteen"), a) is not None
    assert dup.link_refusal(b, report(primary_id=uuid.uuid4())) is not None
    assert dup.link_refusal(report(primary_id=a["id"]), a) is not None
    assert dup.me_too_refusal(a, "b") is None
    assert dup.me_too_refusal(a, "a") == "me-too-own-report"
    assert dup.me_too_refusal(report(status="closed"), "b") is not None
    assert dup.me_too_refusal(report(primary_id=a["id"]), "b") is not None
