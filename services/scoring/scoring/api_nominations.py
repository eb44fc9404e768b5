"""Nominations through the API (issue 18): a department head nominates within the quota with
the deeds (主要事迹); the form goes through its sign-off chain (班组长, 科室, 分管处领导, 处长),
each step approve, return with a comment, or reject, audited. The nominee's scores and their
explanation are attached when nominated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import nominating
from scoring.deps import Signatory
from scoring.reading import campaign_setup
from scoring.repository import nominations as repo
from scoring.schemas_awards import DecisionIn, NominationIn, ResubmitIn

router = APIRouter(tags=["awards"])
Nominator = Annotated[Principal, Depends(require_roles(Role.dept_head, Role.leader, Role.admin))]
MAX_NOMINATIONS = 2_000
NOMINATE = ("campaign-not-found", "campaign-published", "award-setup-missing",
            "award-kind-unknown", "award-unit-not-found", "award-unit-mismatch",
            "award-unit-forbidden", "award-vetoed", "award-not-eligible", "award-over-quota",
            "nomination-exists")  # fmt: skip


class SignOff(BaseModel):
    step: str
    decision: str
    comment: str
    signed_by: str
    signed_name: str | None
    signed_at: datetime


class Nomination(BaseModel):
    id: UUID
    campaign_id: UUID
    kind: str
    unit_type: str
    unit_id: str
    unit_name: str
    department_id: str | None
    team_id: str | None
    deeds: str
    attachments: list[str]
    status: str
    step: int
    chain: list[dict[str, str]]
    score: dict[str, Any]
    nominated_by: str
    created_at: datetime
    updated_at: datetime
    signoffs: list[SignOff] = []


async def _with_signoffs(conn: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    signed = await repo.signoffs(conn, [r["id"] for r in rows])
    return [{**r, "signoffs": signed[r["id"]]} for r in rows]


@router.post(
    "/v1/campaigns/{campaign_id}/nominations",
    response_model=Nomination,
    status_code=201,
    responses=refusals(*NOMINATE),
)
async def nominate(
    campaign_id: UUID, body: NominationIn, who: Nominator, pool: DbPool
) -> dict[str, Any]:
    """A department head nominates a unit of their department (leaders any unit), within the
    department's quota; vetoed and ineligible units are refused."""
    async with pool.acquire() as conn, conn.transaction():
        campaign, setup = await campaign_setup(conn, campaign_id)
        if campaign["published_at"] is not None:
            raise problem("campaign-published", "the campaign's awards are final")
        row = await nominating.nominate(conn, campaign, setup, body, who)
        return (await _with_signoffs(conn, [row]))[0]


@router.get(
    "/v1/campaigns/{campaign_id}/nominations",
    response_model=list[Nomination],
    responses=refusals("campaign-not-found", "award-setup-missing"),
)
async def list_nominations(
    campaign_id: UUID,
    who: Signatory,
    pool: DbPool,
    limit: Annotated[int, Query(ge=1, le=MAX_NOMINATIONS)] = 500,
) -> list[dict[str, Any]]:
    """The forms the caller may see: all for leaders and supervisors, their department's for
    a department head, their team's for a team lead."""
    async with pool.acquire() as conn:
        await campaign_setup(conn, campaign_id)
        overseer = who.has_any(*nominating.OVERSEERS)
        dept = None if overseer or not who.has_any(Role.dept_head) else who.department_id
        rows = await repo.of_campaign(conn, campaign_id, dept, MAX_NOMINATIONS)
        rows = [r for r in rows if nominating.may_see(who, r)][:limit]
        return await _with_signoffs(conn, rows)


@router.get(
    "/v1/nominations/{nomination_id}",
    response_model=Nomination,
    responses=refusals("nomination-not-found"),
)
async def get_nomination(nomination_id: UUID, who: Signatory, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction():
        row = await nominating.existing(conn, nomination_id, who)
        return (await _with_signoffs(conn, [row]))[0]


@router.post(
    "/v1/nominations/{nomination_id}/signoffs",
    response_model=Nomination,
    responses=refusals(
        "nomination-not-found",
        "nomination-wrong-step",
        "nomination-wrong-role",
        "nomination-comment-required",
    ),
)
async def sign(
    nomination_id: UUID, body: DecisionIn, who: Signatory, pool: DbPool
) -> dict[str, Any]:
    """The current step's signer approves, returns (with a comment) or rejects the form."""
    async with pool.acquire() as conn, conn.transaction():
        row = await nominating.sign(conn, nomination_id, body, who)
        return (await _with_signoffs(conn, [row]))[0]


@router.post(
    "/v1/nominations/{nomination_id}/resubmit",
    response_model=Nomination,
    responses=refusals("nomination-not-found", "nomination-not-returned", "award-unit-forbidden"),
)
async def resubmit(
    nomination_id: UUID, body: ResubmitIn, who: Nominator, pool: DbPool
) -> dict[str, Any]:
    """A returned form, with its deeds edited, starts the chain again."""
    async with pool.acquire() as conn, conn.transaction():
        row = await nominating.resubmit(conn, nomination_id, body, who)
        return (await _with_signoffs(conn, [row]))[0]
