"""Contracts published by the scoring service (topic houqin.scoring.events)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import UnitType

SCORING_TOPIC = "houqin.scoring.events"
SCORING_SOURCE = "/houqin/scoring"


class ScoreComputed(Event):
    """A unit's score in a campaign was (re)computed from the facts so far."""

    event_type = "houqin.scoring.ScoreComputed.v1"
    topic = SCORING_TOPIC
    source = SCORING_SOURCE
    summary = "A department's, team's or person's campaign score changed."

    campaign_id: UUID
    unit_type: UnitType
    unit_id: str
    period_start: date
    period_end: date
    composite: float | None = Field(description="Weighted score 0-100; null when not ranked.")
    work_score: float | None = Field(description="Department work and results component, 0-100.")
    inspection_score: float | None = Field(description="Quality-supervision component, 0-100.")
    satisfaction_score: float | None = Field(description="Satisfaction component, 0-100.")
    on_time_rate: float | None = Field(description="Share of tickets done within limits, 0-1.")
    pass_rate: float | None = Field(description="Share accepted without rework, 0-1.")
    rank: int | None = None
    vetoed: bool = Field(False, description="Ruled out by the one-vote veto.")
    not_ranked_reason: str | None = None
    computed_at: datetime

    def key(self) -> str:
        return f"{self.campaign_id}:{self.unit_type}:{self.unit_id}"


class Award(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    award: Literal["organisation", "team", "individual", "model_post"]
    unit_type: UnitType
    unit_id: str
    rank: int = Field(ge=1)
    composite: float


class AwardsPublished(Event):
    """A campaign's awards were published (公示)."""

    event_type = "houqin.scoring.AwardsPublished.v1"
    topic = SCORING_TOPIC
    source = SCORING_SOURCE
    summary = "A campaign's award winners were published."

    campaign_id: UUID
    campaign_name: str
    awards: list[Award]
    published_at: datetime

    def key(self) -> str:
        return str(self.campaign_id)


CONTRACTS: tuple[type[Event], ...] = (ScoreComputed, AwardsPublished)
