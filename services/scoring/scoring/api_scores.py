"""Rankings, one unit's score with its explanation down to the facts, and published awards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from houqin_shared.identity import CurrentPrincipal, Principal
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import repository
from scoring.api_campaigns import UnitTypePath, existing
from scoring.compute import period_bounds
from scoring.domain import rating_score
from scoring.domain_access import Viewer, can_see
from scoring.schemas import MAX_PAGE, UnitIdPath

router = APIRouter(prefix="/v1/campaigns", tags=["scores"])


class Score(BaseModel):
    unit_type: Literal["department", "team", "staff"]
    unit_id: str
    unit_name: str
    department_id: str | None
    team_id: str | None
    composite: float | None
    work_score: float | None
    inspection_score: float | None
    satisfaction_score: float | None
    on_time_rate: float | None
    pass_rate: float | None
    rank: int | None
    award: str | None
    vetoed: bool
    not_ranked_reason: str | None
    detail: dict[str, Any]
    computed_at: datetime


class Explanation(BaseModel):
    score: Score
    rules: dict[str, Any]
    work_mark: dict[str, Any] | None
    incidents: list[dict[str, Any]]
    facts: dict[str, list[dict[str, Any]]]
    facts_limit: int = Field(description="Facts listed per component at most (totals count all).")


class AwardOut(BaseModel):
    award: str
    unit_type: str
    unit_id: str
    unit_name: str | None
    department_id: str | None
    team_id: str | None
    rank: int
    composite: float


def viewer(p: Principal) -> Viewer:
    return Viewer(p.subject, frozenset(str(r) for r in p.roles), p.department_id, p.team_id)


def visible(p: Principal, row: dict[str, Any]) -> bool:
    return can_see(
        viewer(p), row["unit_type"], row["unit_id"], row["department_id"], row["team_id"]
    )


@router.get("/{campaign_id}/rankings", response_model=list[Score])
async def rankings(
    campaign_id: UUID,
    who: CurrentPrincipal,
    pool: DbPool,
    unit_type: UnitTypePath | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Ranked lists per unit type: ranked units by rank, then vetoed, then not ranked (with
    why); only the units the caller may see, `limit` of them from `offset`."""
    async with pool.acquire() as conn:
        await existing(conn, campaign_id)
        rows = await repository.scores.ranking(conn, campaign_id, unit_type)
    return [r for r in rows if visible(who, r)][offset : offset + limit]


async def _score(
    conn: Any, campaign_id: UUID, unit_type: str, unit_id: str, who: Principal
) -> dict[str, Any]:
    row = await repository.scores.one(conn, campaign_id, unit_type, unit_id)
    if row is None:
        raise problem(
            "score-not-found", f"no score for {unit_type} {unit_id} in campaign {campaign_id} (yet)"
        )
    if not visible(who, row):
        raise problem("score-read-forbidden", f"you may not see the score of {unit_type} {unit_id}")
    return row


@router.get("/{campaign_id}/scores/{unit_type}/{unit_id}", response_model=Score)
async def score(
    campaign_id: UUID,
    unit_type: UnitTypePath,
    unit_id: UnitIdPath,
    who: CurrentPrincipal,
    pool: DbPool,
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        await existing(conn, campaign_id)
        return await _score(conn, campaign_id, unit_type, unit_id, who)


@router.get("/{campaign_id}/scores/{unit_type}/{unit_id}/explanation", response_model=Explanation)
async def explanation(
    campaign_id: UUID,
    unit_type: UnitTypePath,
    unit_id: UnitIdPath,
    who: CurrentPrincipal,
    pool: DbPool,
) -> dict[str, Any]:
    """The score and every fact behind it: tickets, stage completions, closures, ratings (with
    the 0-100 value each one counts for), confirmations, survey answers, votes, inspections,
    overdue items, transfers, the work mark and its justification, and incidents."""
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        row = await _score(conn, campaign_id, unit_type, unit_id, who)
        start, end = period_bounds(
            campaign["period_start"], campaign["period_end"], campaign["timezone"]
        )
        facts: dict[str, list[dict[str, Any]]] = {}
        for component in repository.sql.FACTS:
            kind, uid = unit_type, unit_id
            if component == "inspections" and unit_type == "staff":
                kind, uid = "team", row["team_id"] or ""  # people are scored on their team's
            facts[component] = await repository.explain.facts(
                conn, component, kind, uid, start, end, campaign_id
            )
        for r in facts["ratings"]:
            r["counts_as"] = rating_score(r["quality"], r["timeliness"], r["attitude"])
        mark = await repository.explain.work_mark(
            conn, campaign_id, row["detail"].get("work_source")
        )
        named = [
            i
            for i in await repository.scores.incidents(conn, start, end)
            if (i["unit_type"], i["unit_id"]) == (unit_type, unit_id)
            or i["incident_id"] in {v["incident_id"] for v in row["detail"]["vetoed_by"]}
        ]
    return {
        "score": row,
        "rules": campaign["rules"],
        "work_mark": mark,
        "incidents": named,
        "facts": facts,
        "facts_limit": repository.explain.LIMIT,
    }


@router.get("/{campaign_id}/awards", response_model=list[AwardOut])
async def awards(campaign_id: UUID, who: CurrentPrincipal, pool: DbPool) -> list[dict[str, Any]]:
    """Published awards (公示) for everyone; before publication, the current candidates for
    those who may see them."""
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        if campaign["published_at"] is not None:
            return await repository.campaigns.published_awards(conn, campaign_id)
        rows = await repository.scores.ranking(conn, campaign_id)
    return [r for r in rows if r["award"] and visible(who, r)]
