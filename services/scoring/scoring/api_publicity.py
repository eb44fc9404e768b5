"""The leaders' decision, publicity (公示) with objections, and the final awards (issue 18)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from houqin_shared.contracts.scoring import Award
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.webapp import DbPool
from scoring import publicity
from scoring.deps import Leadership
from scoring.reading import campaign_setup, existing
from scoring.repository import nominations as nominations_repo
from scoring.schemas_awards import AnswerIn, JuryIn, ObjectionIn

router = APIRouter(prefix="/v1/campaigns/{campaign_id}/awards", tags=["awards"])
Supervision = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader, Role.admin))]
Answerer = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.admin))]
MAX_OBJECTIONS = 1_000


class DecidedAward(BaseModel):
    id: int
    kind: str
    kind_name: str
    unit_type: str
    unit_id: str
    unit_name: str
    department_id: str | None
    place: int
    score: float | None
    prize: int
    nomination_id: UUID | None
    removed_at: datetime | None


class Publicity(BaseModel):
    campaign_id: UUID
    opened_by: str
    opened_at: datetime
    closes_at: datetime
    final_at: datetime | None
    final_by: str | None
    awards: list[DecidedAward]


class Objection(BaseModel):
    id: UUID
    award_id: int
    kind_name: str
    unit_name: str
    reason: str
    raised_by: str
    raised_at: datetime
    upheld: bool | None
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None


class Final(BaseModel):
    campaign_id: UUID
    published_at: datetime
    awards: list[Award]


@router.post(
    "/decision",
    response_model=Publicity,
    responses=refusals("campaign-not-found", "campaign-published", "award-setup-missing",
                       "publicity-open"),
)  # fmt: skip
async def decide(campaign_id: UUID, body: JuryIn, who: Leadership, pool: DbPool) -> dict[str, Any]:
    """The leaders decide: each kind's winners within its quota (the jury's order for `jury`
    kinds), published for the campaign's publicity period from now."""
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        campaign, setup = await campaign_setup(conn, campaign_id)
        return await publicity.decide(conn, campaign, setup, body, who)


@router.get(
    "/publicity",
    response_model=Publicity,
    responses=refusals("campaign-not-found", "publicity-not-open"),
)
async def get_publicity(campaign_id: UUID, _: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    """公示: the decided awards (a removed one says when), the period and whether final."""
    async with pool.acquire() as conn:
        await existing(conn, campaign_id)
        return await publicity.state(conn, campaign_id)


@router.post(
    "/objections",
    response_model=Objection,
    status_code=201,
    responses=refusals("campaign-not-found", "publicity-not-open", "award-not-found"),
)
async def object_to(
    campaign_id: UUID, body: ObjectionIn, who: CurrentPrincipal, pool: DbPool
) -> dict[str, Any]:
    """Anyone signed in objects to an award, with a reason, while publicity runs."""
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id)
        oid = await publicity.object_to(conn, campaign_id, body, who)
        found = await nominations_repo.objection(conn, oid)
        assert found is not None
        return found


@router.get("/objections", response_model=list[Objection], responses=refusals("campaign-not-found"))
async def objections(
    campaign_id: UUID,
    _: Supervision,
    pool: DbPool,
    limit: Annotated[int, Query(ge=1, le=MAX_OBJECTIONS)] = 200,
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        await existing(conn, campaign_id)
        return await nominations_repo.objections(conn, campaign_id, limit)


@router.post(
    "/objections/{objection_id}/answer",
    response_model=Objection,
    responses=refusals("objection-not-found", "objection-answered", "publicity-not-open"),
)
async def answer(
    campaign_id: UUID, objection_id: UUID, body: AnswerIn, who: Answerer, pool: DbPool
) -> dict[str, Any]:
    """A supervisor answers; an upheld objection removes the award."""
    async with pool.acquire() as conn, conn.transaction():
        return await publicity.answer(conn, campaign_id, objection_id, body, who)


@router.post(
    "/final",
    response_model=Final,
    responses=refusals("campaign-not-found", "campaign-published", "publicity-not-open",
                       "publicity-open", "objections-unanswered"),
)  # fmt: skip
async def final(campaign_id: UUID, who: Leadership, pool: DbPool) -> dict[str, Any]:
    """After the publicity period, every objection answered: the awards are final, the
    campaign frozen and AwardsPublished announced."""
    async with pool.acquire() as conn, conn.transaction():
        campaign = await existing(conn, campaign_id, editable=True)
        awards = await publicity.finalize(conn, campaign, who)
        done = await existing(conn, campaign_id)
    return {"campaign_id": campaign_id, "published_at": done["published_at"], "awards": awards}
