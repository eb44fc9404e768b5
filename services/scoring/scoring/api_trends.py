"""A campaign's figures over its period as data, for interactive charts (the console's ECharts):
on-time rate (限时办结率), pass rate (合格率) and satisfaction (满意度) of each department or team
the caller may see, per week of the campaign (per month when it is longer than 62 days).

Each point comes from the same queries and rules as the scores (scoring.trends' cuts), over the
facts dated in that week or month; survey answers and votes that name the campaign count for the
campaign as a whole, not for a week, so they are left out of the points."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from houqin_shared.identity import CurrentPrincipal
from houqin_shared.openapi import refusals
from houqin_shared.webapp import DbPool
from scoring import repository, trends
from scoring.compute import period_bounds
from scoring.domain import Metrics, round_half_up
from scoring.domain_access import can_see
from scoring.reading import chartable, existing, viewer

router = APIRouter(prefix="/v1/campaigns", tags=["scores"])


class TrendPeriod(BaseModel):
    first_day: date
    last_day: date
    label: str


class TrendSeries(BaseModel):
    unit_type: Literal["department", "team"]
    unit_id: str
    unit_name: str
    on_time_rate: list[float | None]
    pass_rate: list[float | None]
    satisfaction: list[float | None]


class Trends(BaseModel):
    campaign_id: UUID
    monthly: bool
    periods: list[TrendPeriod]
    series: list[TrendSeries]


def points(m: Metrics | None) -> tuple[float | None, float | None, float | None]:
    """One point: on-time rate and pass rate (0-1, 4 places), satisfaction (0-100, 2 places)."""
    if m is None:
        return None, None, None
    return (
        round_half_up(m.on_time_rate(), 4),
        round_half_up(m.pass_rate(), 4),
        round_half_up(m.satisfaction()),
    )


@router.get(
    "/{campaign_id}/trends",
    response_model=Trends,
    responses=refusals("campaign-period-invalid"),
)
async def campaign_trends(
    campaign_id: UUID,
    who: CurrentPrincipal,
    pool: DbPool,
    unit_type: Literal["department", "team"] = "department",
) -> dict[str, Any]:
    """Per period of the campaign, each visible department's (or team's) on-time rate, pass
    rate and satisfaction; null where the period has no such facts."""
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        chartable(campaign)
        units = [
            u
            for u in await repository.scores.units(conn, campaign["departments"])
            if u.unit_type == unit_type
            and can_see(viewer(who), u.unit_type, u.unit_id, u.department_id, u.team_id)
        ]
        cuts = trends.periods(campaign["period_start"], campaign["period_end"])
        monthly = (campaign["period_end"] - campaign["period_start"]).days >= 62
        series: dict[str, list[tuple[float | None, ...]]] = {u.unit_id: [] for u in units}
        async with conn.transaction():  # the totals queries set local planner options
            team_department = await repository.scores.team_departments(conn)
            for first, last in cuts:
                start, end = period_bounds(first, last, campaign["timezone"])
                grouped = await repository.totals.from_facts(conn, start, end, None)
                metrics = repository.scores.roll_up(grouped, team_department)
                for u in units:
                    series[u.unit_id].append(points(metrics.get((unit_type, u.unit_id))))
    return {
        "campaign_id": campaign_id,
        "monthly": monthly,
        "periods": [
            {"first_day": f, "last_day": la, "label": trends.label(f, la, monthly)}
            for f, la in cuts
        ],
        "series": [
            {
                "unit_type": unit_type,
                "unit_id": u.unit_id,
                "unit_name": u.name,
                "on_time_rate": [p[0] for p in series[u.unit_id]],
                "pass_rate": [p[1] for p in series[u.unit_id]],
                "satisfaction": [p[2] for p in series[u.unit_id]],
            }
            for u in units
        ],
    }
