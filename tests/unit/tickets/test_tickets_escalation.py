"""Escalation steps: warning at 80%, levels 1-3, reminders in working hours only, pauses,
catching up after downtime, which stage is timed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tickets.escalation import current_stage, due_steps, step
from tickets.sla import Policy, RoundTheClock, SlaClock, WorkingCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()
RTC = RoundTheClock()
H = 3600


def sh(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2026, 11, d, h, mi, tzinfo=SH)  # 2026-11-20 is a Friday


def test_levels_follow_the_limit() -> None:
    sla = SlaClock(sh(20, 9, 30))
    got = [step(i, H, sla, CAL, CAL) for i in range(4)]
    assert [(s.at, s.level, s.warning) for s in got if s] == [
        (sh(20, 10, 18), 1, True),
        (sh(20, 10, 30), 1, False),
        (sh(20, 11, 30), 2, False),
        (sh(20, 14, 30), 3, False),  # lunch is not counted on a working-hours policy
    ]


def test_reminders_fall_in_working_hours_even_round_the_clock() -> None:
    sla = SlaClock(sh(20, 16))  # Friday 16:00, round the clock, 1 h limit: level 3 at 19:00
    assert step(3, H, sla, RTC, CAL).at == sh(20, 19)  # type: ignore[union-attr]
    first = step(4, H, sla, RTC, CAL)
    assert first is not None and (first.at, first.level, first.seq) == (sh(23, 10), 3, 1)  # Monday
    second = step(5, H, sla, RTC, CAL)
    assert second is not None and second.at == sh(23, 12) and second.seq == 2
    assert CAL.is_open(second.at - timedelta(seconds=1))


def test_paused_clock_has_no_steps() -> None:
    assert step(0, H, SlaClock(sh(20, 9)).pause(sh(20, 9, 10)), CAL, CAL) is None


def test_due_steps_fire_in_order_and_say_what_comes_next() -> None:
    sla = SlaClock(sh(20, 9))
    fired, nxt = due_steps(0, sh(20, 10, 30), H, sla, CAL, CAL)
    assert [(s.level, s.warning) for s in fired] == [(1, True), (1, False)]
    assert nxt is not None and nxt.index == 2 and nxt.at == sh(20, 11)
    fired, nxt = due_steps(2, sh(20, 10, 30), H, sla, CAL, CAL)
    assert fired == [] and nxt is not None and nxt.index == 2


def test_catching_up_collapses_missed_reminders() -> None:
    sla = SlaClock(sh(20, 9))
    fired, nxt = due_steps(4, sh(27, 9), H, sla, CAL, CAL)  # a week of missed reminders
    assert len(fired) == 1 and fired[0].seq > 1 and nxt is not None and nxt.at > sh(27, 9)
    fired, _ = due_steps(0, sh(27, 9), H, sla, CAL, CAL)
    assert [(s.level, s.warning, s.seq) for s in fired][:4] == [
        (1, True, 0),
        (1, False, 0),
        (2, False, 0),
        (3, False, 0),
    ]
    assert len(fired) == 5 and fired[4].seq > 1


def test_current_stage() -> None:
    p = Policy(accept_s=H, arrive_s=None, finish_s=4 * H)
    base = {"status": "assigned", "accepted_at": None, "arrived_at": None, "resolved_at": None}
    assert current_stage(base, p) == "accept"
    assert (
        current_stage({**base, "status": "accepted", "accepted_at": sh(20, 9)}, p) == "finish"
    )  # no arrive limit
    assert current_stage({**base, "status": "paused"}, p) is None
    assert current_stage({**base, "status": "resolved"}, p) is None
    assert current_stage(base, Policy(None, None, None)) is None
