"""Award kinds, sign-off steps and the campaign's own units (posts, service windows) as the
API takes them, bounded and typed, with their domain form; and the requests of nominations,
sign-offs and objections."""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from scoring.domain_awards import AwardUnit, Eligibility, Kind, QuotaRule
from scoring.domain_signoff import Decision, Step
from scoring.schemas import ONE_LINE, TEXT, UnitId

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=ONE_LINE)]
MAX_KINDS, MAX_UNITS, MAX_STEPS = 20, 2_000, 8


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuotaIn(_Strict):
    mode: Literal["fixed", "percent"] = "fixed"
    value: float = Field(
        1, ge=0, le=1_000, strict=True, description="A number of awards, or a percentage."
    )
    per: Literal["department", "overall"] = "overall"
    rounding: Literal["half_up", "floor", "ceil"] = Field(
        "half_up", description="half_up: 0.5 goes up; floor; ceil."
    )
    minimum: int = Field(
        0, ge=0, le=1_000, strict=True, description="At least this many (percent rules)."
    )


class EligibilityIn(_Strict):
    min_sample: int = Field(
        0, ge=0, le=100_000, strict=True, description="Satisfaction samples at least."
    )
    veto_applies: StrictBool = True
    must_be_nominated: StrictBool = True


class KindIn(_Strict):
    code: Code
    name: Name
    unit_type: AwardUnit
    quota: QuotaIn = Field(default_factory=QuotaIn)
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)
    basis: Literal["composite", "votes", "jury"] = "composite"
    prize: int = Field(0, ge=0, le=1_000_000, strict=True, description="Prize money in yuan (元).")
    form: Name | None = Field(None, description="The recommendation form's title (附表).")

    def domain(self) -> Kind:
        return Kind(
            self.code, self.name, self.unit_type, QuotaRule(**self.quota.model_dump()),
            Eligibility(**self.eligibility.model_dump()), self.basis, self.prize,
        )  # fmt: skip


class StepIn(_Strict):
    code: Code
    label: Name
    role: Literal["team_lead", "dept_head", "leader", "supervisor", "admin"]
    scope: Literal["team", "department", "any"] = "any"

    def domain(self) -> Step:
        return Step(self.code, self.label, self.role, self.scope)


class DeclaredUnitIn(_Strict):
    """A unit the directory does not hold: a post (岗位) or a service window (服务窗口)."""

    unit_type: Literal["post", "service_window"]
    unit_id: UnitId
    name: Name
    department_id: UnitId | None = None


class AwardSetupIn(_Strict):
    kinds: list[KindIn] = Field(min_length=1, max_length=MAX_KINDS)
    steps: list[StepIn] = Field(min_length=1, max_length=MAX_STEPS)
    units: list[DeclaredUnitIn] = Field(default_factory=list, max_length=MAX_UNITS)
    publicity_days: int = Field(
        5, ge=0, le=60, strict=True, description="公示: days objections are taken."
    )
    issuer: Name = Field("后勤管理处", description="Who awards: the certificates' signature.")

    def repeated(self) -> list[dict[str, Any]]:
        """The `errors` items of codes used twice (a rule the schema cannot state)."""
        out = []
        for what, codes in (("kinds", [k.code for k in self.kinds]),
                            ("steps", [s.code for s in self.steps]),
                            ("units", [f"{u.unit_type}/{u.unit_id}" for u in self.units])):  # fmt: skip
            for code in sorted({c for c in codes if codes.count(c) > 1}):
                out.append(
                    {"loc": ["body", what], "type": "code_repeated", "msg": f"{code} repeats"}
                )
        return out


class TemplateIn(_Strict):
    template: Literal["seed002"] = "seed002"


class NominationIn(_Strict):
    kind: Code
    unit_type: AwardUnit
    unit_id: UnitId
    deeds: str = Field(min_length=1, max_length=4_000, pattern=TEXT, description="主要事迹.")
    attachments: list[Name] = Field(default_factory=list, max_length=10)


class ResubmitIn(_Strict):
    deeds: str = Field(min_length=1, max_length=4_000, pattern=TEXT)
    attachments: list[Name] = Field(default_factory=list, max_length=10)


class DecisionIn(_Strict):
    step: Code
    decision: Decision
    comment: str = Field(
        "", max_length=1_000, pattern=TEXT, description="Required to return the form."
    )


class JuryIn(_Strict):
    """The leaders' choice per jury kind: unit ids in order."""

    choices: dict[Code, list[UnitId]] = Field(default_factory=dict, max_length=MAX_KINDS)


class ObjectionIn(_Strict):
    award_id: int = Field(ge=1, le=2**31 - 1, strict=True)
    reason: str = Field(min_length=2, max_length=2_000, pattern=TEXT)


class AnswerIn(_Strict):
    upheld: StrictBool
    answer: str = Field(min_length=1, max_length=2_000, pattern=TEXT)


def template(name: str = "seed002") -> AwardSetupIn:
    """A campaign template shipped with the service (award_templates/<name>.json)."""
    text = (resources.files("scoring") / "award_templates" / f"{name}.json").read_text("utf-8")
    data = json.loads(text)
    data.pop("source", None)
    return AwardSetupIn.model_validate(data)
