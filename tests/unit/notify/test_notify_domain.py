"""Pure rules of notify: durations, channels per person, quiet hours, backoff, token buckets,
channel settings and internal addresses."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time

import pytest

from houqin_shared.backoff import backoff_s
from notify import channel_settings
from notify.domain import (
    Person,
    Preferences,
    Rule,
    channels_for,
    human_duration,
    in_quiet_hours,
    initial_status,
    refill,
    release_at,
)

RULE = Rule(1, "t", {}, "assignee", "assignment", "high", ("inbox", "email", "wecom", "sms"), "x")


def test_human_duration() -> None:
    assert human_duration(90061, "en") == "1 d 1 h 1 min"
    assert human_duration(-7500, "zh-CN") == "2小时5分钟"
    assert human_duration(20, "en") == "1 min"


def test_channels_need_configuration_and_a_handle() -> None:
    person = Person("p", "P", {"email": "p@x.y"})
    got = channels_for(RULE, person, Preferences(), {"email", "wecom"}, is_queue=False)
    assert got == ["inbox", "email"]
    prefs = Preferences(channels={"assignment": ["email"]})
    assert channels_for(RULE, person, prefs, {"email"}, is_queue=False) == ["email"]
    assert channels_for(RULE, person, Preferences(), {"email"}, is_queue=True) == ["inbox"]


def test_quiet_hours_span_midnight() -> None:
    assert in_quiet_hours(time(23, 0), time(22, 0), time(7, 0))
    assert in_quiet_hours(time(6, 59), time(22, 0), time(7, 0))
    assert not in_quiet_hours(time(7, 0), time(22, 0), time(7, 0))
    assert in_quiet_hours(time(12, 30), time(12, 0), time(13, 0))


def test_ordinary_messages_wait_for_the_end_of_quiet_hours_urgent_ones_never() -> None:
    prefs = Preferences(quiet_start=time(22, 0), quiet_end=time(7, 30), timezone="Asia/Shanghai")
    night = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai
    assert release_at(night, prefs, "normal") == datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert release_at(night, prefs, "urgent") == night
    evening = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # 22:30: waits for tomorrow 07:30
    assert release_at(evening, prefs, "high") == datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    day = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noon
    assert release_at(day, prefs, "normal") == day


def test_low_priority_goes_to_the_digest_when_asked() -> None:
    assert initial_status("email", "low", Preferences(digest=True)) == "digest"
    assert initial_status("email", "low", Preferences()) == "pending"
    assert initial_status("inbox", "low", Preferences(digest=True)) == "sent"


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    delays = [backoff_s(a, 1.0, 10.0, rng) for a in (1, 2, 3, 4, 5, 6)]
    for attempt, d in zip((1, 2, 3, 4, 5, 6), delays, strict=True):
        raw = min(10.0, 2 ** (attempt - 1))
        assert 0.5 * raw <= d <= 1.5 * raw
    uncapped = [backoff_s(a, 0.2, rng=rng) for a in (1, 10)]  # the consumer's: no cap
    assert 0.1 <= uncapped[0] <= 0.3 and 0.1 * 2**9 <= uncapped[1] <= 0.3 * 2**9


def test_token_bucket() -> None:
    assert refill(0, 5, 2.0, 1.0) == 2.0
    assert refill(4, 5, 2.0, 10.0) == 5.0
    assert refill(0, 1, None, 0) == float("inf")


def test_channel_settings_are_checked_per_type() -> None:
    ok = channel_settings.parse(
        "dingtalk",
        {"url": "https://oapi.dingtalk.com/robot/send?access_token=x", "secret": "SECabcdefgh"},
    )
    assert ok.model_dump()["secret"] == "SECabcdefgh"
    with pytest.raises(channel_settings.SettingsProblem) as info:
        channel_settings.parse("sms", {"url": "ftp://x", "api_key": "k", "colour": 1})
    locs = {tuple(e["loc"]) for e in info.value.errors}
    assert ("settings", "url") in locs and ("settings", "colour") in locs


def test_a_delivery_lease_must_outlive_a_send() -> None:
    from pydantic import ValidationError

    from notify.claims import margin_s
    from notify.settings import NotifySettings

    with pytest.raises(ValidationError, match="at least DELIVERY_TIMEOUT_S"):
        NotifySettings(delivery_lease_s=10, delivery_timeout_s=9.5)
    ok = NotifySettings(delivery_lease_s=60, delivery_timeout_s=10)
    assert margin_s(ok.delivery_lease_s, ok.delivery_timeout_s) == 25
