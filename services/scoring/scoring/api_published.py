"""公示: what publication makes public. For anyone signed in (the console's public board reads it
with its own token): the published campaigns, newest first, each with its award list and the
ranked departments and teams (rank, composite and components; people only through their
awards), and the rectification results (整改验收) of its period per department. Nothing of a campaign that is not published, and no vetoed or unranked unit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from houqin_shared.identity import CurrentPrincipal
from houqin_shared.webapp import DbPool
from scoring import repository
from scoring.compute import period_bounds
from scoring.repository import published as published_repo

router = APIRouter(prefix="/v1/published", tags=["scores"])
MAX_PUBLISHED = 20
PUBLIC_TYPES = ("department", "team")


class PublishedAward(BaseModel):
    award: str
    unit_type: Literal["department", "team", "staff"]
    unit_name: str | None
    rank: int
    composite: float


class PublishedRank(BaseModel):
    unit_type: Literal["department", "team"]
    unit_name: str
    rank: int
    composite: float | None
    work_score: float | None
    inspection_score: float | None
    satisfaction_score: float | None
    on_time_rate: float | None
    pass_rate: float | None
    award: str | None


class RectificationProgress(BaseModel):
    department_name: str
    accepted_on_time: int
    accepted_late: int
    rejected: int


class PublishedCampaign(BaseModel):
    campaign_id: UUID
    name: str
    period_start: date
    period_end: date
    published_at: datetime
    awards: list[PublishedAward]
    rankings: list[PublishedRank]
    rectifications: list[RectificationProgress]


def public_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranked departments and teams, in rank order per type."""
    return [r for r in rows if r["unit_type"] in PUBLIC_TYPES and r["rank"] is not None]


@router.get("", response_model=list[PublishedCampaign])
async def published(
    _: CurrentPrincipal,
    pool: DbPool,
    limit: Annotated[int, Query(ge=1, le=MAX_PUBLISHED)] = 3,
) -> list[dict[str, Any]]:
    """The `limit` most recently published campaigns with their awards and rankings."""
    out: list[dict[str, Any]] = []
    async with pool.acquire() as conn:
        campaigns = await repository.campaigns.list_all(conn, 500, 0)
        chosen = sorted(
            (c for c in campaigns if c["published_at"] is not None),
            key=lambda c: c["published_at"],
            reverse=True,
        )[:limit]
        for c in chosen:
            awards = await repository.campaigns.published_awards(conn, c["id"])
            rows = await repository.scores.ranking(conn, c["id"])
            start, end = period_bounds(c["period_start"], c["period_end"], c["timezone"])
            fixes = await published_repo.rectifications(conn, start, end, c["departments"])
            out.append(
                {
                    "campaign_id": c["id"],
                    "name": c["name"],
                    "period_start": c["period_start"],
                    "period_end": c["period_end"],
                    "published_at": c["published_at"],
                    "awards": awards,
                    "rankings": public_rows(rows),
                    "rectifications": fixes,
                }
            )
    return out
