"""Feedback rules that need no I/O: what a report must contain and how it is numbered."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

from pydantic import Field, StrictBool, model_validator

from houqin_shared.contracts.common import Channel, Location, ReportKind, Urgency
from houqin_shared.field_errors import invalid_field
from houqin_shared.principal import Principal, Role
from houqin_shared.strict import NONBLANK_LINE, NONBLANK_PLAIN, TOKEN, TrimmedModel

OFFLINE_CHANNELS: frozenset[str] = frozenset(
    {"hotline", "suggestion_box", "reception_day", "inspection"}
)
# Offline channels whose reports must say where they came from (which box, session, round).
ORIGIN_REQUIRED: frozenset[str] = frozenset({"suggestion_box", "reception_day", "inspection"})
CODE = r"^[a-z0-9][a-z0-9_-]*$"
# No control characters (newlines allowed), nor U+FFFE/U+FFFF, which XML cannot carry (Open311).
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"


class LocationIn(TrimmedModel):
    """Where the problem is; at least a building, a free-text place or a position."""

    campus: str | None = Field(None, min_length=1, max_length=64, pattern=CODE)
    building: str | None = Field(None, min_length=1, max_length=64, pattern=CODE)
    floor: str | None = Field(None, min_length=1, max_length=16, pattern=r"^[A-Za-z0-9-]+$")
    room: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    text: str | None = Field(None, min_length=1, max_length=200, pattern=NONBLANK_PLAIN)
    # strict: a JSON number only (false or "12" is refused, as the OpenAPI document says)
    lat: float | None = Field(None, ge=-90, le=90, strict=True)
    long: float | None = Field(None, ge=-180, le=180, strict=True)

    @model_validator(mode="after")
    def _somewhere(self) -> LocationIn:
        if (self.lat is None) != (self.long is None):
            raise invalid_field("coordinates_incomplete")
        if not (self.building or self.text or self.lat is not None):
            raise invalid_field("place_required")
        if (self.floor or self.room) and not self.building:
            raise invalid_field("building_required")
        return self

    def contract(self) -> Location:
        return Location(**self.model_dump())


class ReportIn(TrimmedModel):
    """A report as it arrives over HTTP."""

    kind: ReportKind
    category: str = Field(min_length=1, max_length=64, pattern=CODE)
    channel: Channel = "web"
    urgency: Urgency = "normal"
    location: LocationIn
    description: str = Field(min_length=1, max_length=4000, pattern=NONBLANK_PLAIN)
    anonymous: StrictBool = False
    contact: str | None = Field(None, min_length=1, max_length=200, pattern=NONBLANK_LINE)
    on_behalf_of: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=TOKEN,
        description="Front desk only: the reporter's user id, when known.",
    )
    photo_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="Photos uploaded before (POST /v1/photos)."
    )
    origin: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description=(
            "Offline channels: where it came from (the suggestion box's code, the reception-day "
            "session id, the inspection round). Required for suggestion_box, reception_day and "
            "inspection; refused for online channels."
        ),
    )


def tracking_number(day: date, seq: int) -> str:
    """FK + filing date + the day's sequence, e.g. FK20261121-0042; readable over the phone."""
    return f"FK{day:%Y%m%d}-{seq:04d}"


def check_filing(report: ReportIn, who: Principal) -> str | None:
    """Why `who` may not file `report`: a problem slug (houqin_shared.problem_types), or None
    when allowed."""
    if report.channel in OFFLINE_CHANNELS and not who.has_any(Role.front_desk, Role.supervisor):
        return "channel-front-desk-only"
    if report.on_behalf_of and not who.has_any(Role.front_desk, Role.supervisor):
        return "on-behalf-front-desk-only"
    if report.channel == "external" and not who.has_any(Role.service):
        return "channel-external-service-only"
    if report.channel in ORIGIN_REQUIRED and not report.origin:
        return "origin-required"
    if report.origin and report.channel not in OFFLINE_CHANNELS:
        return "origin-offline-only"
    return None


def reporter_of(report: ReportIn, who: Principal) -> str | None:
    """Whose report this is: the filer, or the person front desk files for."""
    if report.on_behalf_of:
        return report.on_behalf_of
    return None if who.has_any(Role.front_desk, Role.service) else who.subject


def transcriber_of(report: ReportIn, who: Principal) -> str | None:
    """Who typed in a report that came by an offline channel."""
    return who.subject if report.channel in OFFLINE_CHANNELS else None


def request_hash(report: ReportIn) -> str:
    """A fingerprint of the request body: an Idempotency-Key reused for another body is refused."""
    body = json.dumps(report.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()
