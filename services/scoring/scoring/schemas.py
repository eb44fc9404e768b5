"""Campaigns as data: the API's models, with validation, and their domain form."""

from __future__ import annotations

from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.domain import MinSamples, VetoRules, Weights
from scoring.domain_ranking import Quotas, Rules


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeightsIn(_Strict):
    """Percent per component; they must add up to 100 (seed 002: 40/30/30)."""

    work: int = Field(40, ge=0, le=100, description="部门工作特色和工作成绩 (leadership's marks).")
    inspection: int = Field(30, ge=0, le=100, description="后勤服务质量监督小组检查.")
    satisfaction: int = Field(30, ge=0, le=100, description="满意度测评 (ratings and surveys).")

    @model_validator(mode="after")
    def _sum(self) -> WeightsIn:
        if self.work + self.inspection + self.satisfaction != 100:
            raise ValueError("weights must add up to 100")
        return self


class QuotasIn(_Strict):
    departments: int = Field(2, ge=0, description="优秀组织奖: best departments.")
    teams: int = Field(7, ge=0, description="优秀班组: best teams.")
    staff_percent: float = Field(10, ge=0, le=100, description="优秀个人: percent of head count.")
    rounding: Literal["half_up", "floor", "ceil"] = Field(
        "half_up", description="How the staff quota is rounded (half_up: 2.5 -> 3)."
    )
    staff_min: int = Field(
        1, ge=0, description="At least this many 优秀个人 when anyone is evaluated."
    )


class MinSamplesIn(_Strict):
    satisfaction: int = Field(5, ge=0, description="Ratings + survey answers a unit needs.")
    inspections: int = Field(1, ge=0, description="Quality inspections a unit needs.")
    tickets: int = Field(0, ge=0, description="Tickets in the period a unit needs.")


IncidentKind = Literal["service_quality", "safety"]


def _all_kinds() -> list[IncidentKind]:
    return ["service_quality", "safety"]


class VetoIn(_Strict):
    kinds: list[IncidentKind] = Field(
        default_factory=_all_kinds,
        description="Incident kinds that rule a unit out (一票否决).",
    )
    cascade: bool = Field(
        True, description="A person's incident also rules out their team and department."
    )


class RulesIn(_Strict):
    weights: WeightsIn = Field(default_factory=WeightsIn)
    quotas: QuotasIn = Field(default_factory=QuotasIn)
    min_samples: MinSamplesIn = Field(default_factory=MinSamplesIn)
    veto: VetoIn = Field(default_factory=VetoIn)


class CampaignIn(_Strict):
    name: str = Field(min_length=1, max_length=200, examples=["2026 优质服务月"])
    period_start: date
    period_end: date
    timezone: str = Field("Asia/Shanghai", description="Periods are calendar days here.")
    departments: list[str] | None = Field(
        None, description="Departments evaluated (with their teams and staff); null: all."
    )
    rules: RulesIn = Field(default_factory=RulesIn)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _period(self) -> CampaignIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class WorkMarkIn(_Strict):
    mark: float = Field(ge=0, le=100, description="0-100.")
    justification: str = Field(min_length=1, max_length=4000)


def to_rules(raw: dict[str, object]) -> Rules:
    r = RulesIn.model_validate(raw)
    return Rules(
        weights=Weights(r.weights.work, r.weights.inspection, r.weights.satisfaction),
        min_samples=MinSamples(
            r.min_samples.satisfaction, r.min_samples.inspections, r.min_samples.tickets
        ),
        veto=VetoRules(tuple(r.veto.kinds), r.veto.cascade),
        quotas=Quotas(
            r.quotas.departments,
            r.quotas.teams,
            r.quotas.staff_percent,
            r.quotas.rounding,
            r.quotas.staff_min,
        ),
    )
