"""The recommendation form's sign-off chain as data (seed 002 附表1–3: 班组长签字, 科室意见,
分管处领导意见, 处长意见; pure rules, no I/O).

A nomination starts `in_review` at the chain's first step. At each step the signer approves
(the next step, or `approved` after the last), returns it with a comment (`returned`: the
nominating department edits and resubmits it, and it starts again at the first step) or rejects
it (`rejected`: final, its quota place is free again). A signer names the step they sign; a
step other than the current one is refused (`nomination-wrong-step`), and so is a signer
without the step's role or outside its scope (`nomination-wrong-role`): the team lead of the
nominee's team, the head of its department, any leader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["in_review", "returned", "rejected", "approved"]
Decision = Literal["approve", "return", "reject"]
Scope = Literal["team", "department", "any"]
LIVE: tuple[Status, ...] = ("in_review", "returned", "approved")  # hold a quota place


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    role: str
    scope: Scope = "any"


@dataclass(frozen=True)
class Signer:
    subject: str
    roles: frozenset[str]
    department_id: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class Form:
    """Where a nomination is: its status, the index of its current step, and the nominee's
    department and team (the scopes of the steps)."""

    status: Status
    step: int
    department_id: str | None
    team_id: str | None


def may_sign(step: Step, who: Signer, form: Form) -> bool:
    if step.role not in who.roles:
        return False
    if step.scope == "team":
        return form.team_id is not None and who.team_id == form.team_id
    if step.scope == "department":
        return form.department_id is not None and who.department_id == form.department_id
    return True


def decide(
    chain: list[Step], form: Form, who: Signer, step_code: str, decision: Decision
) -> Form | str:
    """The form after `who` decides at `step_code`, or the problem slug refusing it."""
    if form.status != "in_review" or not 0 <= form.step < len(chain):
        return "nomination-wrong-step"
    step = chain[form.step]
    if step.code != step_code:
        return "nomination-wrong-step"
    if not may_sign(step, who, form):
        return "nomination-wrong-role"
    if decision == "return":
        return Form("returned", 0, form.department_id, form.team_id)
    if decision == "reject":
        return Form("rejected", form.step, form.department_id, form.team_id)
    if form.step + 1 == len(chain):
        return Form("approved", form.step, form.department_id, form.team_id)
    return Form("in_review", form.step + 1, form.department_id, form.team_id)


def chain_for(steps: list[Step], team_id: str | None) -> list[Step]:
    """A nominee without a team (a department: 附表1) has no team lead's signature."""
    return steps if team_id else [s for s in steps if s.scope != "team"]
