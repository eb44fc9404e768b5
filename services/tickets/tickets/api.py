"""Tickets HTTP API: the directory (as data) and reading tickets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from houqin_shared.contracts import Location
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.problems import ProblemError, not_found
from houqin_shared.webapp import DbPool
from tickets import repository
from tickets.domain import Directory

router = APIRouter(prefix="/v1")
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Reader = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.staff, Role.team_lead, Role.dept_head, Role.supervisor, Role.leader, Role.admin
        )
    ),
]


class TicketOut(BaseModel):
    id: uuid.UUID
    report_id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    urgency: str
    location: Location
    description: str
    status: str
    department_id: str | None
    team_id: str | None
    opened_at: datetime


@router.put("/directory", tags=["directory"], response_model=Directory)
async def import_directory(doc: Directory, _: Admin, pool: DbPool) -> Directory:
    """Load or update departments, teams and areas (upsert by id)."""
    problems = doc.problems()
    if problems:
        raise ProblemError(
            422, "Directory does not resolve", "; ".join(problems[:20]), errors=problems
        )
    async with pool.acquire() as conn, conn.transaction():
        try:
            await repository.upsert_directory(conn, doc)
        except asyncpg.ForeignKeyViolationError as exc:
            raise ProblemError(422, "Directory does not resolve", exc.detail or str(exc)) from exc
        return await repository.read_directory(conn)


@router.get("/directory", tags=["directory"], response_model=Directory)
async def read_directory(_: Reader, pool: DbPool) -> Directory:
    async with pool.acquire() as conn:
        return await repository.read_directory(conn)


@router.get("/tickets", tags=["tickets"], response_model=list[TicketOut])
async def list_tickets(
    _: Reader,
    pool: DbPool,
    team_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repository.list_tickets(conn, team_id, limit, offset)


@router.get("/tickets/by-report/{report_id}", tags=["tickets"], response_model=TicketOut)
async def ticket_of_report(report_id: uuid.UUID, _: Reader, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await repository.find_ticket_by_report(conn, report_id)
    if row is None:
        raise not_found(f"no ticket for report {report_id} (yet)")
    return row


@router.get("/tickets/{ticket_id}", tags=["tickets"], response_model=TicketOut)
async def read_ticket(ticket_id: uuid.UUID, _: Reader, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await repository.get_ticket(conn, ticket_id)
    if row is None:
        raise not_found(f"no ticket {ticket_id}")
    return row
