"""The FastAPI dependencies that let a route in by role (the rules of who may do what to which
ticket, team or record are plain functions in `tickets.access`)."""

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
