"""Rectification HTTP API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, StrictBool

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN, Instant
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter
from houqin_shared.webapp import DbPool
from tickets import rectification_service as svc
from tickets import sla_service
from tickets.access import (
    may_read_department,
    may_read_rectification,
    may_read_team,
    read_scope,
)
from tickets.deps import Reader, Worker
from tickets.repository import directory as dir_repo
from tickets.repository import rectifications as repo

router = APIRouter(prefix="/rectifications", tags=["rectifications"])
Raiser = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader, Role.dept_head))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.supervisor))]


class NoteIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000, pattern=PLAIN)


class DecisionIn(BaseModel):
    passed: StrictBool
    reason: str | None = Field(None, max_length=4000, pattern=PLAIN)
    new_deadline: Instant | None = None


@router.post(
    "",
    status_code=201,
    responses=refusals(
        "unit-required",
        "unit-unknown",
        "staff-unknown",
        "deadline-past",
        "deadline-timezone-required",
    ),
)
async def open_item(body: svc.RectificationIn, p: Raiser, pool: DbPool) -> dict[str, Any]:
    """Raise an item (supervisors, leaders; department heads for their own department)."""
    if not p.has_any(Role.supervisor, Role.leader) and body.department_id not in (
        None,
        p.department_id,
    ):
        raise problem(
            "rectification-own-department", "department heads raise items for their own department"
        )
    async with pool.acquire() as conn, conn.transaction():
        cal = await sla_service.calendar(conn)
        if not p.has_any(Role.supervisor, Role.leader) and body.department_id is None:
            body = body.model_copy(update={"department_id": p.department_id})
        return await svc.open_item(conn, body, p.subject, datetime.now(UTC), cal)


@router.get("")
async def list_items(
    p: Reader,
    pool: DbPool,
    status: CodeFilter = None,
    department_id: CodeFilter = None,
    team_id: CodeFilter = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """The items I may read (supervisors, leaders and admins: all; a head: the department's; a
    lead: the team's; anyone: those they are responsible for). Naming another unit is 403."""
    if department_id and not may_read_department(p, department_id):
        raise problem(
            "rectification-list-forbidden", "you may list your own department's rectification items"
        )
    async with pool.acquire() as conn:
        team_department = (
            await dir_repo.department_of_team(conn, team_id)
            if team_id and not may_read_team(p, team_id, None)
            else None
        )
        if team_id and not may_read_team(p, team_id, team_department):
            raise problem(
                "rectification-list-forbidden",
                "you may list your own team's (or department's) items",
            )
        items, total = await repo.page(
            conn, status, department_id, team_id, limit, offset, read_scope(p)
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/{item_id}")
async def read_item(item_id: uuid.UUID, p: Reader, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        item = await repo.get(conn, item_id)
        if item is None:
            raise problem("rectification-not-found", f"no rectification item {item_id}")
        if not may_read_rectification(
            p, item["responsible_id"], item["team_id"], item["department_id"]
        ):
            raise problem(
                "rectification-read-forbidden",
                "only the responsible person, their lead or head, a supervisor or a leader may"
                " read this item",
            )
        return {**item, "notes": await repo.notes(conn, item_id)}


@router.post("/{item_id}/notes", status_code=201)
async def add_note(item_id: uuid.UUID, body: NoteIn, p: Worker, pool: DbPool) -> dict[str, Any]:
    """A progress note by the responsible person (or their lead, head, or a supervisor)."""
    async with pool.acquire() as conn, conn.transaction():
        await svc.note(conn, item_id, p, body.note, datetime.now(UTC))
        return {"item_id": item_id, "notes": await repo.notes(conn, item_id)}


@router.post(
    "/{item_id}/acceptance",
    responses=refusals("acceptance-reason-required", "deadline-past", "deadline-timezone-required"),
)
async def acceptance(
    item_id: uuid.UUID, body: DecisionIn, p: Supervisor, pool: DbPool
) -> dict[str, Any]:
    """验收: pass, or fail with a reason and a new deadline (the item reopens)."""
    async with pool.acquire() as conn, conn.transaction():
        cal = await sla_service.calendar(conn)
        return await svc.decide(
            conn, item_id, p, body.passed, body.reason, body.new_deadline, datetime.now(UTC), cal
        )
