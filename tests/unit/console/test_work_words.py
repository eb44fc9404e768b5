"""The workers' pages without I/O: stage clocks and their colours, places in words, leave days,
the photo check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from console.api import Building, Campus, Location
from console.clients.work import Ticket
from console.pages.work_duty import leave_span
from console.pages.work_ticket import is_image
from console.pages.work_words import clock, clocks, place, span, worst

NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": uuid.uuid4(), "report_id": uuid.uuid4(), "tracking_no": "FK20261205-0001",
        "kind": "repair", "category": "plumbing", "urgency": "normal",
        "location": {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"},
        "status": "assigned", "opened_at": NOW - timedelta(hours=1),
        "accept_due_at": NOW + timedelta(minutes=20), "arrive_due_at": NOW + timedelta(hours=2),
        "finish_due_at": NOW + timedelta(days=1, hours=3),
    }  # fmt: skip
    return Ticket.model_validate(base | fields)


def test_each_stage_has_its_clock_coloured_as_it_runs_out() -> None:
    t = ticket()
    accept, arrive, finish = clocks(t, NOW, "zh")
    assert (accept.level, accept.text) == ("soon", "剩余 20 分")
    assert (arrive.level, arrive.text) == ("ok", "剩余 2 小时 00 分")
    assert (finish.level, finish.text) == ("ok", "剩余 1 天 3 小时")
    assert worst([accept, arrive, finish]) == "soon"
    late = clock(t, "accept", NOW + timedelta(minutes=25), "en")
    assert (late.level, late.text) == ("late", "5 min late")
    assert clock(t, "accept", NOW, "en").text == "20 min left"


def test_a_done_stage_says_so_and_whether_it_was_late() -> None:
    t = ticket(status="accepted", accepted_at=NOW + timedelta(minutes=30))
    assert clock(t, "accept", NOW, "zh").level == "done-late"
    t = ticket(status="accepted", accepted_at=NOW)
    assert clock(t, "accept", NOW, "en").text == "done"
    paused = ticket(status="paused", accepted_at=NOW)
    assert clock(paused, "arrive", NOW, "zh").level == "paused"


def test_span_reads_like_people_say_it() -> None:
    assert span(59, "zh") == "0 分"
    assert span(3 * 3600 + 5 * 60, "en") == "3 h 05 min"


def test_places_in_words() -> None:
    campuses = [Campus(code="north", name="北区",
                       buildings=[Building(code="north-dorm-7", name="北区 7 栋")])]  # fmt: skip
    loc = Location(campus="north", building="north-dorm-7", floor="3", room="312")
    assert place(loc, campuses, "zh") == "北区 7 栋 · 3 层 · 312 室"
    assert place(loc, campuses, "en") == "北区 7 栋 · floor 3 · room 312"
    other = [Campus(code="north", name="北校区", buildings=[Building(code="b7", name="7 号楼")])]
    assert place(Location(campus="north", building="b7"), other, "zh") == "北校区 · 7 号楼"
    assert place(Location(building="x-1"), None, "zh") == "x-1"


def test_leave_is_whole_local_days() -> None:
    span_ = leave_span("2026-12-07", "2026-12-08", "Asia/Shanghai")
    assert span_ is not None
    start, end = span_
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-07T00:00:00+08:00",
        "2026-12-09T00:00:00+08:00",
    )
    assert leave_span("2026-12-08", "2026-12-07", "Asia/Shanghai") is None
    assert leave_span("2026-12-08", "2027-06-07", "Asia/Shanghai") is None
    assert leave_span("soon", "2026-12-07", "Asia/Shanghai") is None


def test_only_images_are_sent() -> None:
    assert is_image(b"\xff\xd8\xff\xe0rest")
    assert is_image(b"\x89PNG\r\n\x1a\nrest")
    assert is_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert not is_image(b"%PDF-1.7")


def test_leave_reads_as_the_days_it_covers() -> None:
    from console.pages.work_words import leave_days

    span_ = leave_span("2026-12-07", "2026-12-08", "Asia/Shanghai")
    assert span_ is not None
    assert leave_days(*span_, "Asia/Shanghai", "zh") == "12月7日 – 12月8日"
    one = leave_span("2026-12-07", "2026-12-07", "Asia/Shanghai")
    assert one is not None
    assert leave_days(*one, "Asia/Shanghai", "en") == "Dec 7"
