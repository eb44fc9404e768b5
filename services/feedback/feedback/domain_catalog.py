"""The service catalogue and its commitments (服务承诺): what a service entry must contain."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from houqin_shared.contracts.common import Urgency
from houqin_shared.contracts.feedback import EscalationSteps, StageLimits
from houqin_shared.field_errors import invalid_field
from houqin_shared.params import PLAIN
from houqin_shared.strict import NONBLANK_PLAIN, STRICT_INT, JsonInt, TrimmedModel

PHONE = r"^\+?[0-9][0-9 ()-]{2,30}$"
# Up to 90 days of minutes, a JSON integer.
Minutes90 = Annotated[int, Field(ge=1, le=60 * 24 * 90), STRICT_INT]


class LimitsIn(BaseModel):
    """Published time limits for one urgency, minutes; each stage within the next."""

    model_config = ConfigDict(extra="forbid")

    urgency: Urgency
    accept_minutes: Minutes90 | None = None
    arrive_minutes: Minutes90 | None = None
    finish_minutes: Annotated[int, Field(ge=1, le=60 * 24 * 365), STRICT_INT] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> LimitsIn:
        stages = [self.accept_minutes, self.arrive_minutes, self.finish_minutes]
        given = [s for s in stages if s is not None]
        if given != sorted(given):
            raise invalid_field("limits_shrink")
        return self


class EscalationIn(EscalationSteps):
    """How late tickets of the service are chased, as an admin publishes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    warn_at_percent: JsonInt = Field(
        80, ge=1, le=99, description="The assignee is warned at this share of the limit."
    )
    level_percents: list[Annotated[int, Field(ge=1, le=2000), STRICT_INT]] = Field(
        [100, 200, 300],
        min_length=3,
        max_length=3,
        description="Levels 1, 2 and 3 at these shares of the limit, increasing, the first at"
        " least 100, at most 2000 (error type escalation_levels_order at body.escalation).",
    )
    remind_every_minutes: JsonInt = Field(
        120,
        ge=5,
        le=10080,
        description="Level-3 reminders, and the chase of an undecided cannot_handle ticket, this"
        " much working time apart.",
    )

    @model_validator(mode="after")
    def _increasing(self) -> EscalationIn:
        levels = self.level_percents
        increasing = all(b > a for a, b in pairwise(levels))
        if levels[0] < 100 or levels[-1] > 2000 or not increasing:
            raise invalid_field("escalation_levels_order")
        return self


class ServiceIn(TrimmedModel):
    """One service of the public catalogue, as an admin publishes it."""

    name: str = Field(min_length=1, max_length=100, pattern=NONBLANK_PLAIN)
    name_en: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=NONBLANK_PLAIN,
        description="The name in English (else the name).",
    )
    description: str = Field("", max_length=2000, pattern=PLAIN)
    standard: str = Field(
        "", max_length=2000, pattern=PLAIN, description="The service standard promised."
    )
    fee: str = Field(
        "", max_length=200, pattern=PLAIN, description="What it costs, e.g. 'free' or 'parts only'."
    )
    description_en: str | None = Field(
        None,
        max_length=2000,
        pattern=PLAIN,
        description="The description in English (else the description).",
    )
    standard_en: str | None = Field(
        None,
        max_length=2000,
        pattern=PLAIN,
        description="The standard in English (else the standard).",
    )
    fee_en: str | None = Field(
        None, max_length=200, pattern=PLAIN, description="The fee in English (else the fee)."
    )
    limits: list[LimitsIn] = Field(default_factory=list, max_length=4)
    calendar: Literal["working_hours", "round_the_clock"] = "working_hours"
    service_phone: str | None = Field(None, pattern=PHONE)
    complaint_phone: str | None = Field(None, pattern=PHONE)
    department_id: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$"
    )
    reply_minutes: Minutes90 | None = Field(
        None,
        description="The reply deadline promised for a suggestion or consultation, working"
        " minutes (else the tickets service's default).",
    )
    escalation: EscalationIn | None = Field(
        None, description="How late tickets of this service are chased (else the defaults)."
    )
    active: StrictBool = True
    public: StrictBool = Field(
        False,
        description="Whether the public Open311 feed, the public board and their photos show"
        " this service's reports (never anonymous ones or complaints). Off unless said: a"
        " complaint-like, dorm or clinic service stays private.",
    )

    @model_validator(mode="after")
    def _one_limit_per_urgency(self) -> ServiceIn:
        urgencies = [limit.urgency for limit in self.limits]
        if len(urgencies) != len(set(urgencies)):
            raise invalid_field("urgency_repeated")
        return self

    def stored(self) -> dict[str, Any]:
        """The columns this entry sets (limits ordered by urgency, so equal entries compare equal)."""
        order = {"low": 0, "normal": 1, "urgent": 2, "emergency": 3}
        out = self.model_dump()
        out["limits"] = sorted(out["limits"], key=lambda limit: order[limit["urgency"]])
        return out


def same_content(stored: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a PUT changes nothing (then the version stays and no event is sent)."""
    return all(stored.get(k) == v for k, v in new.items())


def stage_limits(limits: list[dict[str, Any]]) -> list[StageLimits]:
    return [StageLimits(**limit) for limit in limits]
