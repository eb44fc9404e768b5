"""Ticket volume per unit (the other routes: api_campaigns, api_scores ...; __main__ assembles
them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.webapp import DbPool
from scoring import repository

router = APIRouter(prefix="/v1", tags=["scores"])
Viewer = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader, Role.admin))]


class UnitVolume(BaseModel):
    department_id: str | None
    team_id: str | None
    tickets: int


@router.get("/volume", response_model=list[UnitVolume])
async def volume(_: Viewer, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repository.facts.volume_by_unit(conn)
