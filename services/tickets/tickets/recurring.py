"""Recurring problems (重复问题) without I/O: the same place and category failing again and again
within a window (configurable: by default 3 times in 30 days)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.contracts import Location
from houqin_shared.strict import JsonInt


class TicketRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recurring_count: JsonInt = Field(3, ge=2, le=1000)
    recurring_days: JsonInt = Field(30, ge=1, le=3650)
    # Complaint and answer tracks (tickets.tracks): working minutes from opening (8 h a day).
    complaint_acknowledge_minutes: JsonInt = Field(480, ge=1, le=525_600)
    complaint_investigate_minutes: JsonInt = Field(1440, ge=1, le=525_600)
    complaint_reply_minutes: JsonInt = Field(2400, ge=1, le=525_600)
    answer_reply_minutes: JsonInt = Field(2400, ge=1, le=525_600)
    # Pauses (tickets.pauses): the longest a worker may pause, in working days (8 h a day).
    pause_max_days: JsonInt = Field(3, ge=1, le=30)


def place_key(loc: Location) -> str | None:
    """Where, as precisely as the report says (None without a building: too vague to compare)."""
    if not loc.building:
        return None
    return "/".join(x or "" for x in (loc.campus, loc.building, loc.floor, loc.room))


def problem_id(category: str, place: str) -> str:
    return f"{category}@{place}"
