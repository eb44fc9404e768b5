"""Feedback rules that need no I/O: what a report must contain and how it is numbered."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.contracts.common import Channel, Location, ReportKind, Urgency
from houqin_shared.identity import Principal, Role

OFFLINE_CHANNELS: frozenset[str] = frozenset(
    {"hotline", "suggestion_box", "reception_day", "inspection"}
)


class ReportIn(BaseModel):
    """A report as it arrives over HTTP."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ReportKind
    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    channel: Channel = "web"
    urgency: Urgency = "normal"
    location: Location
    description: str = Field(min_length=1, max_length=4000)
    anonymous: bool = False
    contact: str | None = Field(None, max_length=200)
    on_behalf_of: str | None = Field(
        None, max_length=128, description="Front desk only: the reporter's user id, when known."
    )


def tracking_number(day: date, seq: int) -> str:
    """FK + filing date + a sequence, e.g. FK20261121-000042; unique, readable over the phone."""
    return f"FK{day:%Y%m%d}-{seq:06d}"


def check_filing(report: ReportIn, who: Principal) -> str | None:
    """Why `who` may not file `report` (None when allowed)."""
    if report.channel in OFFLINE_CHANNELS and not who.has_any(Role.front_desk, Role.supervisor):
        return f"only front desk staff transcribe reports from channel {report.channel}"
    if report.on_behalf_of and not who.has_any(Role.front_desk, Role.supervisor):
        return "only front desk staff file on a reporter's behalf"
    if report.channel == "external" and not who.has_any(Role.service):
        return "channel external is for other campus systems"
    return None


def reporter_of(report: ReportIn, who: Principal) -> str | None:
    """Whose report this is: the filer, or the person front desk files for."""
    if report.on_behalf_of:
        return report.on_behalf_of
    return None if who.has_any(Role.front_desk, Role.service) else who.subject
