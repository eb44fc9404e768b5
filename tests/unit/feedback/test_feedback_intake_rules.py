"""Intake rules without I/O: numbering, who may file what, locations, rate limits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from feedback import domain
from feedback.ratelimit import RateLimiter, retry_after_header
from houqin_shared.principal import Principal, Role

REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


def who(*roles: Role, subject: str = "u1") -> Principal:
    return Principal(subject=subject, roles=frozenset(roles))


def report(**change: Any) -> domain.ReportIn:
    return domain.ReportIn.model_validate({**REPORT, **change})


def test_tracking_number_has_the_day_and_at_least_four_digits() -> None:
    assert domain.tracking_number(date(2026, 11, 21), 42) == "FK20261121-0042"
    assert domain.tracking_number(date(2026, 1, 2), 12345) == "FK20260102-12345"


@pytest.mark.parametrize(
    ("change", "roles", "refusal"),
    [
        ({}, (Role.reporter,), None),
        ({"channel": "hotline"}, (Role.reporter,), "channel-front-desk-only"),
        ({"channel": "hotline"}, (Role.front_desk,), None),
        ({"channel": "suggestion_box"}, (Role.front_desk,), "origin-required"),
        ({"channel": "suggestion_box", "origin": "box-1"}, (Role.front_desk,), None),
        ({"channel": "reception_day", "origin": "session-7"}, (Role.front_desk,), None),
        ({"channel": "web", "origin": "box-1"}, (Role.reporter,), "origin-offline-only"),
        ({"on_behalf_of": "stu-2"}, (Role.reporter,), "on-behalf-front-desk-only"),
        ({"channel": "external"}, (Role.reporter,), "channel-external-service-only"),
        ({"channel": "external"}, (Role.service,), None),
    ],
)
def test_who_may_file_what(
    change: dict[str, Any], roles: tuple[Role, ...], refusal: str | None
) -> None:
    answer = domain.check_filing(report(**change), who(*roles))
    if refusal is None:
        assert answer is None
    else:
        assert answer == refusal


def test_the_reporter_and_the_transcriber() -> None:
    desk = who(Role.front_desk, subject="clerk")
    assert domain.reporter_of(report(), who(Role.reporter)) == "u1"
    assert domain.reporter_of(report(on_behalf_of="stu-2"), desk) == "stu-2"
    assert domain.reporter_of(report(channel="hotline"), desk) is None
    assert domain.transcriber_of(report(channel="hotline"), desk) == "clerk"
    assert domain.transcriber_of(report(), who(Role.reporter)) is None


@pytest.mark.parametrize(
    "location",
    [
        {"campus": "north"},
        {"lat": 30.0},
        {"room": "3", "text": "x"},
        {"building": "B 1"},
        {"building": "b1", "extra": 1},
        {"text": ""},
    ],
)
def test_bad_locations(location: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        report(location=location)


def test_good_locations_become_the_contract() -> None:
    loc = report(location={"text": "near the north gate", "lat": 30.5, "long": 114.3}).location
    assert loc.contract().lat == 30.5
    assert report(location={"building": "b1", "floor": "3", "room": "301"}).location.building


def test_the_request_hash_ignores_key_order_and_sees_changes() -> None:
    a = domain.ReportIn.model_validate({**REPORT, "urgency": "urgent"})
    b = domain.ReportIn.model_validate({"urgency": "urgent", **REPORT})
    assert domain.request_hash(a) == domain.request_hash(b)
    assert domain.request_hash(a) != domain.request_hash(report(description="other"))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_the_burst_then_refills_per_key() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, clock=clock)
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == 0.0
    wait = limiter.take("a")
    assert wait == pytest.approx(10.0)
    assert retry_after_header(wait) == "10"
    assert limiter.take("b") == 0.0  # another key is not slowed
    clock.now = 10.0
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0


def test_rate_limiter_forgets_idle_keys_when_full() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock, max_keys=10)
    for i in range(10):
        limiter.take(f"k{i}")
    clock.now = 5.0
    limiter.take("new")
    assert len(limiter._buckets) == 1
    assert retry_after_header(0.2) == "1"


def test_category_cache_expires_and_forgets() -> None:
    from feedback.category_cache import CategoryCache

    clock = Clock()
    cache = CategoryCache(ttl_s=5, clock=clock)
    assert cache.get("plumbing") is None
    cache.put("plumbing", True)
    cache.put("gone", False)
    assert cache.get("plumbing") is True and cache.get("gone") is False
    clock.now = 6
    assert cache.get("plumbing") is None
    cache.put("plumbing", True)
    cache.forget()
    assert cache.get("plumbing") is None


def test_a_reported_position_is_json_numbers_not_booleans_nor_text() -> None:
    """Seed 41205: a reception day's report took `"long": false` as longitude 0."""
    assert domain.LocationIn.model_validate({"lat": 30, "long": 114.5}).long == 114.5
    for bad in (False, True, "114.5"):
        with pytest.raises(ValidationError):
            domain.LocationIn.model_validate({"lat": 30, "long": bad})
