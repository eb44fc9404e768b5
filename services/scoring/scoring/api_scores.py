"""Rankings, one unit's score with its explanation (components, inputs, reasons), the facts behind
each component page by page, and published awards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from houqin_shared.identity import CurrentPrincipal, Principal
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import repository
from scoring.compute import campaign_bounds, period_bounds
from scoring.domain import rating_score
from scoring.domain_explain import CURSOR_MAX, CursorInvalid, components, cursor, few
from scoring.domain_explain import place as cursor_place
from scoring.reading import existing, visible
from scoring.schemas import MAX_PAGE, UnitIdPath, UnitTypePath

router = APIRouter(prefix="/v1/campaigns", tags=["scores"])
ComponentName = Literal[
    "tickets", "stages", "closed", "ratings", "confirmations", "surveys", "votes",
    "inspections", "overdue", "transfers", "praises", "rectifications", "recurring",
]  # fmt: skip
FACTS_PAGE_MAX = 200  # facts one page lists at most
CursorQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=CURSOR_MAX, pattern="^[A-Za-z0-9_-]+$",
          description="`next` of the page before; none for the first page."),
]  # fmt: skip


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


class Component(BaseModel):
    component: ComponentName
    inputs: dict[str, Any] = Field(
        description="The totals the component adds up to (counts, sums, rates), as scored."
    )
    facts: int | None = Field(
        description="How many facts lie behind it (null where the totals do not say)."
    )


class Explanation(BaseModel):
    score: Score
    rules: dict[str, Any]
    reasons: list[str] = Field(description="Why the unit is not ranked (empty when it is).")
    work_mark: dict[str, Any] | None
    incidents: list[dict[str, Any]]
    components: list[Component] = Field(
        description="Each component with its inputs; its facts: GET .../facts/{component}."
    )


class FactsPage(BaseModel):
    component: ComponentName
    items: list[dict[str, Any]]
    next: str | None = Field(description="The cursor of the next page; null on the last page.")
    limit: int


class AwardOut(BaseModel):
    award: str
    unit_type: str
    unit_id: str
    unit_name: str | None
    department_id: str | None
    team_id: str | None
    rank: int
    composite: float


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
    """The score and what it is made of: each component with its inputs (the counts, sums and
    rates of the grouped totals it was computed from) and how many facts lie behind it, why the
    unit is not ranked, the work mark and its justification, and incidents. The facts
    themselves, page by page: GET .../facts/{component}."""
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        row = await _score(conn, campaign_id, unit_type, unit_id, who)
        start, end = period_bounds(
            campaign["period_start"], campaign["period_end"], campaign["timezone"]
        )
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
        "reasons": row["detail"].get("not_ranked_reasons") or [],
        "work_mark": mark,
        "incidents": named,
        "components": components(row["detail"].get("metrics") or {}),
    }


@router.get(
    "/{campaign_id}/scores/{unit_type}/{unit_id}/facts/{component}",
    response_model=FactsPage,
    responses=refusals(
        "campaign-not-found", "score-not-found", "score-read-forbidden", "facts-cursor-invalid"
    ),
)
async def facts(
    campaign_id: UUID,
    unit_type: UnitTypePath,
    unit_id: UnitIdPath,
    component: ComponentName,
    who: CurrentPrincipal,
    pool: DbPool,
    after: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=FACTS_PAGE_MAX)] = 50,
) -> dict[str, Any]:
    """The facts behind one component of a unit's score, oldest first, `limit` at a time:
    tickets, stage completions, closures, ratings (with the 0-100 value each counts for),
    confirmations, survey answers, votes, inspections (a person's: their team's), overdue
    items, transfers, praises, rectification results, recurring problems. `next` continues."""
    try:
        place = None if after is None else cursor_place(after)
    except CursorInvalid as e:
        raise problem("facts-cursor-invalid", f"after: {e}") from e
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        row = await _score(conn, campaign_id, unit_type, unit_id, who)
        kind, uid = unit_type, unit_id
        if component == "inspections" and unit_type == "staff":
            kind, uid = "team", row["team_id"] or ""  # people are scored on their team's
        sparse = few(row["detail"].get("metrics") or {}, component)
        items, last = await repository.explain.page(
            conn, component, kind, uid, campaign_bounds(campaign), campaign_id, place, limit, sparse
        )
    if component == "ratings":
        for r in items:
            r["counts_as"] = rating_score(r["quality"], r["timeliness"], r["attitude"])
    return {
        "component": component,
        "items": items,
        "next": None if last is None else cursor(*last),
        "limit": limit,
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
