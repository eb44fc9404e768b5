"""Campaigns as data: create and edit them, enter leadership's work marks, recompute, publish."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ValidationError

from houqin_shared.contracts.scoring import Award
from houqin_shared.http import field_error
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import compute, repository
from scoring.deps import Leadership
from scoring.reading import existing
from scoring.schemas import (
    CampaignIn,
    CheckedCampaign,
    RulesIn,
    UnitIdPath,
    UnitTypePath,
    WorkMarkIn,
)

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"])
Supervision = Annotated[Principal, Depends(require_roles(Role.leader, Role.supervisor, Role.admin))]
MAX_CAMPAIGNS = 500


class Campaign(BaseModel):
    id: UUID
    name: str
    period_start: date
    period_end: date
    timezone: str
    departments: list[str] | None
    rules: RulesIn
    published_at: datetime | None
    published_by: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class WorkMark(BaseModel):
    unit_type: UnitTypePath
    unit_id: str
    mark: float
    justification: str
    marked_by: str
    marked_at: datetime


class Recomputed(BaseModel):
    campaign_id: UUID
    announced: int


class Published(BaseModel):
    campaign_id: UUID
    published_at: datetime
    awards: list[Award]


def checked(body: CampaignIn) -> CheckedCampaign:
    """The rules between the body's fields, which its schema cannot state: a typed domain
    refusal with the same `errors` items as a validation problem."""
    try:
        return CheckedCampaign.model_validate(body.model_dump())
    except ValidationError as exc:
        raise problem(
            "campaign-invalid",
            "the campaign's settings do not fit together: see `errors`",
            errors=[{**field_error(e), "loc": ["body", *e["loc"]]} for e in exc.errors()],
        ) from exc


@router.post("", response_model=Campaign, status_code=201, responses=refusals("campaign-invalid"))
async def create_campaign(body: CampaignIn, who: Leadership, pool: DbPool) -> dict[str, Any]:
    body = checked(body)
    async with pool.acquire() as conn, conn.transaction():
        campaign = await repository.campaigns.create(
            conn,
            uuid.uuid4(),
            body.name,
            body.period_start,
            body.period_end,
            body.timezone,
            body.departments,
            body.rules.model_dump(),
            who.subject,
        )
        await repository.campaigns.touch(conn, campaign["id"])
    return campaign


@router.get("", response_model=list[Campaign])
async def list_campaigns(
    _: CurrentPrincipal,
    pool: DbPool,
    limit: Annotated[int, Query(ge=1, le=MAX_CAMPAIGNS)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Newest period first, `limit` at a time."""
    async with pool.acquire() as conn:
        return await repository.campaigns.list_all(conn, limit, offset)


@router.get("/{campaign_id}", response_model=Campaign)
async def get_campaign(campaign_id: UUID, _: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        return await existing(conn, campaign_id)


@router.put("/{campaign_id}", response_model=Campaign, responses=refusals("campaign-invalid"))
async def replace_campaign(
    campaign_id: UUID, body: CampaignIn, _: Leadership, pool: DbPool
) -> dict[str, Any]:
    body = checked(body)
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        campaign = await repository.campaigns.update(
            conn,
            campaign_id,
            body.name,
            body.period_start,
            body.period_end,
            body.timezone,
            body.departments,
            body.rules.model_dump(),
        )
        await repository.campaigns.touch(conn, campaign_id)
    return campaign


@router.get("/{campaign_id}/work-marks", response_model=list[WorkMark])
async def list_marks(campaign_id: UUID, _: Supervision, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        await existing(conn, campaign_id)
        return await repository.campaigns.marks(conn, campaign_id)


@router.put("/{campaign_id}/work-marks/{unit_type}/{unit_id}", response_model=WorkMark)
async def set_mark(
    campaign_id: UUID,
    unit_type: UnitTypePath,
    unit_id: UnitIdPath,
    body: WorkMarkIn,
    who: Leadership,
    pool: DbPool,
) -> dict[str, Any]:
    """Leadership's mark for 部门工作特色和工作成绩 (0-100), with its justification."""
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        mark = await repository.campaigns.set_mark(
            conn, campaign_id, unit_type, unit_id, body.mark, body.justification, who.subject
        )
        await repository.campaigns.touch(conn, campaign_id)
    return mark


@router.delete("/{campaign_id}/work-marks/{unit_type}/{unit_id}", status_code=204)
async def delete_mark(
    campaign_id: UUID, unit_type: UnitTypePath, unit_id: UnitIdPath, _: Leadership, pool: DbPool
) -> Response:
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        if not await repository.campaigns.delete_mark(conn, campaign_id, unit_type, unit_id):
            raise problem("work-mark-not-found", f"no work mark for {unit_type} {unit_id}")
        await repository.campaigns.touch(conn, campaign_id)
    return Response(status_code=204)


@router.post("/{campaign_id}/recompute", response_model=Recomputed)
async def recompute(campaign_id: UUID, _: Supervision, pool: DbPool) -> dict[str, Any]:
    """A full recompute from the stored facts now (the worker also does it after events)."""
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        seq = await repository.campaigns.touch_seq(conn, campaign_id)
        announced = await compute.recompute(conn, campaign_id, wait=True)
        if seq is not None:  # a touch made meanwhile has another seq and stays
            await repository.campaigns.clear_touch(conn, campaign_id, seq)
    return {"campaign_id": campaign_id, "announced": announced or 0}


@router.post("/{campaign_id}/publish", response_model=Published)
async def publish(campaign_id: UUID, who: Leadership, pool: DbPool) -> dict[str, Any]:
    """公示: freeze the campaign with its award list and announce AwardsPublished."""
    async with pool.acquire() as conn, conn.transaction():
        await existing(conn, campaign_id, editable=True)
        awards = await compute.publish(conn, campaign_id, who.subject)
        campaign = await existing(conn, campaign_id)
    return {"campaign_id": campaign_id, "published_at": campaign["published_at"], "awards": awards}
