"""Tickets HTTP API: reading tickets, lifecycle moves, transfers, audit and queues."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.convertors import Convertor, register_url_convertor

from houqin_shared.contracts import Location
from houqin_shared.contracts.tickets import ComplaintOutcome, PauseReason, Track
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN
from houqin_shared.problems import problem
from houqin_shared.strict import STRICT_INT
from houqin_shared.webapp import DbPool
from tickets import (
    assign_service,
    decisions,
    lifecycle_service,
    reading_service,
    transfers_service,
)
from tickets.deps import Manager, Reader, Worker
from tickets.domain import CODE
from tickets.lifecycle import Action
from tickets.repository import tickets as repository
from tickets.repository import transfers as tr_repo
from tickets.rows import TicketRow, TransferRow

router = APIRouter(prefix="/v1")


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
    assignee_id: str | None = None
    assigned_via: str | None = None
    accept_due_at: datetime | None = None
    arrive_due_at: datetime | None = None
    finish_due_at: datetime | None = None
    accepted_at: datetime | None = None
    arrived_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    paused_at: datetime | None = None
    transfer_count: int = 0
    track: Track = "repair"
    outcome: ComplaintOutcome | None = None
    closed_as: str | None = None
    reason_accepted_by: str | None = None
    pause_reason: PauseReason | None = None
    pause_until: datetime | None = None
    merged_into: uuid.UUID | None = Field(
        None, description="closed_as duplicate: the primary report's ticket, worked for both."
    )


class Move(BaseModel):
    note: str | None = Field(
        None,
        max_length=4000,
        pattern=PLAIN,
        description="Public reply, explanation or reason (a complaint's investigation findings"
        " are kept for staff).",
    )
    outcome: ComplaintOutcome | None = Field(
        None, description="Resolving a complaint: upheld, partly_upheld or not_upheld (required)."
    )
    pause_reason: PauseReason | None = Field(
        None,
        description="Pausing (required): waiting_parts 等待配件, reporter_absent 报修人不在 or"
        " outside_contractor 外包单位处理.",
    )
    pause_days: Annotated[int, Field(ge=1, le=30), STRICT_INT] | None = Field(
        None,
        description="Pausing: working days (default and most for a worker: the rules'"
        " pause_max_days; longer only by the team lead, department head or a supervisor).",
    )


class TransferIn(BaseModel):
    to_team_id: str | None = Field(None, max_length=64, pattern=CODE)
    to_department_id: str | None = Field(None, max_length=64, pattern=CODE)
    reason: str = Field(min_length=1, max_length=4000, pattern=PLAIN)


class Decision(BaseModel):
    note: str | None = Field(None, max_length=4000, pattern=PLAIN)


class AssignIn(BaseModel):
    assignee_id: str = Field(min_length=1, max_length=64, pattern=CODE)


@router.get("/tickets/by-report/{report_id}", tags=["tickets"], response_model=TicketOut)
async def ticket_of_report(report_id: uuid.UUID, p: Reader, pool: DbPool) -> TicketRow:
    async with pool.acquire() as conn:
        row = await repository.find_ticket_by_report(conn, report_id)
        if row is None:
            raise problem("ticket-not-found", f"no ticket for report {report_id} (yet)")
        return await reading_service.check_read(conn, row, p)


@router.get("/tickets/{ticket_id}", tags=["tickets"], response_model=TicketOut)
async def read_ticket(ticket_id: uuid.UUID, p: Reader, pool: DbPool) -> TicketRow:
    async with pool.acquire() as conn:
        return await reading_service.readable(conn, ticket_id, p)


@router.get("/tickets/{ticket_id}/actions", tags=["tickets"])
async def ticket_actions(ticket_id: uuid.UUID, p: Reader, pool: DbPool) -> list[dict[str, Any]]:
    """The audit trail: who did what, when."""
    async with pool.acquire() as conn:
        await reading_service.readable(conn, ticket_id, p)
        return await repository.actions_of(conn, ticket_id)


@router.post(
    "/tickets/{ticket_id}/assign",
    tags=["tickets"],
    response_model=TicketOut,
    responses=refusals(
        "staff-unknown",
        "complaint-kept-from-team",
        "assignee-in-another-department",
        "ticket-not-reassignable",
    ),
)
async def assign_ticket(
    ticket_id: uuid.UUID, body: AssignIn, p: Manager, pool: DbPool
) -> TicketRow:
    async with pool.acquire() as conn, conn.transaction():
        return await assign_service.assign(conn, ticket_id, p, body.assignee_id, datetime.now(UTC))


@router.post(
    "/tickets/{ticket_id}/transfers",
    tags=["transfers"],
    status_code=201,
    responses=refusals(
        "transfer-destination-required",
        "transfer-reason-required",
        "unit-unknown",
        "complaint-kept-from-team",
        "ticket-not-transferable",
        "transfer-same-place",
        "transfer-pending-exists",
    ),
)
async def request_transfer(
    ticket_id: uuid.UUID, body: TransferIn, p: Worker, pool: DbPool
) -> TransferRow:
    """Ask another team or department to take the ticket; it must accept or reject."""
    if not (body.to_team_id or body.to_department_id):
        raise problem("transfer-destination-required", "give to_team_id or to_department_id")
    async with pool.acquire() as conn, conn.transaction():
        return await transfers_service.request(
            conn,
            ticket_id,
            p,
            body.to_team_id,
            body.to_department_id,
            body.reason,
            datetime.now(UTC),
        )


@router.get("/tickets/{ticket_id}/transfers", tags=["transfers"])
async def transfers_of(ticket_id: uuid.UUID, p: Reader, pool: DbPool) -> list[TransferRow]:
    async with pool.acquire() as conn:
        await reading_service.readable(conn, ticket_id, p)
        return await tr_repo.of_ticket(conn, ticket_id)


@router.post("/transfers/{transfer_id}/{decision}", tags=["transfers"])
async def decide_transfer(
    transfer_id: uuid.UUID,
    decision: Literal["accept", "reject"],
    p: Manager,
    pool: DbPool,
    body: Decision | None = None,
) -> dict[str, Any]:
    """The receiving team's lead (or department's head, or a supervisor) accepts or rejects."""
    async with pool.acquire() as conn, conn.transaction():
        return await transfers_service.decide(
            conn, transfer_id, p, decision, body.note if body else None, datetime.now(UTC)
        )


_ACTIONS: dict[str, Action] = {
    "accept": "accept",
    "on-site": "on_site",
    "investigate": "investigate",
    "resolve": "resolve",
    "cannot-handle": "cannot_handle",
    "pause": "pause",
    "resume": "resume",
    "cannot-do": "cannot_do",
}


class _MoveConvertor(Convertor[str]):
    """Only a move matches `{move}` (and only an id `{ticket_id}`), so a POST to another
    resource of a ticket (`/actions`, `/tickets/by-report/...`) is 405 there, not a 422 here."""

    regex = "|".join(re.escape(move) for move in _ACTIONS)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("ticket_move", _MoveConvertor())


@router.post(
    "/tickets/{ticket_id:uuid}/{move:ticket_move}",
    tags=["tickets"],
    response_model=TicketOut,
    responses=refusals(
        "ticket-note-required",
        "ticket-transition-invalid",
        "complaint-outcome-required",
        "ticket-outcome-not-for-track",
        "ticket-action-not-for-track",
        "ticket-act-forbidden",
        "ticket-decide-forbidden",
        "pause-reason-required",
        "pause-too-long",
    ),
)
async def move_ticket(
    ticket_id: uuid.UUID,
    move: Literal[
        "accept",
        "on-site",
        "investigate",
        "resolve",
        "cannot-handle",
        "pause",
        "resume",
        "cannot-do",
    ],
    p: Worker,
    pool: DbPool,
    body: Move | None = None,
) -> TicketRow:
    """accept, on-site, resolve (public reply in `note`), cannot-handle (explanation in `note`,
    reported to the superior, chased until decided), pause (`pause_reason` from the list and
    `pause_days` within the rules; the clock stops until the pause runs out), resume,
    cannot-do (the team lead, department head or a supervisor closes a cannot_handle ticket as
    cannot be done, 不能办理, with the reason the reporter sees; it counts late). A complaint
    is accepted (acknowledged), investigated (findings in `note`) and resolved with an
    `outcome` and the reply; a suggestion or consultation is resolved with the reply; neither
    goes on site nor pauses (409 ticket-action-not-for-track). An invalid move is 409 and
    changes nothing."""
    b = body or Move()
    async with pool.acquire() as conn, conn.transaction():
        return await lifecycle_service.act(
            conn,
            ticket_id,
            p,
            _ACTIONS[move],
            b.note,
            datetime.now(UTC),
            b.outcome,
            b.pause_reason,
            b.pause_days,
        )


@router.post(
    "/tickets/{ticket_id}/accept-reason",
    tags=["tickets"],
    response_model=TicketOut,
    responses=refusals(
        "reason-accept-supervisors-only", "ticket-not-cannot-be-done", "ticket-reason-accepted"
    ),
)
async def accept_reason(
    ticket_id: uuid.UUID, p: Worker, pool: DbPool, body: Decision | None = None
) -> TicketRow:
    """A quality supervisor accepts why a ticket could not be done (不能办理): its finish stage
    then counts as on time (a TicketStatusChanged correction with on_time true)."""
    async with pool.acquire() as conn, conn.transaction():
        return await decisions.accept_reason(
            conn, ticket_id, p, body.note if body else None, datetime.now(UTC)
        )
