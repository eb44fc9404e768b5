"""Campaigns as data: the API's models, with validation, and their domain form."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from houqin_shared.field_errors import invalid_field
from houqin_shared.zones import known_zone
from scoring.domain import MinSamples, VetoRules, Weights
from scoring.domain_ranking import Quotas, Rules

# Domain bounds (stated in the OpenAPI document): a campaign lies within these years and lasts
# at most two years; counts stay within what a university's logistics group can have.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_PERIOD_YEARS = 2
MAX_COUNT = 100_000
MAX_DEPARTMENTS = 500
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"  # no control characters
ONE_LINE = r"^[^\x00-\x1f\x7f\ufffe\uffff]*$"
# no space, C0 or C1 control (the same in JSON Schema's and Rust's regex: no \s)
UNIT_ID = r"^[^ \x00-\x1f\x7f-\x9f\ufffe\uffff]+$"
UnitId = Annotated[str, Field(min_length=1, max_length=128, pattern=UNIT_ID)]
UnitIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=UNIT_ID)]
UnitTypePath = Literal["department", "team", "staff"]
MAX_PAGE = 10_000  # rows one list answers at most (a campus has a few thousand staff)
CampaignDay = Annotated[
    date,
    Field(
        description=f"A calendar day from {FIRST_DAY} to {LAST_DAY}.",
        json_schema_extra={"formatMinimum": str(FIRST_DAY), "formatMaximum": str(LAST_DAY)},
    ),
]


def period_end_limit(start: date) -> date:
    """The last day a campaign starting on `start` may run to (two years, less a day)."""
    try:
        anniversary = start.replace(year=start.year + MAX_PERIOD_YEARS)
    except ValueError:  # 29 February
        anniversary = date(start.year + MAX_PERIOD_YEARS, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeightsIn(_Strict):
    """Percent per component; they must add up to 100 (seed 002: 40/30/30): a rule its schema
    cannot state, checked by CheckedWeights."""

    work: int = Field(
        40, ge=0, le=100, strict=True, description="部门工作特色和工作成绩 (leadership's marks)."
    )
    inspection: int = Field(30, ge=0, le=100, strict=True, description="后勤服务质量监督小组检查.")
    satisfaction: int = Field(
        30, ge=0, le=100, strict=True, description="满意度测评 (ratings and surveys)."
    )


class CheckedWeights(WeightsIn):
    @model_validator(mode="after")
    def _sum(self) -> CheckedWeights:
        if self.work + self.inspection + self.satisfaction != 100:
            raise invalid_field("weights_sum")
        return self


class QuotasIn(_Strict):
    departments: int = Field(
        2, ge=0, le=MAX_DEPARTMENTS, strict=True, description="优秀组织奖: best departments."
    )
    teams: int = Field(7, ge=0, le=MAX_COUNT, strict=True, description="优秀班组: best teams.")
    staff_percent: float = Field(
        10, ge=0, le=100, strict=True, description="优秀个人: percent of head count."
    )
    rounding: Literal["half_up", "floor", "ceil"] = Field(
        "half_up", description="How the staff quota is rounded (half_up: 2.5 -> 3)."
    )
    staff_min: int = Field(
        1,
        ge=0,
        le=MAX_COUNT,
        strict=True,
        description="At least this many 优秀个人 when anyone is evaluated.",
    )


class MinSamplesIn(_Strict):
    satisfaction: int = Field(
        5, ge=0, le=MAX_COUNT, strict=True, description="Ratings + survey answers a unit needs."
    )
    inspections: int = Field(
        1, ge=0, le=MAX_COUNT, strict=True, description="Quality inspections a unit needs."
    )
    tickets: int = Field(
        0, ge=0, le=MAX_COUNT, strict=True, description="Tickets in the period a unit needs."
    )


IncidentKind = Literal["service_quality", "safety"]


def _all_kinds() -> list[IncidentKind]:
    return ["service_quality", "safety"]


class VetoIn(_Strict):
    kinds: list[IncidentKind] = Field(
        default_factory=_all_kinds,
        max_length=2,
        description="Incident kinds that rule a unit out (一票否决).",
    )
    cascade: bool = Field(
        True,
        strict=True,
        description="A person's incident also rules out their team and department.",
    )


class RulesIn(_Strict):
    weights: WeightsIn = Field(default_factory=WeightsIn)
    quotas: QuotasIn = Field(default_factory=QuotasIn)
    min_samples: MinSamplesIn = Field(default_factory=MinSamplesIn)
    veto: VetoIn = Field(default_factory=VetoIn)
    praise_points: float = Field(
        0,
        ge=0,
        le=10,
        strict=True,
        allow_inf_nan=False,
        description="Points each praise (表扬) in the period adds to a unit's work component"
        " (its mark, own or inherited; capped at 100). 0: praises are counted, not weighed.",
    )
    rectification_points: float = Field(
        0,
        ge=0,
        le=20,
        strict=True,
        allow_inf_nan=False,
        description="Points each rectification result of the period that failed acceptance or"
        " was accepted late (整改) takes off a unit's inspection (supervision) component, not"
        " below 0. 0: rectification results are counted, not weighed.",
    )
    recurring_points: float = Field(
        0,
        ge=0,
        le=20,
        strict=True,
        allow_inf_nan=False,
        description="Points each detection of a recurring problem (重复问题) of the period takes"
        " off a unit's inspection (supervision) component, times its number among that"
        " problem's detections (penalties rise), not below 0. 0: counted, not weighed.",
    )


class CheckedRules(RulesIn):
    weights: CheckedWeights = Field(default_factory=CheckedWeights)


class CampaignIn(_Strict):
    """A campaign as its schema states it. The rules between its fields (a known time zone, the
    period's bounds, weights adding up to 100) are CheckedCampaign's, answered as the typed
    problem `campaign-invalid`."""

    name: str = Field(min_length=1, max_length=200, pattern=ONE_LINE, examples=["2026 优质服务月"])
    period_start: CampaignDay
    period_end: CampaignDay = Field(
        description=f"On or after period_start, at most {MAX_PERIOD_YEARS} years after it (less a"
        f" day), and no later than {LAST_DAY}."
    )
    timezone: str = Field(
        "Asia/Shanghai",
        min_length=1,
        max_length=64,
        description="An IANA time zone; periods are calendar days there.",
    )
    departments: list[UnitId] | None = Field(
        None,
        max_length=MAX_DEPARTMENTS,
        description="Departments evaluated (with their teams and staff); null: all.",
    )
    rules: RulesIn = Field(default_factory=RulesIn)


class CheckedCampaign(CampaignIn):
    rules: CheckedRules = Field(default_factory=CheckedRules)

    _zone = field_validator("timezone")(known_zone)

    @model_validator(mode="after")
    def _period(self) -> CheckedCampaign:
        for day in (self.period_start, self.period_end):
            if not FIRST_DAY <= day <= LAST_DAY:
                raise invalid_field(
                    "campaign_day_out_of_range", first=str(FIRST_DAY), last=str(LAST_DAY)
                )
        if self.period_end < self.period_start:
            raise invalid_field("period_reversed")
        if self.period_end > period_end_limit(self.period_start):
            raise invalid_field("campaign_too_long", years=MAX_PERIOD_YEARS)
        return self


class WorkMarkIn(_Strict):
    mark: float = Field(ge=0, le=100, strict=True, description="0-100.")
    justification: str = Field(min_length=1, max_length=4000, pattern=TEXT)


def to_rules(raw: dict[str, object]) -> Rules:
    r = CheckedRules.model_validate(raw)
    return Rules(
        weights=Weights(r.weights.work, r.weights.inspection, r.weights.satisfaction),
        min_samples=MinSamples(
            r.min_samples.satisfaction, r.min_samples.inspections, r.min_samples.tickets
        ),
        veto=VetoRules(tuple(r.veto.kinds), r.veto.cascade),
        praise_points=Fraction(str(r.praise_points)),
        rectification_points=Fraction(str(r.rectification_points)),
        recurring_points=Fraction(str(r.recurring_points)),
        quotas=Quotas(
            r.quotas.departments,
            r.quotas.teams,
            r.quotas.staff_percent,
            r.quotas.rounding,
            r.quotas.staff_min,
        ),
    )
