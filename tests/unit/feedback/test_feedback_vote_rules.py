"""Ballot rules without I/O."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from feedback import domain_votes

T0 = datetime(2026, 11, 21, tzinfo=UTC)
BALLOT: dict[str, Any] = {
    "title": "Best service window",
    "opens_at": T0,
    "closes_at": T0 + timedelta(days=7),
    "options": [
        {"unit_type": "team", "unit_id": "plumbers", "label": "水工组"},
        {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
    ],
}


@pytest.mark.parametrize(
    "change",
    [
        {"closes_at": T0},
        {"options": BALLOT["options"][:1]},
        {"options": [BALLOT["options"][0], BALLOT["options"][0]]},
        {"opens_at": "2026-11-21T00:00:00"},  # no time zone
        {"options": [{"unit_type": "floor", "unit_id": "x", "label": "x"}] * 2},
    ],
)
def test_bad_ballots(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        domain_votes.BallotIn.model_validate({**BALLOT, **change})


def test_voting_window_and_voter_key() -> None:
    opens, closes = T0, T0 + timedelta(days=1)
    assert domain_votes.voting_refusal(opens, closes, T0 - timedelta(seconds=1))
    assert domain_votes.voting_refusal(opens, closes, T0) is None
    assert domain_votes.voting_refusal(opens, closes, closes)
    b, secret = uuid.uuid4(), b"server secret"
    key = domain_votes.voter_key(secret, b, "stu-1")
    assert key == domain_votes.voter_key(secret, b, "stu-1")
    assert key != domain_votes.voter_key(secret, uuid.uuid4(), "stu-1")
    assert "stu-1" not in key
    # Keyed: whoever holds the user list but not the secret cannot recompute it.
    assert key != domain_votes.voter_key(b"another secret", b, "stu-1")
    assert key != domain_votes.legacy_voter_key(b, "stu-1")
    assert hashlib.sha256(f"{b}:stu-1".encode()).hexdigest() not in key
