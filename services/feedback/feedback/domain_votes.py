"""Ballots and votes (我为你投一票): what a ballot must hold, when one may vote. No I/O."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from feedback.domain import CODE
from houqin_shared.contracts.common import UnitType
from houqin_shared.field_errors import invalid_field
from houqin_shared.params import Instant
from houqin_shared.strict import NONBLANK_PLAIN, TrimmedModel


class OptionIn(TrimmedModel):
    unit_type: UnitType
    unit_id: str = Field(min_length=1, max_length=64, pattern=CODE)
    label: str = Field(min_length=1, max_length=200, pattern=NONBLANK_PLAIN)


class BallotIn(TrimmedModel):
    title: str = Field(min_length=1, max_length=200, pattern=NONBLANK_PLAIN)
    campaign_id: uuid.UUID | None = None
    opens_at: Instant
    closes_at: Instant
    options: list[OptionIn] = Field(min_length=2, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> BallotIn:
        if self.closes_at <= self.opens_at:
            raise invalid_field("closes_before_opens")
        keys = [(o.unit_type, o.unit_id) for o in self.options]
        if len(keys) != len(set(keys)):
            raise invalid_field("unit_repeated")
        return self


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_type: UnitType
    unit_id: str = Field(min_length=1, max_length=64, pattern=CODE)


def voting_refusal(opens_at: datetime, closes_at: datetime, now: datetime) -> str | None:
    """Why no vote is taken now: a problem slug (houqin_shared.problem_types), or None."""
    if now < opens_at:
        return "voting-not-open"
    if now >= closes_at:
        return "voting-closed"
    return None


def voter_key(secret: bytes, ballot_id: uuid.UUID, voter: str) -> str:
    """One key per person and ballot that does not name the person: an HMAC under the server's
    ballot secret, so that nobody holding the user list (and not the secret) can recompute it
    and see who voted for whom."""
    message = f"{ballot_id}:{voter}".encode()
    return "h1:" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def legacy_voter_key(ballot_id: uuid.UUID, voter: str) -> str:
    """The unkeyed hash of votes cast before the HMAC (kept only on ballots still open when it
    came): it is looked up, never written, so nobody votes twice across the change."""
    return hashlib.sha256(f"{ballot_id}:{voter}".encode()).hexdigest()
