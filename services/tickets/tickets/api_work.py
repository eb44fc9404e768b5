"""Workers' and team leads' API (issue 16): the moves a ticket allows the caller now, pauses
waiting for the lead's approval, a team's roster (on duty, on leave), and a worker's own duty and
leave."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from houqin_shared.contracts.tickets import PauseReason
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter, SerialId
from houqin_shared.strict import JsonInt
from houqin_shared.webapp import DbPool
from tickets import directory_events, reading_service, work_service
from tickets.deps import Manager, Reader, Worker
from tickets.domain import Leave
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repo
from tickets.repository import work as work_repo

router = APIRouter(prefix="/v1", tags=["work"])


class PauseRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pause_reason: PauseReason
    pause_days: JsonInt = Field(ge=1, le=30, description="Working days asked for.")
    note: str | None = Field(None, max_length=4000, pattern=PLAIN)


class PauseRequestOut(BaseModel):
    id: uuid.UUID
    ticket_id: uuid.UUID
    team_id: str | None
    asked_by: str
    asked_at: datetime
    pause_reason: str
    pause_days: int
    note: str | None
    state: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


class Allowed(BaseModel):
    ticket_id: uuid.UUID
    status: str
    moves: list[str] = Field(
        description="What the caller may do now: the moves of POST /v1/tickets/{id}/{move}"
        " (accept, on-site, investigate, resolve, pause, resume, cannot-handle, cannot-do),"
        " transfer, reassign, pause-request (a pause longer than a worker may make alone) and"
        " approve-pause."
    )
    pause_request: PauseRequestOut | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=4000, pattern=PLAIN)


class LeaveOut(BaseModel):
    id: int
    start: datetime
    end: datetime
    reason: str | None = None


class Person(BaseModel):
    id: str
    name: str
    roles: list[str] = []
    on_duty: bool
    on_leave: bool = False
    leave: list[LeaveOut] = []


class Roster(BaseModel):
    team_id: str
    people: list[Person]
    pause_requests: list[PauseRequestOut]


class Me(BaseModel):
    id: str
    name: str
    team_id: str | None
    department_id: str | None
    on_duty: bool
    leave: list[LeaveOut]


class DutyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on_duty: StrictBool


@router.get(
    "/tickets/{ticket_id}/allowed",
    response_model=Allowed,
    responses=refusals("ticket-not-found", "ticket-read-forbidden"),
)
async def allowed_now(ticket_id: uuid.UUID, p: Reader, pool: DbPool) -> dict[str, Any]:
    """The moves the ticket allows the caller now (the console's buttons)."""
    async with pool.acquire() as conn:
        t = await repo.get_ticket(conn, ticket_id)
        if t is None:
            raise problem("ticket-not-found", f"no ticket {ticket_id}")
        t = await reading_service.check_read(conn, t, p)
        return await work_service.allowed_now(conn, t, p)


@router.post(
    "/tickets/{ticket_id}/pause-requests",
    status_code=201,
    response_model=PauseRequestOut,
    responses=refusals(
        "ticket-not-found", "ticket-act-forbidden", "ticket-transition-invalid",
        "ticket-action-not-for-track", "pause-request-pending-exists",
    ),
)  # fmt: skip
async def ask_pause(
    ticket_id: uuid.UUID, body: PauseRequestIn, p: Worker, pool: DbPool
) -> dict[str, Any]:
    """Ask the team lead for a pause longer than a worker may make alone; the ticket keeps
    running until the lead approves."""
    async with pool.acquire() as conn, conn.transaction():
        return await work_service.ask_pause(
            conn, ticket_id, p, body.pause_reason, body.pause_days, body.note, datetime.now(UTC)
        )


@router.post(
    "/pause-requests/{request_id}/{decision}",
    response_model=PauseRequestOut,
    responses=refusals(
        "pause-request-not-found", "pause-approve-forbidden", "pause-request-not-pending",
        "ticket-transition-invalid", "ticket-act-forbidden", "ticket-action-not-for-track",
        "pause-too-long",
    ),
)  # fmt: skip
async def decide_pause(
    request_id: uuid.UUID,
    decision: Literal["approve", "refuse"],
    p: Manager,
    pool: DbPool,
    body: DecisionIn | None = None,
) -> dict[str, Any]:
    """The team lead (department head, supervisor) approves the pause as asked, or refuses."""
    async with pool.acquire() as conn, conn.transaction():
        return await work_service.decide_pause(
            conn, request_id, p, decision == "approve", body.note if body else None,
            datetime.now(UTC),
        )  # fmt: skip


@router.get(
    "/work/team",
    response_model=Roster,
    responses=refusals("team-required", "queue-read-forbidden"),
)
async def team_roster(p: Reader, pool: DbPool, team_id: CodeFilter = None) -> dict[str, Any]:
    """A team's people (on duty, on leave now, leave to come) and its pause requests waiting
    for approval: my team's, or another's for its department's head and those who see all."""
    team = team_id or p.team_id
    if team is None:
        raise problem("team-required", "give team_id; your token names no team")
    await reading_service.team_readable(pool, p, team, "roster")
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        people = await work_repo.roster(conn, team, now)
        requests = await work_repo.pending_pauses_of_team(conn, team)
    for person in people:
        person["on_leave"] = any(lv["start"] <= now < lv["end"] for lv in person["leave"])
    return {"team_id": team, "people": people, "pause_requests": requests}


@router.get("/work/me", response_model=Me, responses=refusals("staff-not-found"))
async def read_me(p: Worker, pool: DbPool) -> dict[str, Any]:
    """My duty and my leave that has not ended."""
    async with pool.acquire() as conn:
        return await work_service.me(conn, p, datetime.now(UTC))


@router.put("/work/me/on-duty", response_model=Me, responses=refusals("staff-not-found"))
async def set_my_duty(body: DutyIn, p: Worker, pool: DbPool) -> dict[str, Any]:
    """Mark myself on or off duty (off duty: my posts' backups take new tickets)."""
    async with pool.acquire() as conn, conn.transaction():
        return await work_service.set_my_duty(conn, p, body.on_duty, datetime.now(UTC))


@router.post(
    "/work/me/leave",
    status_code=201,
    response_model=Me,
    responses=refusals("staff-not-found", "validation"),
)
async def add_my_leave(body: Leave, p: Worker, pool: DbPool) -> dict[str, Any]:
    """Ask for leave (start inclusive, end exclusive): recorded at once, so new tickets go to
    my posts' backups then, and shown to my team lead."""
    async with pool.acquire() as conn, conn.transaction():
        await dir_repo.lock(conn)
        me = await work_service.me(conn, p, datetime.now(UTC))
        await dir_repo.add_leave(conn, me["id"], body)
        await directory_events.publish_version(conn)
        return await work_service.me(conn, p, datetime.now(UTC))


@router.delete("/work/me/leave/{leave_id}", status_code=204, responses=refusals("leave-not-found"))
async def delete_my_leave(leave_id: SerialId, p: Worker, pool: DbPool) -> Response:
    async with pool.acquire() as conn, conn.transaction():
        await dir_repo.lock(conn)
        if not await dir_repo.delete_leave(conn, p.subject, leave_id):
            raise problem("leave-not-found", f"no leave {leave_id} of yours")
        await directory_events.publish_version(conn)
    return Response(status_code=204)
