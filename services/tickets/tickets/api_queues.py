"""Queues: my tickets, my team's, a supervisor's overdue list; filters, counts and paging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel

from houqin_shared.identity import Role
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter
from houqin_shared.webapp import DbPool
from tickets import reading_service
from tickets.access import read_scope
from tickets.deps import Reader
from tickets.repository import tickets as repo
from tickets.repository import transfers as tr_repo
from tickets.rows import TransferRow

router = APIRouter(tags=["queues"])
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
TicketStatus = Literal[
    "new", "assigned", "accepted", "on_site", "paused", "reopened", "resolved", "closed",
    "cannot_handle",
]  # fmt: skip
Statuses = Annotated[list[TicketStatus] | None, Query(max_length=10)]
IfNoneMatch = Annotated[
    str | None,
    Header(max_length=1000, description="ETags of pages already held: 304 if one is current"),
]
CONDITIONAL: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"ETag": {
        "description": "This page of the queue: changes with the queue's version (any ticket"
        " joining, leaving or written to, on this page or not) and with limit and offset",
        "schema": {"type": "string"},
    }}},
    304: {"description": "Not modified (If-None-Match named the current ETag, which this answer"
          " carries): the page held is still the queue's"},
}  # fmt: skip


class QueueFilter:
    """The filters every queue takes: statuses, category and urgency (query parameters)."""

    def __init__(
        self, status: Statuses = None, category: CodeFilter = None, urgency: CodeFilter = None
    ) -> None:
        self.statuses = status
        self.category = category
        self.urgency = urgency

    def of(self) -> dict[str, Any]:
        """The filters as the repository's keyword arguments."""
        return {"statuses": self.statuses, "category": self.category, "urgency": self.urgency}


class Paging:
    """Which page of a queue: at most `limit` tickets from `offset` on (query parameters)."""

    def __init__(self, limit: Limit = 50, offset: Offset = 0) -> None:
        self.limit = limit
        self.offset = offset


Filters = Annotated[QueueFilter, Depends()]
Paged = Annotated[Paging, Depends()]


class Version(BaseModel):
    """A queue summed up: `version` changes whenever what the queue lists could have changed
    (a ticket joins, leaves or is written to); `total` is how many tickets it matches."""

    version: str
    total: int


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    counts: dict[str, int]
    limit: int
    offset: int


async def _page(pool: Any, paging: Paging, **filters: Any) -> dict[str, Any]:
    limit, offset = paging.limit, paging.offset
    async with pool.acquire() as conn:
        items, counts = await repo.queue(conn, limit=limit, offset=offset, **filters)
    return {
        "items": items,
        "total": sum(counts.values()),
        "counts": counts,
        "limit": limit,
        "offset": offset,
    }


def _held(if_none_match: str | None) -> set[str]:
    """The ETags an If-None-Match names (weak ones compared as strong: the page is the same)."""
    return {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",") if t.strip()}


async def _queue_page(
    pool: Any, response: Response, if_none_match: str | None, paging: Paging, **filters: Any
) -> dict[str, Any] | Response:
    """One page of one assignee's or team's queue with its ETag (the whole queue's version,
    the page's limit and offset), read in one snapshot; 304 and no body while the page held
    (If-None-Match) is current, so a poll that finds nothing new costs one indexed query."""
    limit, offset = paging.limit, paging.offset
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        version, _ = await repo.queue_version(conn, **filters)
        etag = f'"{version}.{limit}.{offset}"'
        held = _held(if_none_match)
        if etag in held or "*" in held:
            return Response(status_code=304, headers={"ETag": etag})
        items, counts = await repo.queue(conn, limit=limit, offset=offset, **filters)
    response.headers["ETag"] = etag
    total = sum(counts.values())
    return {"items": items, "total": total, "counts": counts, "limit": limit, "offset": offset}


async def _readable_team(pool: Any, p: Any, team_id: str | None) -> str:
    """The team whose queue is asked for (the caller's own by default), if they may read it."""
    team = team_id or p.team_id
    if team is None:
        raise problem("team-required", "give team_id; your token names no team")
    await reading_service.team_readable(pool, p, team, "queue")
    return str(team)


