"""The working calendar as data (PUT /v1/calendar): hours, weekdays, holidays, make-up working
days and closed periods (vacations), in a time zone."""

from __future__ import annotations

from datetime import time
from itertools import pairwise
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from houqin_shared.field_errors import invalid_field
from houqin_shared.params import ClockTime, Day
from houqin_shared.zones import known_zone
from tickets.sla import WorkingCalendar


class Span(BaseModel):
    """A working-hours span of a day, start before end (local clock times)."""

    model_config = ConfigDict(extra="forbid")
    start: ClockTime
    end: ClockTime


class Period(BaseModel):
    """A closed period (vacation), both days inclusive."""

    model_config = ConfigDict(extra="forbid")
    start: Day
    end: Day


class CalendarDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tz: str = Field("Asia/Shanghai", max_length=64)
    hours: list[Span] = Field(
        [Span(start=time(8), end=time(12)), Span(start=time(14), end=time(18))], max_length=12
    )
    weekdays: list[Annotated[StrictInt, Field(ge=0, le=6)]] = Field(
        [0, 1, 2, 3, 4], max_length=7, description="0 Monday .. 6 Sunday"
    )
    holidays: list[Day] = Field([], max_length=400)
    workdays: list[Day] = Field(
        [], max_length=400, description="Make-up working days (调休) on weekends."
    )
    closed: list[Period] = Field([], max_length=100, description="Closed periods, inclusive.")

    _zone = field_validator("tz")(known_zone)

    @model_validator(mode="after")
    def _sane(self) -> CalendarDoc:
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise invalid_field("weekday_out_of_range")
        spans = sorted((h.start, h.end) for h in self.hours)
        if any(a >= b for a, b in spans) or any(x[1] > y[0] for x, y in pairwise(spans)):
            raise invalid_field("working_hours_invalid")
        if any(p.start > p.end for p in self.closed):
            raise invalid_field("closed_period_reversed")
        if not spans or not self.weekdays:
            raise invalid_field("calendar_empty")
        return self

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            hours=tuple(sorted((h.start, h.end) for h in self.hours)),
            weekdays=frozenset(self.weekdays),
            holidays=frozenset(self.holidays),
            workdays=frozenset(self.workdays),
            closed=tuple((p.start, p.end) for p in self.closed),
            tz=ZoneInfo(self.tz),
        )
