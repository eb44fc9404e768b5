"""Pausing a ticket without I/O: a reason from a fixed list and a bounded length.

A worker pauses for at most the rules' `pause_max_days` working days (8 working hours a day); a
longer pause needs the team lead's approval, so only a lead, a head or a supervisor pauses
longer (up to `PAUSE_HARD_MAX_DAYS`). The cap is per round of work: the days already paused since
the clock last started count, so pausing again and again is no way around it. When the pause runs out the sweeper resumes the ticket: its
clock runs again and it is chased like any other (tickets.sweeper).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from houqin_shared.contracts.tickets import PauseReason
from tickets.sla import Clock

WORKING_DAY_S = 8 * 3600
PAUSE_HARD_MAX_DAYS = 30
REASONS: dict[str, tuple[str, str]] = {
    "waiting_parts": ("等待配件", "Waiting for parts"),
    "reporter_absent": ("报修人不在", "Reporter absent"),
    "outside_contractor": ("外包单位处理", "Outside contractor"),
}


class PauseRefused(Exception):
    def __init__(self, slug: str, message: str) -> None:
        super().__init__(message)
        self.slug = slug


@dataclass(frozen=True)
class Pause:
    reason: PauseReason
    days: int
    until: datetime
    note: str  # what the reporter reads: the note, else the reason's label


def plan_pause(
    reason: PauseReason | None,
    days: int | None,
    note: str | None,
    now: datetime,
    work: Clock,
    max_days: int,
    approver: bool,
    used_days: int = 0,
) -> Pause:
    """The pause asked for, or PauseRefused (pause-reason-required, pause-too-long);
    `used_days`: days this round has already been paused."""
    if reason is None or reason not in REASONS:
        raise PauseRefused(
            "pause-reason-required",
            "a pause needs a reason: " + ", ".join(REASONS),
        )
    left = max(0, max_days - used_days)
    wanted = days or (max_days if approver else left)
    if not approver and (left < 1 or wanted > left):
        raise PauseRefused(
            "pause-too-long",
            f"pauses are at most {max_days} working days per round ({used_days} used); a longer"
            " one needs the team lead",
        )
    if wanted > PAUSE_HARD_MAX_DAYS:
        raise PauseRefused("pause-too-long", f"a pause is at most {PAUSE_HARD_MAX_DAYS} days")
    label = REASONS[reason][0]
    text = f"{label}：{note.strip()}" if note and note.strip() else label
    return Pause(reason, wanted, work.add(now, wanted * WORKING_DAY_S), text)
