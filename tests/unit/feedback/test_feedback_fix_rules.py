"""Rules after the work, without I/O: answers, confirmation, rating."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from feedback import domain_fix

RESOLVED: dict[str, Any] = {
    "reporter_id": "stu-1",
    "assignees": ["plumber-1"],
    "resolved_at": datetime(2026, 11, 20, tzinfo=UTC),
    "awaiting_confirmation": True,
    "ticket_status": "resolved",
}


def test_not_fixed_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        domain_fix.ConfirmationIn(fixed=False)
    assert domain_fix.ConfirmationIn(fixed=False, reason="still leaks").reason == "still leaks"
    assert domain_fix.ConfirmationIn(fixed=True).reason is None


@pytest.mark.parametrize("low", [{"quality": 2}, {"timeliness": 1}, {"attitude": 2}])
def test_a_low_score_needs_a_comment(low: dict[str, int]) -> None:
    scores = {"quality": 4, "timeliness": 4, "attitude": 4, **low}
    with pytest.raises(ValidationError):
        domain_fix.RatingIn.model_validate(scores)
    assert domain_fix.RatingIn.model_validate({**scores, "comment": "slow"}).comment == "slow"


def test_scores_are_one_to_five() -> None:
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            domain_fix.RatingIn(quality=bad, timeliness=3, attitude=3, comment="x")
    assert domain_fix.RatingIn(quality=3, timeliness=3, attitude=3).comment is None


def test_who_may_rate_and_when() -> None:
    assert domain_fix.rating_refusal(RESOLVED, "stu-1") is None
    assert domain_fix.rating_refusal(RESOLVED, "plumber-1") == "rating-own-work"
    unresolved = {**RESOLVED, "resolved_at": None}
    assert domain_fix.rating_refusal(unresolved, "stu-1") == "rating-before-resolved"


def test_confirmation_and_answers_wait_for_their_moment() -> None:
    assert domain_fix.confirmation_refusal(RESOLVED) is None
    assert domain_fix.confirmation_refusal({**RESOLVED, "awaiting_confirmation": False})
    assert domain_fix.answer_refusal(RESOLVED)
    assert domain_fix.answer_refusal({**RESOLVED, "ticket_status": "cannot_handle"}) is None


def test_only_a_named_reporter_is_the_reporter() -> None:
    assert domain_fix.is_reporter(RESOLVED, "stu-1")
    assert not domain_fix.is_reporter({**RESOLVED, "reporter_id": None}, "stu-1")
    assert not domain_fix.is_reporter(RESOLVED, "stu-2")
