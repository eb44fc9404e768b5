"""A service's own chase (issue 14), without I/O: its warning and level shares of the limit, its
reminder spacing, level 1 to the head where there is no team lead, stored with the ticket."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tickets import sla_service
from tickets.escalation import first_level, step
from tickets.sla import Chase, Policy, RoundTheClock, SlaClock, WorkingCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL, RTC, H = WorkingCalendar(), RoundTheClock(), 3600
PUBLISHED = {"warn_at_percent": 50, "level_percents": [100, 150, 400], "remind_every_minutes": 60}


def test_the_published_chase_sets_every_step() -> None:
    chase = Chase.published(PUBLISHED)
    assert chase == Chase(0.5, (1.0, 1.5, 4.0), 3600)
    sla = SlaClock(datetime(2026, 11, 20, 9, 0, tzinfo=SH))  # a Friday
    got = [step(i, H, sla, RTC, CAL, chase) for i in range(5)]
    local = [(s.at.astimezone(SH), s.level, s.warning) for s in got if s]
    assert [(at.hour, at.minute, level, warning) for at, level, warning in local] == [
        (9, 30, 1, True),
        (10, 0, 1, False),
        (10, 30, 2, False),
        (13, 0, 3, False),
        (15, 0, 3, False),  # an hour of working time later (not two; lunch not counted)
    ]


def test_no_chase_published_is_the_default() -> None:
    assert Chase.published(None) == Chase() == Chase(0.8, (1.0, 2.0, 3.0), 7200)


def test_a_ticket_keeps_its_chase_and_older_tickets_get_the_default() -> None:
    policy = sla_service.with_chase(Policy(60, None, 600), PUBLISHED)
    stored = sla_service.policy_json(policy)
    assert sla_service.policy_from(stored, "normal") == policy
    older = {"accept_s": 60, "arrive_s": None, "finish_s": 600, "calendar": "working_hours"}
    assert sla_service.policy_from(older, "normal").chase == Chase()
    assert asdict(policy)["chase"]["levels"] == (1.0, 1.5, 4.0)


@pytest.mark.parametrize(
    ("level", "warning", "lead", "to"),
    [(1, True, False, 1), (1, False, True, 1), (1, False, False, 2), (2, False, False, 2),
     (3, False, False, 3)],
)  # fmt: skip
def test_level_one_without_a_lead_goes_to_the_head(
    level: int, warning: bool, lead: bool, to: int
) -> None:
    assert first_level(level, warning, lead) == to
