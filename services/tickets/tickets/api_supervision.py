"""Inspections and incidents HTTP API (quality supervisors)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN, Instant
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter
from houqin_shared.webapp import DbPool
from tickets import sla_service
from tickets import supervision_service as svc
from tickets.access import may_read_unit_record, read_scope
from tickets.deps import Reader
from tickets.repository import supervision as repo

router = APIRouter()
Supervisor = Annotated[Principal, Depends(require_roles(Role.supervisor))]
Judge = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader))]
Unit = Annotated[Principal, Depends(require_roles(Role.staff, Role.team_lead, Role.dept_head))]


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, pattern=PLAIN)


@router.post(
    "/inspections",
    tags=["inspections"],
    status_code=201,
    responses=refusals(
        "validation", "unit-unknown", "staff-unknown", "deadline-past", "deadline-timezone-required"
    ),
)
async def record_inspection(body: svc.InspectionIn, p: Supervisor, pool: DbPool) -> dict[str, Any]:
    """A scored checklist of a team or department; each finding becomes a rectification item."""
    async with pool.acquire() as conn, conn.transaction():
        cal = await sla_service.calendar(conn)
        return await svc.record_inspection(conn, body, p, datetime.now(UTC), cal)


@router.get("/inspections", tags=["inspections"])
async def list_inspections(
    p: Reader,
    pool: DbPool,
    unit_id: CodeFilter = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[dict[str, Any]]:
    """The inspections the caller may read: all for supervisors, leaders and admins; a head
    their department's, a lead their team's, anyone those about themselves."""
    async with pool.acquire() as conn:
        return await repo.inspections(conn, unit_id, limit, offset, read_scope(p))


@router.get("/inspections/{inspection_id}", tags=["inspections"])
async def read_inspection(inspection_id: uuid.UUID, p: Reader, pool: DbPool) -> dict[str, Any]:
    """One inspection, if the caller may read it (else as if it did not exist)."""
    async with pool.acquire() as conn:
        x = await repo.get_inspection(conn, inspection_id)
    if x is None or not may_read_unit_record(p, x):
        raise problem("inspection-not-found", f"no inspection {inspection_id}")
    return x


@router.post(
    "/incidents",
    tags=["incidents"],
    status_code=201,
    responses=refusals("validation", "unit-unknown", "incident-in-future"),
)
async def verify_incident(body: svc.IncidentIn, p: Supervisor, pool: DbPool) -> dict[str, Any]:
    """A verified service-quality or safety incident, with evidence (the one-vote veto)."""
    async with pool.acquire() as conn, conn.transaction():
        return await svc.verify_incident(conn, body, p, datetime.now(UTC))


@router.get("/incidents", tags=["incidents"])
async def list_incidents(
    p: Reader,
    pool: DbPool,
    unit_id: CodeFilter = None,
    status: CodeFilter = None,
    since: Instant | None = None,
) -> list[dict[str, Any]]:
    """The incidents the caller may read, scoped as inspections are."""
    async with pool.acquire() as conn:
        return await repo.incidents(conn, unit_id, status, since, read_scope(p))


@router.post("/incidents/{incident_id}/appeal", tags=["incidents"])
async def appeal_incident(
    incident_id: uuid.UUID, body: ReasonIn, p: Unit, pool: DbPool
) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction():
        return await svc.appeal(conn, incident_id, p, body.reason, datetime.now(UTC))


@router.post("/incidents/{incident_id}/overturn", tags=["incidents"])
async def overturn_incident(
    incident_id: uuid.UUID, body: ReasonIn, p: Judge, pool: DbPool
) -> dict[str, Any]:
    """The appeal succeeds: the veto is lifted (IncidentOverturned)."""
    async with pool.acquire() as conn, conn.transaction():
        return await svc.decide_appeal(conn, incident_id, p, True, body.reason, datetime.now(UTC))


@router.post("/incidents/{incident_id}/uphold", tags=["incidents"])
async def uphold_incident(
    incident_id: uuid.UUID, body: ReasonIn, p: Judge, pool: DbPool
) -> dict[str, Any]:
    """The appeal fails: the incident stands."""
    async with pool.acquire() as conn, conn.transaction():
        return await svc.decide_appeal(conn, incident_id, p, False, body.reason, datetime.now(UTC))
