"""Time limits (限时办结) without I/O: staged due times from a policy per category and urgency,
counted on a working calendar (Asia/Shanghai hours, weekends, holidays, make-up days, vacations)
or round the clock, with the clock stopped while a ticket is paused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

Stage = Literal["accept", "arrive", "finish"]
STAGES: tuple[Stage, ...] = ("accept", "arrive", "finish")
CalendarKind = Literal["working_hours", "round_the_clock"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
_MAX_DAYS = 3660  # how far ahead a calendar is searched; a time beyond is "never" in practice


class Clock(Protocol):
    def add(self, start: datetime, seconds: float) -> datetime: ...
    def between(self, a: datetime, b: datetime) -> float: ...


class RoundTheClock:
    def add(self, start: datetime, seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    def between(self, a: datetime, b: datetime) -> float:
        return max(0.0, (b - a).total_seconds())


@dataclass(frozen=True)
class WorkingCalendar:
    """Working hours per working day in a time zone. A day works when it is a weekday (or a
    make-up working day, 调休) and not a holiday nor inside a closed period (vacations)."""

    hours: tuple[tuple[time, time], ...] = ((time(8, 0), time(12, 0)), (time(14, 0), time(18, 0)))
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    closed: tuple[tuple[date, date], ...] = ()  # inclusive date ranges
    tz: ZoneInfo = field(default=SHANGHAI)

    def works(self, d: date) -> bool:
        if d in self.holidays or any(a <= d <= b for a, b in self.closed):
            return False
        return d in self.workdays or d.weekday() in self.weekdays

    def intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        """The day's working intervals as aware UTC datetimes (empty on a day off)."""
        if not self.works(d):
            return []
        return [
            (
                datetime.combine(d, a, self.tz).astimezone(UTC),
                datetime.combine(d, b, self.tz).astimezone(UTC),
            )
            for a, b in self.hours
        ]

    def _days_from(self, at: datetime) -> Iterable[date]:
        d = at.astimezone(self.tz).date()
        return (d + timedelta(days=i) for i in range(_MAX_DAYS))

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start` have passed."""
        left = timedelta(seconds=max(0.0, seconds))
        for d in self._days_from(start):
            for a, b in self.intervals(d):
                a = max(a, start)
                if a >= b:
                    continue
                if left <= b - a:
                    return a + left
                left -= b - a
        # Not within the horizon (a calendar closed for years, a limit of years of working
        # time): due at the horizon, which is never in practice, rather than an error.
        return start + timedelta(days=_MAX_DAYS)

    def between(self, a: datetime, b: datetime) -> float:
        """Working seconds from `a` to `b` (0 when b <= a)."""
        total = 0.0
        if b <= a:
            return total
        for d in self._days_from(a):
            if datetime.combine(d, time(0), self.tz) >= b:
                return total
            for x, y in self.intervals(d):
                lo, hi = max(x, a), min(y, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
        return total

    def is_open(self, at: datetime) -> bool:
        return any(a <= at < b for a, b in self.intervals(at.astimezone(self.tz).date()))


@dataclass(frozen=True)
class Chase:
    """How a late stage is chased (督办), the catalogue's per service: the assignee's warning and
    levels 1-3 as fractions of the stage's limit, then level-3 reminders `remind_every_s` of
    working time apart (also the spacing of the chase of an undecided cannot_handle ticket)."""

    warn_at: float = 0.8
    levels: tuple[float, float, float] = (1.0, 2.0, 3.0)
    remind_every_s: int = 2 * 3600

    @classmethod
    def published(cls, doc: Mapping[str, Any] | None) -> Chase:
        """From the catalogue's escalation (percent, minutes); None: the defaults."""
        if not doc:
            return cls()
        a, b, c = (int(p) / 100 for p in doc["level_percents"])
        return cls(
            int(doc["warn_at_percent"]) / 100, (a, b, c), int(doc["remind_every_minutes"]) * 60
        )

    @classmethod
    def stored(cls, doc: Mapping[str, Any] | None) -> Chase:
        """From a ticket's stored policy (asdict); None: the defaults (older tickets)."""
        if not doc:
            return cls()
        a, b, c = (float(x) for x in doc["levels"])
        return cls(float(doc["warn_at"]), (a, b, c), int(doc["remind_every_s"]))


@dataclass(frozen=True)
class Policy:
    """Limits in seconds per stage (None: no limit), counted from the ticket's opening, and how
    a late stage is chased."""

    accept_s: int | None
    arrive_s: int | None
    finish_s: int | None
    calendar: CalendarKind = "working_hours"
    chase: Chase = Chase()

    def limit(self, stage: Stage) -> int | None:
        return {"accept": self.accept_s, "arrive": self.arrive_s, "finish": self.finish_s}[stage]


def _minutes(a: int | None, b: int | None, c: int | None, cal: CalendarKind) -> Policy:
    def sec(m: int | None) -> int | None:
        return None if m is None else m * 60

    return Policy(sec(a), sec(b), sec(c), calendar=cal)


# Used when the catalogue publishes nothing for a category or urgency.
DEFAULTS: dict[str, Policy] = {
    "low": _minutes(240, 1440, 4320, "working_hours"),
    "normal": _minutes(60, 240, 1440, "working_hours"),
    "urgent": _minutes(30, 120, 480, "round_the_clock"),
    "emergency": _minutes(10, 30, 240, "round_the_clock"),
}


def catalog_policies(
    limits: Iterable[Mapping[str, int | str | None]], calendar: CalendarKind
) -> dict[str, Policy]:
    """Policies per urgency from a catalogue entry's published limits (minutes)."""
    out: dict[str, Policy] = {}
    for lim in limits:
        a, b, c = (_int(lim.get(f"{s}_minutes")) for s in STAGES)
        out[str(lim["urgency"])] = _minutes(a, b, c, calendar)
    return out


def _int(x: int | str | None) -> int | None:
    return None if x is None else int(x)


def policy_for(published: Mapping[str, Policy] | None, urgency: str) -> Policy:
    return (published or {}).get(urgency) or DEFAULTS.get(urgency) or DEFAULTS["normal"]


@dataclass(frozen=True)
class SlaClock:
    """A ticket's clock: started at opening (or reopening); `credit_s` is the clock time that
    passed while paused, so a stage is due at add(started_at, limit + credit_s)."""

    started_at: datetime
    credit_s: float = 0.0
    paused_at: datetime | None = None

    def pause(self, at: datetime) -> SlaClock:
        if self.paused_at is not None:
            raise ValueError("the clock is already paused")
        return replace(self, paused_at=at)

    def resume(self, at: datetime, clock: Clock) -> SlaClock:
        if self.paused_at is None:
            raise ValueError("the clock is not paused")
        return replace(
            self, paused_at=None, credit_s=self.credit_s + clock.between(self.paused_at, at)
        )

    def used(self, at: datetime, clock: Clock) -> float:
        """Clock seconds counted against the limits by `at` (frozen while paused)."""
        end = self.paused_at if self.paused_at is not None and self.paused_at < at else at
        return max(0.0, clock.between(self.started_at, end) - self.credit_s)

    def when(self, used_s: float, clock: Clock) -> datetime | None:
        """When `used_s` seconds will have been counted (None while paused)."""
        if self.paused_at is not None:
            return None
        return clock.add(self.started_at, used_s + self.credit_s)


def clock_for(policy: Policy, calendar: WorkingCalendar) -> Clock:
    return RoundTheClock() if policy.calendar == "round_the_clock" else calendar


def due_times(
    policy: Policy, calendar: WorkingCalendar, sla: SlaClock
) -> dict[Stage, datetime | None]:
    """Each stage's due time (None: no limit, or the clock is paused)."""
    clock = clock_for(policy, calendar)
    out: dict[Stage, datetime | None] = {}
    for s in STAGES:
        limit = policy.limit(s)
        out[s] = None if limit is None else sla.when(limit, clock)
    return out


def on_time(
    policy: Policy, calendar: WorkingCalendar, sla: SlaClock, stage: Stage, at: datetime
) -> bool | None:
    """Whether `stage`, completed at `at`, met its limit (None: no limit)."""
    limit = policy.limit(stage)
    if limit is None:
        return None
    return sla.used(at, clock_for(policy, calendar)) <= limit


def clock_of(t: Mapping[str, Any]) -> SlaClock:
    """A stored ticket's clock."""
    return SlaClock(
        t["clock_started_at"] or t["opened_at"], t.get("credit_s") or 0.0, t.get("paused_at")
    )


def due_fields(policy: Policy, cal: WorkingCalendar, clock: SlaClock) -> dict[str, datetime | None]:
    """The ticket columns holding each stage's due time."""
    return {f"{stage}_due_at": at for stage, at in due_times(policy, cal, clock).items()}
