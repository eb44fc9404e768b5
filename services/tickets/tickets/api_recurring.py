"""Recurring problems (重复问题) HTTP API: the list a team lead, department head or quality
supervisor reviews, and their acknowledgement of what is being done about one (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN
from houqin_shared.problems import problem
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool
from tickets.access import may_manage
from tickets.repository import recurring as repo

router = APIRouter(prefix="/recurring-problems", tags=["recurring problems"])
Reviewer = Annotated[
    Principal,
    Depends(
        require_roles(Role.team_lead, Role.dept_head, Role.supervisor, Role.leader, Role.admin)
    ),
]


class RecurringOut(BaseModel):
    problem_id: str = Field(description="The category and place, e.g. plumbing@north/dorm-7/3/312.")
    category: str | None
    location: dict[str, Any] | None
    building_name: str | None
    department_id: str | None
    department_name: str | None
    team_id: str | None
    team_name: str | None
    ticket_ids: list[UUID]
    count: int = Field(description="Tickets there within the window at the last detection.")
    detections: int = Field(description="How many times it was detected (came back).")
    first_detected_at: datetime | None
    last_detected_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str | None


class AcknowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem_id: str = Field(min_length=3, max_length=600, pattern=PLAIN)
    note: str = Field(
        min_length=2,
        max_length=2000,
        pattern=PLAIN,
        description="What is being done so it stops coming back.",
    )


def scope(p: Principal) -> tuple[str | None, str | None]:
    """The department and team whose problems `p` reviews (None: every one)."""
    if p.has_any(Role.supervisor, Role.leader, Role.admin):
        return None, None
    if p.has_any(Role.dept_head):
        return p.department_id or "", None
    return None, p.team_id or ""


def may_acknowledge(p: Principal, team_id: str | None, department_id: str | None) -> bool:
    """The team's lead, the department's head or a supervisor (admins keep the directory)."""
    if p.has_any(Role.admin) and not p.has_any(Role.supervisor):
        return False
    return may_manage(p, team_id, department_id)


@router.get("", response_model=list[RecurringOut])
async def list_recurring(
    p: Reviewer,
    pool: DbPool,
    open_only: Annotated[QueryBool, Query(description="Only those not acknowledged yet.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[dict[str, Any]]:
    """Newest first: supervisors, leaders and admins see all; a department head their
    department's; a team lead their team's."""
    department_id, team_id = scope(p)
    async with pool.acquire() as conn:
        return await repo.listing(conn, department_id, team_id, open_only, limit, offset)


@router.post(
    "/acknowledge",
    response_model=RecurringOut,
    responses=refusals(
        "recurring-problem-not-found",
        "recurring-problem-forbidden",
        "recurring-problem-acknowledged",
    ),
)
async def acknowledge(body: AcknowledgeIn, p: Reviewer, pool: DbPool) -> dict[str, Any]:
    """The team's lead, the department's head or a supervisor says what is being done. It
    stays acknowledged until the problem is detected again."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.get(conn, body.problem_id, for_update=True)
        if row is None:
            raise problem("recurring-problem-not-found")
        if not may_acknowledge(p, row["team_id"], row["department_id"]):
            raise problem("recurring-problem-forbidden")
        if row["acknowledged_at"] is not None:
            raise problem("recurring-problem-acknowledged")
        await repo.acknowledge(conn, body.problem_id, p.subject, body.note, datetime.now(UTC))
        found = await repo.get(conn, body.problem_id)
    assert found is not None
    return found
