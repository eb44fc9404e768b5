"""Nobody confirms or rates their own team's work (issue 14), without I/O."""

from __future__ import annotations

from typing import Any

import pytest

from feedback import domain_fix
from houqin_shared.principal import Principal, Role

REPORT: dict[str, Any] = {
    "assignees": ["plumber-1"],
    "team_id": "plumbers",
    "department_id": "maintenance",
}


def who(sub: str, *roles: Role, dept: str | None = None, team: str | None = None) -> Principal:
    return Principal(sub, frozenset(roles), department_id=dept, team_id=team)


@pytest.mark.parametrize(
    ("caller", "answer"),
    [
        (who("stu-1", Role.reporter), None),
        (who("plumber-1", Role.reporter), "rating-own-work"),
        (
            who("p2", Role.reporter, Role.staff, dept="maintenance", team="plumbers"),
            "rating-own-team",
        ),
        (who("lead", Role.reporter, Role.team_lead, team="plumbers"), "rating-own-team"),
        (who("head", Role.reporter, Role.dept_head, dept="maintenance"), "rating-own-team"),
        # an electrician of the same department rates the plumbers' work
        (who("el", Role.reporter, Role.staff, dept="maintenance", team="electricians"), None),
        (who("cook-head", Role.reporter, Role.dept_head, dept="catering"), None),
        # a student whose token names a team (no staff role) is not a worker of it
        (who("stu-2", Role.reporter, team="plumbers"), None),
    ],
)
def test_own_team_refusal(caller: Principal, answer: str | None) -> None:
    assert domain_fix.own_team_refusal(REPORT, caller) == answer


def test_a_report_not_yet_routed_has_no_team_to_protect() -> None:
    unrouted = {"assignees": [], "team_id": None, "department_id": None}
    assert domain_fix.own_team_refusal(unrouted, who("p", Role.staff, team="plumbers")) is None
