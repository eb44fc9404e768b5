"""Rate limits of the HTTP API: per caller, per client address, for public tracking and for
public listings (the buckets themselves: feedback.ratelimit)."""

from __future__ import annotations

from fastapi import Request

from feedback.deps import settings_of
from feedback.ratelimit import RateLimiter, retry_after_header
from feedback.settings import FeedbackSettings
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import ProblemError, problem


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
