"""A campaign's award kinds as data (issue 18): the shipped template (seed 002's four kinds and
seed 000's vote honour), the campaign's setup, and each kind's quota per department as the
stored scores count the units."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import awards_facts
from scoring.deps import Leadership
from scoring.domain_awards import quotas
from scoring.reading import campaign_setup, existing
from scoring.repository import awards as awards_repo
from scoring.schemas_awards import AwardSetupIn, template

router = APIRouter(tags=["awards"])


class Quota(BaseModel):
    kind: str
    kind_name: str
    department_id: str | None
    department_name: str | None
    base: int
    quota: int


class AwardSetup(BaseModel):
    setup: AwardSetupIn
    quotas: list[Quota]


async def quota_rows(
    conn: Conn, campaign: dict[str, Any], setup: AwardSetupIn
) -> list[dict[str, Any]]:
    facts = await awards_facts.units(conn, campaign, setup)
    names = {k[1]: f.name for k, f in facts.items() if k[0] == "department"}
    out = []
    for k in setup.kinds:
        kind = k.domain()
        base = awards_facts.bases(kind, facts)
        for dept, n in quotas(kind, base).items():
            out.append({
                "kind": k.code, "kind_name": k.name, "department_id": dept or None,
                "department_name": names.get(dept), "quota": n,
                "base": base.get(dept, 0) if dept else sum(base.values()),
            })  # fmt: skip
    return out


@router.get("/v1/award-templates/{name}", response_model=AwardSetupIn)
async def get_template(name: Literal["seed002"], _: CurrentPrincipal) -> AwardSetupIn:
    """A shipped campaign template: seed 002's 优秀组织奖, 优秀班组, 优秀个人 (10% of each
    department's head count, 0.5 rounded up, at least 1), 优质服务示范岗, and seed 000's vote
    honour (我为你投一票) for service windows, with the 附表 sign-off chain."""
    return template(name)


@router.put(
    "/v1/campaigns/{campaign_id}/award-setup",
    response_model=AwardSetup,
    responses=refusals(
        "campaign-invalid", "campaign-not-found", "campaign-published", "publicity-open"
    ),
)
async def put_setup(
    campaign_id: UUID, body: AwardSetupIn, who: Leadership, pool: DbPool
) -> dict[str, Any]:
    """Set the campaign's award kinds, sign-off steps, own units and publicity period."""
    if errors := body.repeated():
        raise problem("campaign-invalid", "a code is used twice: see `errors`", errors=errors)
    async with pool.acquire() as conn, conn.transaction():
        campaign = await existing(conn, campaign_id, editable=True)
        if await awards_repo.publicity(conn, campaign_id) is not None:
            raise problem("publicity-open", "the awards are decided: their kinds stay")
        await awards_repo.set_setup(conn, campaign_id, body.model_dump(), who.subject)
        return {"setup": body, "quotas": await quota_rows(conn, campaign, body)}


@router.get(
    "/v1/campaigns/{campaign_id}/award-setup",
    response_model=AwardSetup,
    responses=refusals("campaign-not-found", "award-setup-missing"),
)
async def get_setup(campaign_id: UUID, _: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    """The award kinds and each kind's quota per department (or overall), with its base."""
    async with pool.acquire() as conn:
        campaign, setup = await campaign_setup(conn, campaign_id)
        return {"setup": setup, "quotas": await quota_rows(conn, campaign, setup)}
