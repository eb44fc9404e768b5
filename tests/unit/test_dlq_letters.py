"""The dead-letter tool's pure parts: what a letter's headers say, the filters, where its
consumer's inbox is and what goes back to the source topic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from houqin_shared import dlq


def letter(**headers: str) -> dlq.Letter:
    base = {
        "ce_id": "e-1",
        "ce_source": "/houqin/feedback",
        "ce_type": "houqin.feedback.ComplaintFiled.v1",
        "dlq_reason": "handler_failed",
        "dlq_consumer": "houqin.tickets",
        "dlq_source_topic": "houqin.feedback.events",
        "dlq_source_partition": "2",
        "dlq_source_offset": "41",
        "dlq_time": "2026-12-05T06:00:00+00:00",
        "dlq_detail": "ValueError: boom",
    } | headers
    return dlq.Letter(
        "houqin.tickets.dlq", 1, 7, b"k", b'{"a": 1}',
        tuple((k, v.encode()) for k, v in base.items() if v),
    )  # fmt: skip


def test_a_letter_says_where_it_came_from_and_what_went_wrong() -> None:
    x = letter()
    assert (x.at, x.reason, x.consumer, x.source_topic) == (
        "houqin.tickets.dlq/1/7", "handler_failed", "houqin.tickets", "houqin.feedback.events"
    )  # fmt: skip
    assert x.time == datetime(2026, 12, 5, 6, tzinfo=UTC)
    assert x.inbox_key == ("/houqin/feedback", "e-1")
    assert x.full()["payload"] == {"a": 1}
    assert all(not k.startswith("dlq_") for k, _ in x.original_headers())
    assert ("ce_id", b"e-1") in x.original_headers()


def test_a_record_that_was_no_event_is_keyed_by_its_place() -> None:
    x = letter(ce_id="", ce_source="", dlq_reason="invalid")
    assert x.inbox_key == ("", "houqin.feedback.events/2/41")


@pytest.mark.parametrize(
    ("chosen", "matches"),
    [
        (dlq.Filter(), True),
        (dlq.Filter(reason="handler_failed"), True),
        (dlq.Filter(reason="invalid"), False),
        (dlq.Filter(since=datetime(2026, 12, 5, 6, tzinfo=UTC)), True),
        (dlq.Filter(since=datetime(2026, 12, 5, 6, 1, tzinfo=UTC)), False),
        (dlq.Filter(until=datetime(2026, 12, 5, 6, tzinfo=UTC)), False),
        (dlq.Filter(until=datetime(2026, 12, 5, 7, tzinfo=UTC)), True),
        (dlq.Filter(event_id="e-1", at=(1, 7)), True),
        (dlq.Filter(at=(1, 8)), False),
    ],
)
def test_filters(chosen: dlq.Filter, matches: bool) -> None:
    assert chosen.matches(letter()) is matches


def test_a_letter_without_a_time_matches_no_time_range() -> None:
    assert not dlq.Filter(since=datetime(2000, 1, 1, tzinfo=UTC)).matches(letter(dlq_time=""))


def test_each_consuming_service_has_a_dead_letter_topic_and_its_inbox_schema() -> None:
    assert dlq.default_topics() == [
        "houqin.feedback.dlq", "houqin.tickets.dlq", "houqin.scoring.dlq", "houqin.notify.dlq"
    ]  # fmt: skip
    assert dlq.schema_of("houqin.notify") == "notify"
    assert dlq.schema_of("houqin.notify.digest") == "notify"


def test_the_command_line_takes_the_filters() -> None:
    args = dlq.parser().parse_args(
        ["requeue", "--topic", "houqin.notify.dlq", "--reason", "invalid", "--since",
         "2026-12-01", "--until", "2026-12-02T08:00:00+08:00", "--at", "3:12", "--dry-run"]
    )  # fmt: skip
    assert args.since == datetime(2026, 12, 1, tzinfo=UTC)
    assert args.until.utcoffset().total_seconds() == 8 * 3600
    assert (args.at, args.dry_run, args.topic) == ((3, 12), True, ["houqin.notify.dlq"])
