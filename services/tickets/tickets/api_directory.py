"""Directory HTTP API: import (JSON or YAML), read, and edit duty and leave."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import yaml
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, StrictBool, ValidationError

from houqin_shared.http import field_error
from houqin_shared.openapi import refusals
from houqin_shared.problems import ProblemError, problem
from houqin_shared.route_params import PathName, SerialId
from houqin_shared.webapp import DbPool
from tickets import directory_events
from tickets.access import may_manage
from tickets.calendar_doc import CalendarDoc
from tickets.deps import Admin, Manager, Reader
from tickets.domain import Directory, Leave, staff_from_csv
from tickets.recurring import TicketRules
from tickets.repository import directory as repo
from tickets.repository import policies as policy_repo

router = APIRouter(prefix="/directory", tags=["directory"])
_DOC = {
    "content": {
        "application/json": {"schema": Directory.model_json_schema()},
        "application/yaml": {},
    }
}


def _invalid(slug: str, errors: list[Any]) -> ProblemError:
    return problem(slug, "; ".join(str(e) for e in errors[:20]), errors=errors)


async def _parse(request: Request) -> Directory:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    try:
        if "yaml" in content_type:
            raw = yaml.safe_load(body.decode())
        elif "csv" in content_type:
            raw = {"staff": staff_from_csv(body.decode("utf-8-sig"))}
        else:
            raw = json.loads(body or b"null")
    except (ValueError, yaml.YAMLError) as exc:
        raise problem("directory-unreadable", str(exc)) from exc
    try:
        return Directory.model_validate(raw)
    except ValidationError as exc:
        errs = [field_error(e) for e in exc.errors()]
        raise _invalid("directory-invalid", errs) from exc


@router.put(
    "",
    response_model=Directory,
    openapi_extra={"requestBody": _DOC},
    responses=refusals("directory-invalid", "directory-unreadable", "directory-unresolved"),
)
async def import_directory(request: Request, _: Admin, pool: DbPool) -> Directory:
    """Load or update departments, teams, areas, staff, posts and the responsibility map
    (upsert by id; a JSON or YAML document, or a CSV of staff rows). Emits DirectoryUpdated."""
    doc = await _parse(request)
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        before = await repo.read(conn)
        problems = doc.problems(before)
        if problems:
            raise _invalid("directory-unresolved", problems)
        try:
            await repo.upsert(conn, doc)
        except asyncpg.ForeignKeyViolationError as exc:
            raise problem("directory-unresolved", exc.detail or str(exc)) from exc
        return await directory_events.publish(conn, before)


class SnapshotOut(BaseModel):
    version: int


@router.post("/snapshot", status_code=202, response_model=SnapshotOut)
async def publish_snapshot(_: Admin, pool: DbPool) -> SnapshotOut:
    """Publish the whole directory (DirectoryUpdated pages, the first with `reset`) for readers
    that start afresh or missed a change; the worker also does so every few hours."""
    async with pool.acquire() as conn, conn.transaction():
        return SnapshotOut(version=await directory_events.publish_snapshot(conn))


@router.get("", response_model=Directory)
async def read_directory(_: Reader, pool: DbPool) -> Directory:
    async with pool.acquire() as conn:
        return await repo.read(conn)


class StaffOut(BaseModel):
    id: str
    name: str
    roles: list[str]
    department_id: str | None
    team_id: str | None
    on_duty: bool
    leave: list[dict[str, Any]]


class Duty(BaseModel):
    on_duty: StrictBool


async def _staff_or_404(conn: Any, staff_id: str) -> dict[str, Any]:
    s = await repo.get_staff(conn, staff_id)
    if s is None:
        raise problem("staff-not-found", f"no staff {staff_id}")
    return s


async def _editable(conn: Any, p: Any, staff_id: str) -> None:
    s = await _staff_or_404(conn, staff_id)
    if not may_manage(p, s["team_id"], s["department_id"]):
        raise problem(
            "staff-manage-forbidden", f"you do not manage {staff_id}'s team or department"
        )


@router.get("/staff/{staff_id}", response_model=StaffOut)
async def read_staff(staff_id: PathName, _: Reader, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        s = await _staff_or_404(conn, staff_id)
        return {**s, "leave": await repo.leave_rows(conn, staff_id)}


@router.put("/staff/{staff_id}/on-duty", response_model=StaffOut)
async def set_on_duty(staff_id: PathName, body: Duty, p: Manager, pool: DbPool) -> dict[str, Any]:
    """Put someone on or off duty (off duty: their posts' backups take new tickets)."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        await _editable(conn, p, staff_id)
        await repo.set_on_duty(conn, staff_id, body.on_duty)
        await directory_events.publish_version(conn)
        s = await _staff_or_404(conn, staff_id)
        return {**s, "leave": await repo.leave_rows(conn, staff_id)}


@router.post(
    "/staff/{staff_id}/leave",
    status_code=201,
    responses=refusals("validation"),  # leave_reversed
)
async def add_leave(staff_id: PathName, body: Leave, p: Manager, pool: DbPool) -> dict[str, Any]:
    """Record a leave period (start inclusive, end exclusive)."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        await _editable(conn, p, staff_id)
        leave_id = await repo.add_leave(conn, staff_id, body)
        await directory_events.publish_version(conn)
    return {"id": leave_id, **body.model_dump(mode="json")}


@router.delete("/staff/{staff_id}/leave/{leave_id}", status_code=204)
async def delete_leave(
    staff_id: PathName, leave_id: SerialId, p: Manager, pool: DbPool
) -> Response:
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        await _editable(conn, p, staff_id)
        if not await repo.delete_leave(conn, staff_id, leave_id):
            raise problem("leave-not-found", f"no leave {leave_id} for {staff_id}")
        await directory_events.publish_version(conn)
    return Response(status_code=204)


@router.put(
    "/calendar",
    response_model=CalendarDoc,
    responses=refusals("validation"),  # working_hours_invalid, calendar_empty ...
)
async def put_calendar(body: CalendarDoc, _: Admin, pool: DbPool) -> CalendarDoc:
    """The working calendar (hours, weekdays, holidays, make-up days, vacations) time limits
    count on; due times of tickets opened or resumed from now on follow it."""
    async with pool.acquire() as conn, conn.transaction():
        await policy_repo.put_calendar(conn, body)
        return await policy_repo.get_calendar(conn)


@router.get("/calendar", response_model=CalendarDoc)
async def get_calendar(_: Reader, pool: DbPool) -> CalendarDoc:
    async with pool.acquire() as conn:
        return await policy_repo.get_calendar(conn)


@router.put(
    "/rules",
    response_model=TicketRules,
    responses=refusals("validation"),  # limits_shrink, urgency_repeated
)
async def put_rules(body: TicketRules, _: Admin, pool: DbPool) -> TicketRules:
    """Service rules: when a place and category count as a recurring problem (N in D days)."""
    async with pool.acquire() as conn, conn.transaction():
        await policy_repo.put_rules(conn, body)
        return await policy_repo.get_rules(conn)


@router.get("/rules", response_model=TicketRules)
async def get_rules(_: Reader, pool: DbPool) -> TicketRules:
    async with pool.acquire() as conn:
        return await policy_repo.get_rules(conn)
