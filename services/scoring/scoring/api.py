"""Scoring HTTP API: ticket volume per unit, campaigns (api_campaigns) and scores (api_scores)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.webapp import DbPool
from scoring import (
    api_award_documents,
    api_award_setup,
    api_campaigns,
    api_nominations,
    api_publicity,
    api_published,
    api_reports,
    api_scores,
    api_trends,
    repository,
)

router = APIRouter()
volume_router = APIRouter(prefix="/v1", tags=["scores"])
Viewer = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader, Role.admin))]


class UnitVolume(BaseModel):
    department_id: str | None
    team_id: str | None
    tickets: int


@volume_router.get("/volume", response_model=list[UnitVolume])
async def volume(_: Viewer, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repository.facts.volume_by_unit(conn)


router.include_router(volume_router)
router.include_router(api_campaigns.router)
router.include_router(api_scores.router)
router.include_router(api_reports.router)
router.include_router(api_trends.router)
router.include_router(api_published.router)
router.include_router(api_award_setup.router)
router.include_router(api_nominations.router)
router.include_router(api_publicity.router)
router.include_router(api_award_documents.router)
