"""Scoring rules as plain functions (no I/O): metrics, normalisation, the 40/30/30 composite,
minimum samples and the one-vote veto. Ranking and award quotas are in `domain_ranking`.

Normalisation of each component to 0-100 (also in services/scoring/README.md):
- work (部门工作特色和工作成绩): leadership's mark, entered 0-100, used as is. A team or person
  without a mark of its own takes its department's (a person: their team's, else department's).
  A campaign's `praise_points` (default 0) adds that many points per praise (表扬) credited to
  the unit in the period, capped at 100.
- inspection (质量监督检查): the plain mean of the 0-100 scores of *quality* inspections in the
  period. A department's mean covers inspections of the department and of its teams; a person
  takes their team's mean. Safety inspections are shown but not scored. A campaign's
  `rectification_points` (default 0) takes that many points off per rectification result of
  the unit in the period that failed acceptance or was accepted late (not below 0), and its
  `recurring_points` (default 0) that many points per detection of a recurring problem of the
  unit in the period, times the detection's number (penalties rise: seed 000 §六5).
- satisfaction (满意度测评): the sample-weighted mean of every rating and survey answer in the
  period. A rating (1-5 on quality, timeliness, attitude) counts as one sample worth
  (mean of the three - 1) / 4 * 100, so 1 -> 0, 3 -> 50, 5 -> 100. A survey result counts as
  `responses` samples worth its 0-100 score. A department's mean covers its teams' survey
  answers too.
- composite = (w_work * work + w_inspection * inspection + w_satisfaction * satisfaction) / 100,
  weights in percent summing to 100 (default 40/30/30).
Every figure is rounded half up to 2 decimals (rates to 4) only at the end, so the same facts
always give the same numbers.

On-time rate (及时率) per stage (accept, arrive, finish) = completions of the stage on time /
completions of the stage in the period (a ticket's latest completion of each stage); the headline
on-time rate is the finish stage's: tickets finished within their limit / tickets finished. Pass rate (合格率) = tickets closed in the period that were never
reopened and never had a fix rejected / tickets closed in the period. Satisfied rate (满意率) =
fixes the reporter confirmed / all confirmations and rejections; an auto-confirmed fix is in the
denominator but never counts as satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

UnitType = Literal["department", "team", "staff"]
UNIT_TYPES: tuple[UnitType, ...] = ("department", "team", "staff")
STAGES = ("accept", "arrive", "finish")


def round_half_up(value: Fraction | float | None, places: int = 2) -> float | None:
    if value is None:
        return None
    d = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(str(value))
    )
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass
class Metrics:
    """What happened in the period for one unit; counts and sums straight from the facts."""

    volume: int = 0
    stage_done: dict[str, int] = field(default_factory=dict)
    stage_on_time: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    passed: int = 0
    ratings: int = 0
    rating_points: int = 0  # sum of quality + timeliness + attitude over the ratings
    confirmed: int = 0  # confirmed by the reporter
    auto_confirmed: int = 0
    fix_rejected: int = 0
    survey_responses: int = 0
    survey_points: Fraction = Fraction(0)  # sum of score * responses
    overdue: int = 0
    transfers: int = 0
    praises: int = 0  # praises (表扬) credited to the unit
    rectifications_passed: int = 0  # rectification items accepted on time (整改验收)
    rectifications_failed: int = 0  # accepted late, or failed acceptance
    recurring_problems: int = 0  # detections of recurring problems (重复问题)
    recurring_weight: int = 0  # each detection weighs its number among its problem's detections
    votes: int = 0
    quality_inspections: int = 0
    inspection_points: Fraction = Fraction(0)
    safety_inspections: int = 0

    def stage_rate(self, stage: str) -> Fraction | None:
        return ratio(self.stage_on_time.get(stage, 0), self.stage_done.get(stage, 0))

    def on_time_rate(self) -> Fraction | None:
        """限时办结率: tickets finished within their limit / tickets finished."""
        return self.stage_rate("finish")

    def pass_rate(self) -> Fraction | None:
        return ratio(self.passed, self.closed)

    def satisfied_rate(self) -> Fraction | None:
        """Auto-confirmed fixes count in the denominator, never as satisfied."""
        return ratio(self.confirmed, self.confirmed + self.auto_confirmed + self.fix_rejected)

    def average_rating(self) -> Fraction | None:
        """Mean of the three 1-5 dimensions over all ratings."""
        return ratio(self.rating_points, 3 * self.ratings)

    def satisfaction_samples(self) -> int:
        return self.ratings + self.survey_responses

    def satisfaction(self) -> Fraction | None:
        n = self.satisfaction_samples()
        if not n:
            return None
        rating_sum = Fraction(self.rating_points - 3 * self.ratings) * 100 / 12
        return (rating_sum + self.survey_points) / n

    def inspection(self) -> Fraction | None:
        if not self.quality_inspections:
            return None
        return self.inspection_points / self.quality_inspections


def rating_score(quality: int, timeliness: int, attitude: int) -> float:
    """One rating on the 0-100 scale: (mean of the three - 1) / 4 * 100."""
    value = round_half_up(Fraction(quality + timeliness + attitude - 3) * 100 / 12)
    assert value is not None
    return value


@dataclass(frozen=True)
class Weights:
    work: int = 40
    inspection: int = 30
    satisfaction: int = 30

    def problems(self) -> list[str]:
        out = [f"weight {n} must be 0-100" for n, v in self.items() if not 0 <= v <= 100]
        if sum(v for _, v in self.items()) != 100:
            out.append("weights must add up to 100")
        return out

    def items(self) -> list[tuple[str, int]]:
        return [
            ("work", self.work),
            ("inspection", self.inspection),
            ("satisfaction", self.satisfaction),
        ]


@dataclass(frozen=True)
class MinSamples:
    """Below these a unit is not ranked (and says why)."""

    satisfaction: int = 5  # ratings + survey responses
    inspections: int = 1  # quality inspections
    tickets: int = 0  # tickets opened in the period


def composite(
    weights: Weights, work: Fraction, inspection: Fraction, satisfaction: Fraction
) -> Fraction:
    return (
        weights.work * work + weights.inspection * inspection + weights.satisfaction * satisfaction
    ) / 100


def not_ranked_reasons(
    m: Metrics, work: Fraction | None, mins: MinSamples, weights: Weights
) -> list[str]:
    """Why a unit cannot be ranked; empty when it can. A component weighted 0 needs no samples."""
    out = []
    if weights.work and work is None:
        out.append("no work mark (部门工作成绩) entered by leadership")
    if weights.inspection and m.quality_inspections < mins.inspections:
        out.append(
            f"{m.quality_inspections} quality inspection(s), the campaign needs {mins.inspections}"
        )
    if weights.satisfaction and m.satisfaction_samples() < mins.satisfaction:
        out.append(
            f"{m.satisfaction_samples()} satisfaction sample(s) (ratings + survey answers),"
            f" the campaign needs {mins.satisfaction}"
        )
    if m.volume < mins.tickets:
        out.append(f"{m.volume} ticket(s) in the period, the campaign needs {mins.tickets}")
    return out


@dataclass(frozen=True)
class Incident:
    incident_id: str
    kind: str
    unit_type: UnitType
    unit_id: str
    department_id: str | None
    team_id: str | None
    summary: str
    occurred_at: str
    overturned: bool = False


@dataclass(frozen=True)
class VetoRules:
    kinds: tuple[str, ...] = ("service_quality", "safety")
    # An incident of a person also rules out their team and department; of a team, its department.
    cascade: bool = True


def vetoing_incidents(
    unit_type: UnitType,
    unit_id: str,
    incidents: list[Incident],
    rules: VetoRules,
) -> list[Incident]:
    """The verified, not overturned incidents that rule this unit out (一票否决)."""
    out = []
    for i in incidents:
        if i.overturned or i.kind not in rules.kinds:
            continue
        direct = i.unit_type == unit_type and i.unit_id == unit_id
        cascaded = rules.cascade and (
            (
                unit_type == "department"
                and i.unit_type != "department"
                and i.department_id == unit_id
            )
            or (unit_type == "team" and i.unit_type == "staff" and i.team_id == unit_id)
        )
        if direct or cascaded:
            out.append(i)
    return out


def inherited_mark(
    unit_type: UnitType,
    unit_id: str,
    team_of: str | None,
    department_of: str | None,
    marks: dict[tuple[str, str], Fraction],
) -> tuple[Fraction | None, str | None]:
    """The work mark for a unit and where it came from: its own, else its team's (a person),
    else its department's."""
    chain: list[tuple[str, str | None]] = [(unit_type, unit_id)]
    if unit_type == "staff":
        chain.append(("team", team_of))
    if unit_type != "department":
        chain.append(("department", department_of))
    for kind, uid in chain:
        if uid is not None and (kind, uid) in marks:
            return marks[(kind, uid)], f"{kind}:{uid}"
    return None, None


