"""Notify HTTP API: the caller's inbox, and the messages about a report for supervisors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.webapp import DbPool
from notify import repository

router = APIRouter(prefix="/v1", tags=["messages"])
Overseer = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.admin))]


class MessageOut(BaseModel):
    id: int
    event_type: str
    recipient: str
    channel: str
    subject: str
    body: str
    tracking_no: str | None
    created_at: datetime
    read_at: datetime | None


@router.get("/inbox", response_model=list[MessageOut])
async def my_inbox(
    who: CurrentPrincipal, pool: DbPool, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repository.inbox(conn, who.subject, limit)


@router.get("/messages", response_model=list[MessageOut])
async def messages_about(
    _: Overseer, pool: DbPool, tracking_no: Annotated[str, Query(min_length=1, max_length=64)]
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repository.by_tracking_no(conn, tracking_no)
