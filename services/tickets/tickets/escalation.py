"""Escalation when late (督办) without I/O.

For the current stage (the first with a limit not yet done) the steps are, by default (each
service's catalogue entry may publish its own, `sla.Chase`): the assignee's warning at 80% of the
limit, level 1 (team lead; without one the department head, `first_level`) at the due time,
level 2 (department head) at twice the limit, level 3 (supervisors and the division leader) at
three times, then level-3 reminders every `remind_every_s` of WORKING time, so repeats only fall
in working hours.

A cannot_handle ticket is reported to its team lead (or, without one, the department head) when
it is declared; if nobody decides within one spacing it goes to the department head (level 2),
after two to the supervisors (level 3), then level-3 reminders (`decision_step`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tickets.sla import (
    STAGES,
    Chase,
    Clock,
    Policy,
    SlaClock,
    Stage,
    WorkingCalendar,
    clock_for,
    clock_of,
)

DEFAULT_CHASE = Chase()
REMIND_EVERY_S = DEFAULT_CHASE.remind_every_s
MAX_STEPS_PER_SWEEP = 8
ESCALATING = frozenset({"new", "assigned", "accepted", "on_site", "reopened"})
_DONE = {"accept": "accepted_at", "arrive": "arrived_at", "finish": "resolved_at"}


@dataclass(frozen=True)
class Step:
    index: int
    at: datetime
    level: int
    warning: bool
    seq: int  # 0, or the reminder's number


def current_stage(t: Mapping[str, Any], policy: Policy) -> Stage | None:
    """The stage being timed, or None (no open stage, a terminal or paused ticket)."""
    if t["status"] not in ESCALATING:
        return None
    return next(
        (s for s in STAGES if policy.limit(s) is not None and t.get(_DONE[s]) is None), None
    )


def levels_of(chase: Chase) -> tuple[tuple[float, int, bool], ...]:
    """(fraction of the limit, level, warning) of each step before the reminders."""
    one, two, three = chase.levels
    return ((chase.warn_at, 1, True), (one, 1, False), (two, 2, False), (three, 3, False))


def step(
    index: int,
    limit_s: int,
    sla: SlaClock,
    clock: Clock,
    work: WorkingCalendar,
    chase: Chase = DEFAULT_CHASE,
) -> Step | None:
    """Step `index` of a stage's escalation (None while the clock is paused)."""
    levels = levels_of(chase)
    if index < len(levels):
        factor, level, warning = levels[index]
        at = sla.when(limit_s * factor, clock)
        return None if at is None else Step(index, at, level, warning, 0)
    last = sla.when(limit_s * levels[-1][0], clock)
    if last is None:
        return None
    seq = index - len(levels) + 1
    return Step(index, work.add(last, seq * chase.remind_every_s), 3, False, seq)


def due_steps(
    index: int,
    now: datetime,
    limit_s: int,
    sla: SlaClock,
    clock: Clock,
    work: WorkingCalendar,
    chase: Chase = DEFAULT_CHASE,
) -> tuple[list[Step], Step | None]:
    """Steps from `index` that are due by `now` (missed reminders collapse into the latest), and
    the next step to wait for."""
    fired: list[Step] = []
    nxt = step(index, limit_s, sla, clock, work, chase)
    while nxt is not None and nxt.at <= now and len(fired) < MAX_STEPS_PER_SWEEP:
        if fired and fired[-1].seq and nxt.seq:
            fired[-1] = nxt  # a sweeper that was away sends one reminder, not a burst
        else:
            fired.append(nxt)
        nxt = step(nxt.index + 1, limit_s, sla, clock, work, chase)
    return fired, nxt


def first_level(level: int, warning: bool, team_has_lead: bool) -> int:
    """Level 1 goes to the team lead; a ticket whose team has no lead (or that sits in a
    department's queue) goes to the department head instead: level 2 (the warning stays the
    assignee's)."""
    return 2 if level == 1 and not warning and not team_has_lead else level


def decision_step(index: int, since: datetime, work: Clock, every_s: int = REMIND_EVERY_S) -> Step:
    """Step `index` of chasing a decision on a cannot_handle ticket declared at `since`."""
    level = 2 if index == 0 else 3
    return Step(index, work.add(since, (index + 1) * every_s), level, False, max(0, index - 1))


def due_decision_steps(
    index: int, now: datetime, since: datetime, work: Clock, every_s: int = REMIND_EVERY_S
) -> tuple[list[Step], Step]:
    """Decision steps from `index` due by `now` (missed reminders collapse), and the next."""
    fired: list[Step] = []
    nxt = decision_step(index, since, work, every_s)
    while nxt.at <= now and len(fired) < MAX_STEPS_PER_SWEEP:
        if fired and fired[-1].seq and nxt.seq:
            fired[-1] = nxt
        else:
            fired.append(nxt)
        nxt = decision_step(nxt.index + 1, since, work, every_s)
    return fired, nxt


def deadline_limit(started_at: datetime, deadline: datetime) -> tuple[int, SlaClock]:
    """A rectification round as a stage: from the round's start to its deadline, on the wall
    clock (warning at 80% of the span, level 1 at the deadline, ...)."""
    return max(1, int((deadline - started_at).total_seconds())), SlaClock(started_at)


def schedule_fields(t: Mapping[str, Any], policy: Policy, cal: WorkingCalendar) -> dict[str, Any]:
    """Where the ticket's escalation stands after a change: the stage timed, the next step and
    when the sweeper must look again (None: nothing to time)."""
    stage = current_stage(t, policy)
    limit = policy.limit(stage) if stage else None
    if stage is None or limit is None:
        return {"esc_stage": None, "esc_step": 0, "next_check_at": None}
    index = t.get("esc_step", 0) if t.get("esc_stage") == stage else 0
    nxt = step(index, limit, clock_of(t), clock_for(policy, cal), cal, policy.chase)
    return {"esc_stage": stage, "esc_step": index, "next_check_at": nxt.at if nxt else None}