def with_praises(work: Fraction | None, praises: int, points: Fraction) -> Fraction | None:
    """The work component with the campaign's points per praise (表扬) added, capped at 100; no
    mark stays no mark (the unit is not ranked for it either way)."""
    if work is None or not points or not praises:
        return work
    return min(Fraction(100), work + points * praises)


def with_rectifications(
    inspection: Fraction | None, failed: int, points: Fraction
) -> Fraction | None:
    """The inspection (supervision) component less the campaign's points per rectification
    result that failed acceptance or came late, not below 0; no inspections stays none."""
    if inspection is None or not points or not failed:
        return inspection
    return max(Fraction(0), inspection - points * failed)


def with_recurring(inspection: Fraction | None, weight: int, points: Fraction) -> Fraction | None:
    """The inspection (supervision) component less the campaign's points per recurring-problem
    detection, times its number among its problem's detections (the third time the same link
    fails costs three times the first: seed 000 §六5), not below 0."""
    return with_rectifications(inspection, weight, points)


def inherit_team_inspections(
    metrics: dict[tuple[str, str], Metrics], team_of: dict[str, str | None]
) -> None:
    """People are not inspected: a person is scored on their team's quality inspections
    (`team_of`: person id -> team id). Changes `metrics` in place."""
    for person, team_id in team_of.items():
        m = metrics.setdefault(("staff", person), Metrics())
        team = metrics.get(("team", team_id)) if team_id else None
        m.quality_inspections = team.quality_inspections if team else 0
        m.inspection_points = team.inspection_points if team else Fraction(0)
        m.safety_inspections = team.safety_inspections if team else 0
