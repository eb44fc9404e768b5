"""A campaign's reports for the leadership's meeting: CSV, XLSX and a PNG chart. Each is made
in a worker process off the event loop (scoring.rendering): the data are read first and the
connection released, then the output is made, or taken from the cache when the same data were
rendered before."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from houqin_shared.identity import CurrentPrincipal, Principal
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import charts, reports, repository, trends
from scoring.domain_access import can_see
from scoring.reading import chartable, existing, viewer, visible
from scoring.rendering import RENDERED, RENDERER, XLSX, too_large

router = APIRouter(prefix="/v1/campaigns", tags=["scores"])
MAX_ROWS = 50_000  # units in one export


async def _rows(pool: Any, campaign_id: UUID, who: Principal) -> tuple[dict[str, Any], list[Any]]:
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        rows = [r for r in await repository.scores.ranking(conn, campaign_id) if visible(who, r)]
    if len(rows) > MAX_ROWS:
        raise too_large(len(rows), MAX_ROWS)
    return campaign, rows


@router.get(
    "/{campaign_id}/report.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **refusals(*RENDERED)},
)
async def report_csv(campaign_id: UUID, who: CurrentPrincipal, pool: DbPool) -> Response:
    """All units the caller may see, Chinese headers, UTF-8 with BOM; text that a spreadsheet
    would take for a formula is quoted."""
    campaign, rows = await _rows(pool, campaign_id, who)
    body = await RENDERER.output(
        (campaign_id, "csv"), reports.to_csv, rows, campaign["rules"]["weights"]
    )
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="scores-{campaign_id}.csv"'},
    )


@router.get(
    "/{campaign_id}/report.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **refusals(*RENDERED)},
)
async def report_xlsx(campaign_id: UUID, who: CurrentPrincipal, pool: DbPool) -> Response:
    """One sheet per unit type (部门, 班组, 个人), Chinese headers, header row frozen; text cells
    are text, never formulas."""
    campaign, rows = await _rows(pool, campaign_id, who)
    body = await RENDERER.output(
        (campaign_id, "xlsx"),
        reports.to_xlsx,
        rows,
        campaign["rules"]["weights"],
        campaign["name"],
    )
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="scores-{campaign_id}.xlsx"'},
    )


@router.get(
    "/{campaign_id}/report.png",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}},
        **refusals(*RENDERED, "campaign-period-invalid", "chart-font-missing"),
    },
)
async def report_png(campaign_id: UUID, who: CurrentPrincipal, pool: DbPool) -> Response:
    """A chart for the leadership's meeting: on-time rate (及时率) and satisfaction (满意度) of
    each department the caller may see, per week of the campaign (per month when it is longer
    than 62 days), each point from the facts dated in it. 1200 x 800 pixels, Chinese labels."""
    try:
        font = charts.find_cjk_font()
    except charts.CjkFontMissing as exc:
        raise problem("chart-font-missing", str(exc)) from exc
    async with pool.acquire() as conn:
        campaign = await existing(conn, campaign_id)
        chartable(campaign)
        departments = [
            u
            for u in await repository.scores.units(conn, campaign["departments"])
            if u.unit_type == "department"
            and can_see(viewer(who), u.unit_type, u.unit_id, u.department_id, u.team_id)
        ]
        async with conn.transaction():  # the totals queries set local planner options
            labels, series = await trends.department_series(conn, campaign, departments)
    # the connection is back in the pool before the chart is drawn
    title = f"{campaign['name']}：各部门及时率与满意度"
    body = await RENDERER.output((campaign_id, "png"), charts.render, title, labels, series, font)
    return Response(
        body,
        media_type="image/png",
        headers={"Content-Disposition": f'inline; filename="trends-{campaign_id}.png"'},
    )
