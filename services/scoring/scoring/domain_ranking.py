"""From metrics to results: each unit's score, the ranking per unit type and award candidates.

Tie-break (also in services/scoring/README.md): higher composite first; on equal composite
the higher satisfaction, then the higher inspection, then the higher work mark; then the unit id
in alphabetical order, so two runs always give the same order. Ranks are 1, 2, 3, ... with no
shared places. Units that are vetoed or not ranked get no rank and no award.

Quotas: 优秀组织奖 `departments` (2), 优秀班组 `teams` (7), 优秀个人 `staff_percent` (10) percent of
the staff head count in the evaluated departments, rounded by `rounding` (half_up: 0.5 goes up;
floor; ceil) and never below `staff_min` (1). When fewer units are eligible, fewer win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from scoring.domain import (
    Incident,
    Metrics,
    MinSamples,
    UnitType,
    VetoRules,
    Weights,
    composite,
    inherited_mark,
    not_ranked_reasons,
    round_half_up,
    vetoing_incidents,
    with_praises,
    with_rectifications,
    with_recurring,
)

Rounding = Literal["half_up", "floor", "ceil"]
AWARD_OF: dict[str, str] = {"department": "organisation", "team": "team", "staff": "individual"}


@dataclass(frozen=True)
class Quotas:
    departments: int = 2
    teams: int = 7
    staff_percent: float = 10.0
    rounding: Rounding = "half_up"
    staff_min: int = 1


def staff_quota(head_count: int, q: Quotas) -> int:
    """优秀个人: `staff_percent`% of the head count, rounded by the stated rule, at least
    `staff_min` (0 when nobody is evaluated)."""
    if head_count <= 0:
        return 0
    exact = Decimal(head_count) * Decimal(str(q.staff_percent)) / 100
    if q.rounding == "floor":
        n = math.floor(exact)
    elif q.rounding == "ceil":
        n = math.ceil(exact)
    else:
        n = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(n, q.staff_min)


def quota_for(unit_type: UnitType, head_count: int, q: Quotas) -> int:
    if unit_type == "department":
        return q.departments
    if unit_type == "team":
        return q.teams
    return staff_quota(head_count, q)


@dataclass(frozen=True)
class Rules:
    weights: Weights = field(default_factory=Weights)
    min_samples: MinSamples = field(default_factory=MinSamples)
    veto: VetoRules = field(default_factory=VetoRules)
    quotas: Quotas = field(default_factory=Quotas)
    praise_points: Fraction = Fraction(0)  # added to the work component per praise
    rectification_points: Fraction = Fraction(0)  # off inspection per failed rectification
    recurring_points: Fraction = Fraction(0)  # off inspection per recurring-problem weight


@dataclass(frozen=True)
class Unit:
    unit_type: UnitType
    unit_id: str
    name: str
    team_id: str | None = None
    department_id: str | None = None


@dataclass
class Result:
    unit: Unit
    metrics: Metrics
    work: float | None
    work_source: str | None
    inspection: float | None
    satisfaction: float | None
    composite: float | None
    on_time_rate: float | None
    pass_rate: float | None
    vetoed_by: list[Incident] = field(default_factory=list)
    not_ranked_reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    award: str | None = None

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoed_by)

    @property
    def not_ranked_reason(self) -> str | None:
        if self.not_ranked_reasons:
            return "; ".join(self.not_ranked_reasons)
        if self.vetoed:
            ids = ", ".join(i.incident_id for i in self.vetoed_by)
            return f"vetoed (一票否决) by verified incident {ids}"
        return None


def score_unit(
    unit: Unit,
    m: Metrics,
    marks: dict[tuple[str, str], Fraction],
    incidents: list[Incident],
    rules: Rules,
) -> Result:
    work, source = inherited_mark(
        unit.unit_type, unit.unit_id, unit.team_id, unit.department_id, marks
    )
    work = with_praises(work, m.praises, rules.praise_points)
    insp, sat = m.inspection(), m.satisfaction()
    insp = with_rectifications(insp, m.rectifications_failed, rules.rectification_points)
    insp = with_recurring(insp, m.recurring_weight, rules.recurring_points)
    reasons = not_ranked_reasons(m, work, rules.min_samples, rules.weights)
    total = None
    if not reasons:
        total = composite(
            rules.weights, work or Fraction(0), insp or Fraction(0), sat or Fraction(0)
        )
    return Result(
        unit=unit,
        metrics=m,
        work=round_half_up(work),
        work_source=source,
        inspection=round_half_up(insp),
        satisfaction=round_half_up(sat),
        composite=round_half_up(total),
        on_time_rate=round_half_up(m.on_time_rate(), 4),
        pass_rate=round_half_up(m.pass_rate(), 4),
        vetoed_by=vetoing_incidents(unit.unit_type, unit.unit_id, incidents, rules.veto),
        not_ranked_reasons=reasons,
    )


def _order_key(r: Result) -> tuple[float, float, float, float, str]:
    return (
        -(r.composite or 0),
        -(r.satisfaction or 0),
        -(r.inspection or 0),
        -(r.work or 0),
        r.unit.unit_id,
    )


def rank(results: list[Result], quota: int) -> list[Result]:
    """Rank one unit type in place by the tie-break rule; mark the top `quota` as award
    candidates. Returns the results in display order: ranked, then vetoed, then not ranked."""
    eligible = sorted(
        (r for r in results if r.composite is not None and not r.vetoed), key=_order_key
    )
    vetoed = sorted((r for r in results if r.composite is not None and r.vetoed), key=_order_key)
    unranked = sorted((r for r in results if r.composite is None), key=lambda r: r.unit.unit_id)
    for r in results:
        r.rank, r.award = None, None
    for i, r in enumerate(eligible, start=1):
        r.rank = i
        if i <= quota:
            r.award = AWARD_OF[r.unit.unit_type]
    return eligible + vetoed + unranked


def score_campaign(
    units: list[Unit],
    metrics: dict[tuple[str, str], Metrics],
    marks: dict[tuple[str, str], Fraction],
    incidents: list[Incident],
    rules: Rules,
) -> list[Result]:
    """Every unit's result, ranked per unit type with award candidates per quota."""
    head_count = sum(1 for u in units if u.unit_type == "staff")
    out: list[Result] = []
    for unit_type in ("department", "team", "staff"):
        results = [
            score_unit(u, metrics.get((u.unit_type, u.unit_id), Metrics()), marks, incidents, rules)
            for u in units
            if u.unit_type == unit_type
        ]
        out += rank(results, quota_for(unit_type, head_count, rules.quotas))
    return out
