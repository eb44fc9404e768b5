"""Notify HTTP API for everyone: the caller's in-app inbox, and (for supervisors and admins)
the messages about a report and the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.params import BodyId
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter, SerialId
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool
from notify.repository import messages
from notify.rows import MessageRow

router = APIRouter(prefix="/v1", tags=["messages"])
Overseer = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.admin))]
Operator = Annotated[Principal, Depends(require_roles(Role.admin))]


class MessageOut(BaseModel):
    id: int
    event_type: str
    recipient: str
    channel: str
    subject: str
    body: str
    tracking_no: str | None
    kind: str
    priority: str
    status: str
    attempts: int
    created_at: datetime
    read_at: datetime | None
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str | None
    link: str | None = Field(
        None, description="The console page the message leads to (a path, e.g. /work/tickets/…)."
    )
    link_label: str | None = Field(
        None, description="The words on that page's button, in the reader's language."
    )


class AttemptOut(BaseModel):
    attempt: int
    status: str
    error: str | None
    duration_ms: float | None
    at: datetime


class DeliveryOut(MessageOut):
    log: list[AttemptOut]


class UnreadOut(BaseModel):
    unread: int


class MarkRead(BaseModel):
    ids: list[BodyId] | None = Field(None, max_length=1000, description="None: all of them.")


class MarkedOut(BaseModel):
    marked: int


@router.get("/inbox", response_model=list[MessageOut])
async def my_inbox(
    who: CurrentPrincipal,
    pool: DbPool,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    unread: QueryBool = False,
) -> list[MessageRow]:
    async with pool.acquire() as conn:
        return await messages.inbox(conn, who.subject, limit, unread)


@router.get("/inbox/unread-count", response_model=UnreadOut)
async def my_unread_count(who: CurrentPrincipal, pool: DbPool) -> dict[str, int]:
    async with pool.acquire() as conn:
        return {"unread": await messages.unread_count(conn, who.subject)}


@router.post("/inbox/read", response_model=MarkedOut)
async def mark_read(who: CurrentPrincipal, pool: DbPool, body: MarkRead) -> dict[str, int]:
    async with pool.acquire() as conn:
        return {"marked": await messages.mark_read(conn, who.subject, body.ids)}


@router.get("/messages", response_model=list[MessageOut])
async def messages_about(
    _: Overseer,
    pool: DbPool,
    tracking_no: Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")],
) -> list[MessageRow]:
    async with pool.acquire() as conn:
        return await messages.by_tracking_no(conn, tracking_no)


@router.get("/deliveries", response_model=list[MessageOut])
async def list_deliveries(
    _: Overseer,
    pool: DbPool,
    status: Annotated[str | None, Query(pattern="^(pending|sent|dead|digest|digested)$")] = None,
    channel: CodeFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[MessageRow]:
    async with pool.acquire() as conn:
        return await messages.deliveries(conn, status, channel, limit)


@router.get("/deliveries/{message_id}", response_model=DeliveryOut)
async def delivery(_: Overseer, pool: DbPool, message_id: SerialId) -> dict[str, Any]:
    async with pool.acquire() as conn:
        found = await messages.get(conn, message_id)
        if found is None:
            raise problem("delivery-not-found", f"no delivery {message_id}")
        return {**found, "log": await messages.attempts(conn, message_id)}


@router.post("/deliveries/{message_id}/resend", response_model=MessageOut)
async def resend(_: Operator, pool: DbPool, message_id: SerialId) -> MessageRow:
    async with pool.acquire() as conn, conn.transaction():
        found = await messages.get(conn, message_id)
        if found is None:
            raise problem("delivery-not-found", f"no delivery {message_id}")
        again = await messages.resend(conn, message_id)
        if again is None:
            raise problem(
                "delivery-not-resendable",
                f"delivery {message_id} is {found['status']} on channel {found['channel']};"
                " only dead or sent deliveries (not inbox messages) can be resent",
            )
        return again
