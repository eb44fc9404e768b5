"""Who may see which scores (pure rules).

Leaders, supervisors and admins see everything; a department head sees their department, its
teams and its people; a team lead their team and its people; everyone sees their own score.
Published awards (公示) are public to every signed-in user.
"""

from __future__ import annotations

from dataclasses import dataclass

SEE_ALL = frozenset({"leader", "supervisor", "admin"})


@dataclass(frozen=True)
class Viewer:
    subject: str
    roles: frozenset[str]
    department_id: str | None = None
    team_id: str | None = None

    @property
    def sees_all(self) -> bool:
        return not self.roles.isdisjoint(SEE_ALL)


def can_see(
    viewer: Viewer, unit_type: str, unit_id: str, department_id: str | None, team_id: str | None
) -> bool:
    if viewer.sees_all:
        return True
    if unit_type == "staff" and unit_id == viewer.subject:
        return True
    if "dept_head" in viewer.roles and viewer.department_id:
        return department_id == viewer.department_id
    return (
        "team_lead" in viewer.roles
        and viewer.team_id is not None
        and unit_type in ("team", "staff")
        and team_id == viewer.team_id
    )
