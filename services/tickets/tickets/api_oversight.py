"""Oversight for the console's supervisors (issue 17): the 超时督办 board (warnings and levels 1-3
by department, team and person), chasing a ticket with a note (督办, kept in its audit trail),
and the reusable inspection checklists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from houqin_shared import outbox
from houqin_shared.contracts import TicketChased
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter
from houqin_shared.webapp import DbPool
from tickets.access import may_manage, sees_everything
from tickets.deps import Reader
from tickets.repository import oversight as repo
from tickets.repository import tickets as tickets_repo
from tickets.rows import TicketRow

router = APIRouter()
Chaser = Annotated[
    Principal,
    Depends(require_roles(Role.team_lead, Role.dept_head, Role.supervisor, Role.leader)),
]
DONE = frozenset({"resolved", "closed"})


class ChaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(
        min_length=1, max_length=2000, pattern=PLAIN, description="What is asked, and by when."
    )


def board_scope(
    p: Principal, department_id: str | None, team_id: str | None
) -> tuple[str | None, str | None]:
    """The department and team a reader's board is limited to; 403 for another's board."""
    if sees_everything(p):
        return department_id, team_id
    if p.has_any(Role.dept_head) and p.department_id:
        if department_id not in (None, p.department_id):
            raise problem("overdue-read-forbidden", "a department head sees their own department")
        return p.department_id, team_id
    if p.has_any(Role.team_lead) and p.team_id:
        if team_id not in (None, p.team_id) or department_id not in (None, p.department_id):
            raise problem("overdue-read-forbidden", "a team lead sees their own team")
        return None, p.team_id
    raise problem(
        "overdue-read-forbidden",
        "the overdue board is for supervisors, leaders, department heads and team leads",
    )


@router.get("/overdue-board", tags=["queues"], responses=refusals("overdue-read-forbidden"))
async def overdue_board(
    p: Reader,
    pool: DbPool,
    department_id: CodeFilter = None,
    team_id: CodeFilter = None,
    assignee_id: CodeFilter = None,
    level: Annotated[int | None, Query(ge=0, le=3, description="0: the warning")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> dict[str, Any]:
    """Open tickets with a warning (level 0) or an escalation level 1-3 fired on their current
    stage, highest level first, with the counts per department, team and person. Supervisors,
    leaders and admins see all; a department head their department; a team lead their team."""
    department, team = board_scope(p, department_id, team_id)
    async with pool.acquire() as conn:
        board = await repo.overdue_board(conn, department, team, assignee_id, level, limit)
    return {**board, "department_id": department, "team_id": team}


@router.post(
    "/tickets/{ticket_id}/chase",
    tags=["tickets"],
    status_code=201,
    responses=refusals("ticket-not-found", "ticket-act-forbidden", "ticket-transition-invalid"),
)
async def chase(ticket_id: uuid.UUID, body: ChaseIn, p: Chaser, pool: DbPool) -> dict[str, Any]:
    """督办: a note to those working on the ticket, kept in its audit trail with the level it
    had and sent to its assignee and team lead (TicketChased, in the same transaction); by its
    lead, head, a supervisor or a leader; not a closed or resolved ticket."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        t = await tickets_repo.get_ticket(conn, ticket_id, lock=True)
        if t is None:
            raise problem("ticket-not-found", f"no ticket {ticket_id}")
        if not (p.has_any(Role.leader) or may_manage(p, t["team_id"], t["department_id"])):
            raise problem("ticket-act-forbidden", "you may chase your own team's or department's")
        if t["status"] in DONE:
            raise problem("ticket-transition-invalid", f"the ticket is {t['status']}")
        level = await repo.current_level(conn, ticket_id, t["cycle"])
        note = body.note.strip()
        await repo.add_chase(conn, ticket_id, now, p.subject, note, level, t["status"])
        await outbox.add(conn, chased(t, note, p.subject, level, now))
        chases = await repo.chases(conn, ticket_id)
    return {"ticket_id": ticket_id, "level": level, "chased_at": now, "chases": chases}


def chased(t: TicketRow, note: str, by: str, level: int | None, now: datetime) -> TicketChased:
    return TicketChased(
        ticket_id=t["id"], report_id=t["report_id"], tracking_no=t["tracking_no"], note=note,
        chased_by=by, level=level if level and 1 <= level <= 3 else None, status=t["status"],
        department_id=t["department_id"], team_id=t["team_id"], assignee_id=t["assignee_id"],
        chased_at=now,
    )  # fmt: skip


@router.get("/inspection-templates", tags=["inspections"])
async def inspection_templates(_: Reader, pool: DbPool) -> list[dict[str, Any]]:
    """The reusable checklists (name in both languages, items with their full marks)."""
    async with pool.acquire() as conn:
        return await repo.templates(conn)
