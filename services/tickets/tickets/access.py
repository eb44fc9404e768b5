"""Who may do what (no I/O): staff their own work, leads their team's, heads their department's,
supervisors everything; admins keep the directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from houqin_shared.identity import Principal, Role, require_roles

Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.staff, Role.team_lead, Role.dept_head, Role.supervisor, Role.leader, Role.admin
        )
    ),
]
Worker = Annotated[
    Principal,
    Depends(require_roles(Role.staff, Role.team_lead, Role.dept_head, Role.supervisor)),
]
Manager = Annotated[
    Principal, Depends(require_roles(Role.team_lead, Role.dept_head, Role.supervisor, Role.admin))
]


def may_manage(p: Principal, team_id: str | None, department_id: str | None) -> bool:
    """Leads manage their team, heads their department, supervisors and admins everything."""
    if p.has_any(Role.supervisor, Role.admin):
        return True
    if p.has_any(Role.team_lead) and team_id is not None and p.team_id == team_id:
        return True
    return (
        p.has_any(Role.dept_head) and department_id is not None and p.department_id == department_id
    )


def may_act(
    p: Principal, assignee_id: str | None, team_id: str | None, department_id: str | None
) -> bool:
    """On a ticket: its assignee, or whoever manages its team or department (not admins)."""
    if p.has_any(Role.supervisor):
        return True
    if (
        assignee_id is not None
        and p.subject == assignee_id
        and p.has_any(Role.staff, Role.team_lead)
    ):
        return True
    if p.has_any(Role.team_lead) and team_id is not None and p.team_id == team_id:
        return True
    return (
        p.has_any(Role.dept_head) and department_id is not None and p.department_id == department_id
    )