@router.get("/queues/mine", response_model=Page, responses=CONDITIONAL)
async def my_queue(
    p: Reader,
    pool: DbPool,
    response: Response,
    filters: Filters,
    paging: Paged,
    if_none_match: IfNoneMatch = None,
) -> dict[str, Any] | Response:
    """Tickets assigned to me (most urgent due time first); conditional (ETag, If-None-Match)."""
    held = if_none_match
    return await _queue_page(pool, response, held, paging, assignee_id=p.subject, **filters.of())


@router.get(
    "/queues/team",
    response_model=Page,
    responses={**CONDITIONAL, **refusals("team-required", "queue-read-forbidden")},
)
async def team_queue(
    p: Reader,
    pool: DbPool,
    response: Response,
    filters: Filters,
    paging: Paged,
    team_id: CodeFilter = None,
    if_none_match: IfNoneMatch = None,
) -> dict[str, Any] | Response:
    """My team's tickets (another team's for its department's head, a supervisor, a leader or
    an admin); conditional (ETag, If-None-Match)."""
    team = await _readable_team(pool, p, team_id)
    return await _queue_page(pool, response, if_none_match, paging, team_id=team, **filters.of())


@router.get("/queues/mine/version", response_model=Version)
async def my_queue_version(p: Reader, pool: DbPool, filters: Filters) -> dict[str, Any]:
    """The version of my queue with these filters: one cheap query, for a page that polls and
    renders its cards again only when the version it shows has changed."""
    async with pool.acquire() as conn:
        version, total = await repo.queue_version(conn, assignee_id=p.subject, **filters.of())
    return {"version": version, "total": total}


@router.get(
    "/queues/team/version",
    response_model=Version,
    responses=refusals("team-required", "queue-read-forbidden"),
)
async def team_queue_version(
    p: Reader, pool: DbPool, filters: Filters, team_id: CodeFilter = None
) -> dict[str, Any]:
    """The version of my team's queue (another team's for those who may read its queue)."""
    team = await _readable_team(pool, p, team_id)
    async with pool.acquire() as conn:
        version, total = await repo.queue_version(conn, team_id=team, **filters.of())
    return {"version": version, "total": total}


@router.get("/queues/overdue", response_model=Page)
async def overdue_list(
    p: Reader,
    pool: DbPool,
    paging: Paged,
    department_id: CodeFilter = None,
    team_id: CodeFilter = None,
    category: CodeFilter = None,
    urgency: CodeFilter = None,
) -> dict[str, Any]:
    """Open tickets past a stage's due time, by department (supervisors and leaders see all,
    department heads their own department)."""
    own = p.has_any(Role.dept_head) and department_id and department_id == p.department_id
    if not p.has_any(Role.supervisor, Role.leader) and not own:
        raise problem(
            "overdue-read-forbidden",
            "the overdue list is for supervisors, leaders and heads of their department",
        )
    return await _page(
        pool, paging, department_id=department_id, team_id=team_id, category=category,
        urgency=urgency, overdue_at=datetime.now(UTC),
    )  # fmt: skip


@router.get("/transfers/incoming", tags=["transfers"])
async def incoming_transfers(
    p: Reader, pool: DbPool, team_id: CodeFilter = None
) -> list[TransferRow]:
    """Transfers waiting for my team's answer (and my department's, for its head); with
    `team_id`, that team's (its members, its department's head, supervisors, leaders, admins)."""
    team: str | None
    department: str | None
    if team_id:
        await reading_service.team_readable(pool, p, team_id, "incoming transfers")
        team, department = team_id, None
    else:
        department = p.department_id if p.has_any(Role.dept_head) else None
        team = p.team_id
    async with pool.acquire() as conn:
        return await tr_repo.incoming(conn, team, department)


@router.get("/tickets", tags=["tickets"])
async def list_tickets(
    p: Reader, pool: DbPool, paging: Paged, team_id: CodeFilter = None
) -> list[dict[str, Any]]:
    """The tickets I may read, or a team's (as its queue), a page at a time (kept for older
    clients; see /v1/queues)."""
    if team_id:
        await reading_service.team_readable(pool, p, team_id, "tickets")
        return list((await _page(pool, paging, team_id=team_id))["items"])
    return list((await _page(pool, paging, scope=read_scope(p)))["items"])
