"""Time-limit arithmetic: working hours in Asia/Shanghai, weekends, holidays, make-up days,
vacations, round the clock, pauses, stages and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets.sla import (
    DEFAULTS,
    Policy,
    RoundTheClock,
    SlaClock,
    WorkingCalendar,
    catalog_policies,
    due_times,
    on_time,
    policy_for,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()  # Mon-Fri 08:00-12:00 and 14:00-18:00 Shanghai time
H = 3600


def sh(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


# 2026-11-20 is a Friday, 2026-11-23 a Monday.
def test_inside_one_interval() -> None:
    assert CAL.add(sh(2026, 11, 20, 9), 30 * 60) == sh(2026, 11, 20, 9, 30)


def test_lunch_break_is_skipped() -> None:
    assert CAL.add(sh(2026, 11, 20, 11, 30), H) == sh(2026, 11, 20, 14, 30)


def test_end_of_an_interval_is_the_due_time_not_the_next_start() -> None:
    assert CAL.add(sh(2026, 11, 20, 11), H) == sh(2026, 11, 20, 12)


def test_weekend_is_skipped() -> None:
    assert CAL.add(sh(2026, 11, 20, 17), 2 * H) == sh(2026, 11, 23, 9)


def test_opened_outside_working_hours_starts_at_the_next_opening() -> None:
    assert CAL.add(sh(2026, 11, 21, 22), 30 * 60) == sh(2026, 11, 23, 8, 30)  # Saturday night
    assert CAL.add(sh(2026, 11, 23, 6), 0) == sh(2026, 11, 23, 8)


def test_holidays_make_up_days_and_vacations() -> None:
    national_day = WorkingCalendar(
        holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
        workdays=frozenset({date(2026, 10, 10)}),  # a Saturday worked (调休)
    )
    assert national_day.add(sh(2026, 9, 30, 17), 2 * H) == sh(2026, 10, 8, 9)
    assert national_day.add(sh(2026, 10, 9, 17), 2 * H) == sh(2026, 10, 10, 9)
    vacation = WorkingCalendar(closed=((date(2027, 1, 18), date(2027, 2, 21)),))
    assert vacation.add(sh(2027, 1, 15, 17), 2 * H) == sh(2027, 2, 22, 9)  # 2027-02-22 Monday
    assert not vacation.works(date(2027, 1, 20))


def test_between_is_the_inverse_of_add() -> None:
    start = sh(2026, 11, 20, 10, 15)
    for seconds in (0, 60, 5 * H, 17 * H, 123_456):
        end = CAL.add(start, seconds)
        assert CAL.between(start, end) == seconds
    assert CAL.between(sh(2026, 11, 20, 18), sh(2026, 11, 23, 8)) == 0
    assert CAL.between(sh(2026, 11, 23, 8), sh(2026, 11, 20, 8)) == 0
    assert CAL.between(sh(2026, 11, 20, 0), sh(2026, 11, 21, 0)) == 8 * H


def test_time_zones_are_respected_whatever_the_input_zone() -> None:
    utc_start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    due = CAL.add(utc_start, H)
    assert due == sh(2026, 11, 20, 10) and due.tzinfo is not None
    new_york = ZoneInfo("America/New_York")
    ny_start = utc_start.astimezone(new_york)  # 20:00 the day before in New York
    assert CAL.add(ny_start, H) == due
    # a calendar kept in another zone counts that zone's hours
    london = WorkingCalendar(tz=ZoneInfo("Europe/London"))
    assert london.add(utc_start, H) == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert CAL.is_open(utc_start) and not london.is_open(utc_start)


def test_round_the_clock() -> None:
    rtc = RoundTheClock()
    start = sh(2026, 11, 21, 23)  # Saturday night
    assert rtc.add(start, 2 * H) == sh(2026, 11, 22, 1)
    assert rtc.between(start, sh(2026, 11, 22, 1)) == 2 * H


def test_stages_from_the_policy() -> None:
    p = Policy(accept_s=H, arrive_s=4 * H, finish_s=None, calendar="working_hours")
    due = due_times(p, CAL, SlaClock(sh(2026, 11, 20, 16)))
    assert due == {"accept": sh(2026, 11, 20, 17), "arrive": sh(2026, 11, 23, 10), "finish": None}
    urgent = Policy(accept_s=H, arrive_s=2 * H, finish_s=8 * H, calendar="round_the_clock")
    due = due_times(urgent, CAL, SlaClock(sh(2026, 11, 20, 22)))
    assert due["finish"] == sh(2026, 11, 21, 6)


def test_pause_stops_the_clock_and_resume_recomputes() -> None:
    p = Policy(accept_s=H, arrive_s=2 * H, finish_s=4 * H)
    clock = SlaClock(sh(2026, 11, 20, 9))
    assert due_times(p, CAL, clock)["finish"] == sh(2026, 11, 20, 15)
    paused = clock.pause(sh(2026, 11, 20, 10))
    assert due_times(p, CAL, paused) == {"accept": None, "arrive": None, "finish": None}
    assert paused.used(sh(2026, 11, 20, 17), CAL) == H  # frozen at the pause
    resumed = paused.resume(sh(2026, 11, 23, 9), CAL)  # paused 10:00 Fri .. 09:00 Mon
    assert resumed.credit_s == 7 * H  # Fri 10-12, 14-18, Mon 8-9
    assert due_times(p, CAL, resumed)["finish"] == sh(2026, 11, 23, 12)  # 3 h left
    assert resumed.used(sh(2026, 11, 23, 12), CAL) == 4 * H
    with pytest.raises(ValueError):
        resumed.resume(sh(2026, 11, 23, 10), CAL)
    with pytest.raises(ValueError):
        paused.pause(sh(2026, 11, 20, 11))
    # a pause entirely outside working hours costs nothing
    night = clock.pause(sh(2026, 11, 20, 19)).resume(sh(2026, 11, 23, 7), CAL)
    assert due_times(p, CAL, night) == due_times(p, CAL, clock)
    # two pauses add up, round the clock
    rtc = RoundTheClock()
    two = clock.pause(sh(2026, 11, 20, 9, 10)).resume(sh(2026, 11, 20, 9, 40), rtc)
    two = two.pause(sh(2026, 11, 20, 10)).resume(sh(2026, 11, 20, 11), rtc)
    assert two.credit_s == 90 * 60


def test_on_time() -> None:
    p = Policy(accept_s=H, arrive_s=None, finish_s=4 * H)
    clock = SlaClock(sh(2026, 11, 20, 11, 30))
    assert on_time(p, CAL, clock, "accept", sh(2026, 11, 20, 14, 30)) is True  # lunch not counted
    assert on_time(p, CAL, clock, "accept", sh(2026, 11, 20, 14, 31)) is False
    assert on_time(p, CAL, clock, "arrive", sh(2026, 11, 30, 0)) is None


def test_catalog_policies_and_defaults() -> None:
    published = catalog_policies(
        [
            {
                "urgency": "normal",
                "accept_minutes": 20,
                "arrive_minutes": None,
                "finish_minutes": 120,
            }
        ],
        "round_the_clock",
    )
    assert published["normal"] == Policy(1200, None, 7200, "round_the_clock")
    assert policy_for(published, "normal") == published["normal"]
    assert policy_for(published, "urgent") == DEFAULTS["urgent"]
    assert policy_for(None, "weird") == DEFAULTS["normal"]
    assert all(p.accept_s and p.finish_s and p.accept_s < p.finish_s for p in DEFAULTS.values())


def test_time_beyond_the_calendars_horizon_is_due_at_the_horizon() -> None:
    """A calendar closed for years (the API fuzzer PUT one) or a limit of years of working
    time: due ten years ahead, which no sweep reaches, instead of a 500 on every move."""
    start = sh(2026, 11, 20, 9)
    horizon = start + timedelta(days=3660)
    never = WorkingCalendar(weekdays=frozenset())
    assert never.add(start, 60) == horizon
    assert never.between(start, start + timedelta(days=5000)) == 0
    closed = WorkingCalendar(closed=((date(2026, 1, 1), date(2099, 12, 31)),))
    assert closed.add(start, H) == horizon
    open_now = WorkingCalendar()
    years = 90 * 24 * H * 20  # escalation level 3 at 2000% of a 90-day limit
    assert open_now.add(start, years) == horizon
    assert open_now.between(start, horizon + timedelta(days=400)) > 0


def test_custom_hours() -> None:
    canteen = WorkingCalendar(hours=((time(6, 0), time(20, 0)),), weekdays=frozenset(range(7)))
    assert canteen.add(sh(2026, 11, 21, 19), 2 * H) == sh(2026, 11, 22, 7)
    assert canteen.add(sh(2026, 11, 21, 19), 2 * H) - sh(2026, 11, 21, 19) == timedelta(hours=12)
