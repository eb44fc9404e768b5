"""What the API routes share: settings, rate limits, presenting a report to a viewer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from feedback.domain_track import Stage
from feedback.intake import TrackingNumbers
from feedback.ratelimit import RateLimiter, retry_after_header
from feedback.settings import FeedbackSettings
from houqin_shared.contracts import Location
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import ProblemError, problem


def settings_of(request: Request) -> FeedbackSettings:
    settings: FeedbackSettings = request.app.state.settings
    return settings


def numbers_of(request: Request) -> TrackingNumbers:
    """This process's tracking numbers (taken from the day's sequence a block at a time)."""
    numbers: TrackingNumbers = request.app.state.numbers
    return numbers


async def get_settings(request: Request) -> FeedbackSettings:
    """Async, like every dependency here (houqin_shared.webapp.DbPool too): a plain def would
    cost a thread hop per request."""
    return settings_of(request)


Settings = Annotated[FeedbackSettings, Depends(get_settings)]


class CategoryCache:
    """Active catalogue codes, kept for `ttl_s` (a withdrawn service may take new reports for
    that long on other replicas; this replica forgets at once when it changes the catalogue)."""

    def __init__(self, ttl_s: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._known: dict[str, tuple[bool, float]] = {}

    def get(self, code: str) -> bool | None:
        hit = self._known.get(code)
        if hit is None or self.clock() - hit[1] > self.ttl_s:
            return None
        return hit[0]

    def put(self, code: str, active: bool) -> None:
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[code] = (active, self.clock())

    def forget(self) -> None:
        self._known.clear()


class Limiters:
    """One bucket set per caller and one per client address."""

    def __init__(self, settings: FeedbackSettings) -> None:
        self.caller = RateLimiter(settings.rate_reporter_per_min, settings.rate_reporter_burst)
        self.address = RateLimiter(settings.rate_address_per_min, settings.rate_address_burst)
        # Public tracking: guesses per client address, and per tracking number from anywhere.
        self.track = RateLimiter(settings.rate_track_per_min, settings.rate_track_burst)
        self.track_number = RateLimiter(settings.rate_track_per_min, settings.rate_track_burst)
        # The public feed and board: listings per client address.
        self.public = RateLimiter(settings.rate_public_per_min, settings.rate_public_burst)


def too_many(wait_s: float, what: str) -> ProblemError:
    return problem(
        "rate-limited",
        f"too many requests from this {what}; retry later",
        headers={"Retry-After": retry_after_header(wait_s)},
    )


def client_address(request: Request) -> str:
    """The client's address; behind a trusted proxy (the console), the one it forwards."""
    address = request.client.host if request.client else "unknown"
    settings = settings_of(request)
    trusted = {
        a.strip()
        for a in f"{settings.trusted_proxies},{settings.track_trusted_proxies}".split(",")
        if a.strip()
    }
    forwarded = request.headers.get("x-forwarded-for", "")
    if address in trusted and forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return address


def limit_address(request: Request) -> None:
    limiters: Limiters = request.app.state.limiters
    wait = limiters.address.take(client_address(request))
    if wait:
        raise too_many(wait, "address")


def limit_public(request: Request) -> None:
    """Public listings (Open311 GET, the board, public photos) per client address."""
    limiters: Limiters = request.app.state.limiters
    wait = limiters.public.take(client_address(request))
    if wait:
        raise too_many(wait, "address")


def limit_caller(request: Request, who: Principal) -> None:
    """A flood from one caller is refused; campus systems (role service) are exempt."""
    if who.has_any(Role.service):
        return
    limiters: Limiters = request.app.state.limiters
    wait = limiters.caller.take(who.subject)
    if wait:
        raise too_many(wait, "user")


class DuplicateOut(BaseModel):
    """Enough to judge whether it is the same problem, and nothing personal."""

    id: uuid.UUID
    tracking_no: str
    summary: str
    filed_at: datetime
    status: str
    supporters: int
    photo_count: int = 0
    first_photo_id: uuid.UUID | None = None


class ReportOut(BaseModel):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    channel: str
    urgency: str
    location: Location
    description: str
    anonymous: bool
    status: str
    stage: Stage | None = Field(
        None,
        description="The reporter's tab: 待受理 received, 处理中 in_progress, 待确认评价"
        " to_confirm, 已完成 done.",
    )
    filed_at: datetime
    access_code: str | None = Field(
        None,
        description="Only in the filing answer (web and front desk): the code that, with the"
        " tracking number, shows the report's progress at POST /v1/track without signing in."
        " Given once; only its hash is kept.",
    )
    reporter_id: str | None = None
    contact: str | None = None
    origin: str | None = None
    ticket_status: str | None = None
    explanation: str | None = None
    awaiting_confirmation: bool = False
    confirmation: str | None = None
    confirmed_at: datetime | None = None
    photo_ids: list[uuid.UUID] = Field(default_factory=list)
    media_url: str | None = Field(
        None, description="A link to a photo that an Open311 client gave (not stored here)."
    )
    primary_id: uuid.UUID | None = Field(
        None, description="Set when staff linked this report to the primary one of its group."
    )
    possible_duplicates: list[DuplicateOut] | None = Field(
        None, description="On filing: open reports like this one (see GET /v1/duplicates)."
    )
    view: Literal["full", "supporter"] = Field(
        "full",
        description="supporter: what someone who said 'me too' sees of another's report: its"
        " category, campus and building, status and stage; never its text, photos, room,"
        " contact or who reported it.",
    )


READS_EVERY_REPORT = (Role.supervisor, Role.admin, Role.front_desk)


def present(row: dict[str, Any], viewer: Principal) -> ReportOut:
    """What `viewer` may see: the reporter's identity and contact go to the reporter, and to
    supervisors, admins and front desk unless the reporter is anonymous (then only to a
    supervisor, through unmasking)."""
    out = ReportOut.model_validate(row)
    own = row["reporter_id"] is not None and row["reporter_id"] == viewer.subject
    staff = viewer.has_any(Role.supervisor, Role.admin, Role.front_desk) and not row["anonymous"]
    if not (own or staff):
        out.reporter_id = None
        out.contact = None
    if not own and not viewer.has_any(*READS_EVERY_REPORT, Role.service):
        return supporter_view(out)  # may_read let them in as a "me too" supporter
    return out


def supporter_view(out: ReportOut) -> ReportOut:
    """A "me too" supporter's view of another's report: the public summary and the progress."""
    place = Location(campus=out.location.campus, building=out.location.building)
    hidden = dict.fromkeys(
        ("reporter_id", "contact", "origin", "explanation", "media_url", "access_code")
    )
    return out.model_copy(
        update=hidden | {"description": "", "location": place, "photo_ids": [], "view": "supporter"}
    )


def may_read(row: dict[str, Any], who: Principal, supporter: bool = False) -> bool:
    """The reporter, a "me too" supporter (who is shown only `supporter_view`), supervisors,
    admins and front desk (who answers callers asking after a report by its number)."""
    own = row["reporter_id"] is not None and row["reporter_id"] == who.subject
    return own or supporter or who.has_any(*READS_EVERY_REPORT)
