"""The FastAPI dependencies that let a scoring route in by role (who may see which score is the
plain rule `scoring.domain_access.can_see`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from houqin_shared.identity import Principal, Role, require_roles

Leadership = Annotated[Principal, Depends(require_roles(Role.leader, Role.admin))]
Signatory = Annotated[
    Principal,
    Depends(
        require_roles(Role.team_lead, Role.dept_head, Role.leader, Role.supervisor, Role.admin)
    ),
]
