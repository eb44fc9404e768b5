"""Award kinds as campaign data (issue 18, seed 002 附1): who may be nominated, how many per
department, and who wins (pure rules, no I/O).

Quota: a fixed number, or a percentage of a base counted per department or overall. The base is
the number of units of the kind's unit type (for people: the head count). The exact share is
rounded by the stated rule (half_up: 0.5 goes up; floor; ceil) and never below `minimum`
(0 when the base is 0). A per-department quota caps each department's nominations and awards;
an overall quota caps the campaign's awards, and each department may nominate up to it.

Eligibility: a unit ruled out by the one-vote veto (一票否决) is never nominated nor awarded when
the kind says the veto applies (seed 002: every kind); a kind may need at least `min_sample`
satisfaction samples (ratings and survey answers), and, on the composite basis, a composite.

Basis: `composite` ranks by the 40/30/30 composite, `votes` by the votes received (我为你投一票),
`jury` takes the leaders' choice among the nominees in their order (each nominee's composite is
shown beside it). Ties: the higher score, then the unit id. Nobody over quota wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

AwardUnit = Literal["department", "team", "staff", "post", "service_window"]
Basis = Literal["composite", "votes", "jury"]
Rounding = Literal["half_up", "floor", "ceil"]
OVERALL = ""  # the department key of an overall quota


@dataclass(frozen=True)
class QuotaRule:
    mode: Literal["fixed", "percent"] = "fixed"
    value: float = 1
    per: Literal["department", "overall"] = "overall"
    rounding: Rounding = "half_up"
    minimum: int = 0


@dataclass(frozen=True)
class Eligibility:
    min_sample: int = 0
    veto_applies: bool = True
    must_be_nominated: bool = True


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    unit_type: AwardUnit
    quota: QuotaRule
    eligibility: Eligibility = field(default_factory=Eligibility)
    basis: Basis = "composite"
    prize: int = 0  # yuan


@dataclass(frozen=True)
class Candidate:
    unit_type: str
    unit_id: str
    department_id: str | None
    composite: float | None = None
    samples: int = 0
    votes: int = 0
    vetoed: bool = False


def rounded(exact: Decimal, rule: Rounding) -> int:
    if rule == "floor":
        return math.floor(exact)
    if rule == "ceil":
        return math.ceil(exact)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quota_of(rule: QuotaRule, base: int) -> int:
    """The quota for one department (or overall) whose base is `base` units."""
    if rule.mode == "fixed":
        return int(rule.value)
    if base <= 0:
        return 0
    exact = Decimal(base) * Decimal(str(rule.value)) / 100
    return max(rounded(exact, rule.rounding), rule.minimum)


def quotas(kind: Kind, bases: dict[str, int]) -> dict[str, int]:
    """Quota per department id (per-department rules) or {OVERALL: n}; `bases` counts the
    kind's units per department."""
    if kind.quota.per == "department":
        return {dept: quota_of(kind.quota, n) for dept, n in sorted(bases.items())}
    return {OVERALL: quota_of(kind.quota, sum(bases.values()))}


def quota_key(kind: Kind, department_id: str | None) -> str:
    return (department_id or OVERALL) if kind.quota.per == "department" else OVERALL


def refusal(kind: Kind, c: Candidate) -> str | None:
    """Why `c` cannot be nominated for or awarded `kind` (a problem slug), else None."""
    if c.unit_type != kind.unit_type:
        return "award-unit-mismatch"
    if kind.eligibility.veto_applies and c.vetoed:
        return "award-vetoed"
    if c.samples < kind.eligibility.min_sample:
        return "award-not-eligible"
    if kind.basis == "composite" and c.composite is None:
        return "award-not-eligible"
    return None


def nomination_cap(kind: Kind, quota: dict[str, int], department_id: str | None) -> int:
    """How many a department may nominate: its own quota, or under an overall quota as many
    as the whole quota (seed 002: each department puts forward its candidates)."""
    return quota.get(quota_key(kind, department_id), 0)


def nomination_refusal(
    kind: Kind, c: Candidate, quota: dict[str, int], nominated: dict[str, int]
) -> str | None:
    """Why a new nomination of `c` is refused: its own refusal, or its department's cap
    already taken by `nominated` (live nominations of the kind per department id)."""
    why = refusal(kind, c)
    if why:
        return why
    if nominated.get(c.department_id or OVERALL, 0) >= nomination_cap(kind, quota, c.department_id):
        return "award-over-quota"
    return None


def _score(kind: Kind, c: Candidate) -> float:
    return float(c.votes) if kind.basis == "votes" else (c.composite or 0.0)


def winners(
    kind: Kind,
    candidates: list[Candidate],
    quota: dict[str, int],
    nominees: set[str] | None = None,
    jury: list[str] | None = None,
) -> list[Candidate]:
    """The kind's winners in order: eligible candidates (nominees only when the kind needs a
    nomination), ordered by the basis (the jury's list for `jury`), each taken while its
    department's (or the overall) quota has room."""
    pool = [c for c in candidates if refusal(kind, c) is None]
    if kind.eligibility.must_be_nominated:
        pool = [c for c in pool if nominees is not None and c.unit_id in nominees]
    if kind.basis == "jury":
        by_id = {c.unit_id: c for c in pool}
        ordered = [by_id[u] for u in dict.fromkeys(jury or []) if u in by_id]
    else:
        ordered = sorted(pool, key=lambda c: (-_score(kind, c), c.unit_id))
    taken: dict[str, int] = {}
    out: list[Candidate] = []
    for c in ordered:
        key = quota_key(kind, c.department_id)
        if taken.get(key, 0) < quota.get(key, 0):
            taken[key] = taken.get(key, 0) + 1
            out.append(c)
    return out
