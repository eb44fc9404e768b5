"""评优: the leadership's work marks (the 40% 部门工作特色和工作成绩 component), publishing the
results (公示: the campaign is frozen with its award list), and the CSV, XLSX and PNG reports
as scoring makes them, downloaded with the reader's own access."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import lead as client
from console.pages import lead_rules as rules
from console.pages.lead import may_edit, reader_token
from console.pages.lead_scores import UNIT_ID
from console.web import Ctx, Page

router = APIRouter()
REPORTS = ("csv", "xlsx", "png")
MARKED_TYPES = ("department", "team")


async def _marks_page(
    ctx: Ctx, token: str, campaign_id: uuid.UUID, form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None, status: int = 200, saved: str = "",
) -> Response:  # fmt: skip
    campaign, marks, everyone = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id),
        client.marks(ctx.api, token, campaign_id),
        client.rankings(ctx.api, token, campaign_id),
    )
    by_unit = {(m.unit_type, m.unit_id): m for m in marks}
    units = [s for s in everyone if s.unit_type in MARKED_TYPES]
    units.sort(key=lambda s: (s.department_id or "", s.unit_type != "department", s.unit_name))
    return ctx.render(
        "lead_marks.html", status=status, campaign=campaign, units=units, marks=by_unit,
        form=form or {}, errors=problems or {}, saved=saved, may_edit=may_edit(ctx),
        names={s.unit_id: s.unit_name for s in everyone}, r=rules,
    )  # fmt: skip


@router.get("/lead/campaigns/{campaign_id}/marks")
async def marks(ctx: Page, campaign_id: uuid.UUID, saved: str = "") -> Response:
    token = await reader_token(ctx)
    return await _marks_page(ctx, token, campaign_id, saved=saved[:128])


@router.post("/lead/campaigns/{campaign_id}/marks")
async def set_mark(
    ctx: Page,
    campaign_id: uuid.UUID,
    unit_type: Annotated[str, Form(max_length=16)] = "",
    unit_id: Annotated[str, Form(max_length=128)] = "",
    mark: Annotated[str, Form(max_length=32)] = "",
    justification: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    token = await reader_token(ctx)
    if unit_type not in MARKED_TYPES or not UNIT_ID.match(unit_id):
        return ctx.render("not_found.html", status=404)
    form = {"unit_type": unit_type, "unit_id": unit_id, "mark": mark,
            "justification": justification}  # fmt: skip
    problems: dict[str, str] = {}
    try:
        value = float(mark.strip())
        if not 0 <= value <= 100:
            raise ValueError(mark)
    except ValueError:
        problems["mark"] = rules.word("mark", ctx.lang)
        value = 0.0
    text = justification.strip()
    if not 1 <= len(text) <= 4000:
        problems["justification"] = rules.word("justification", ctx.lang)
    if not problems:
        try:
            await client.set_mark(ctx.api, token, campaign_id, unit_type, unit_id, value, text)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            problems = {"_form": errors.message(problem, ctx.lang)}
        else:
            target = f"/lead/campaigns/{campaign_id}/marks?saved={unit_id}#unit-{unit_id}"
            return RedirectResponse(target, status_code=303)
    return await _marks_page(ctx, token, campaign_id, form, problems, status=422)


@router.get("/lead/campaigns/{campaign_id}/publish")
async def publish_page(ctx: Page, campaign_id: uuid.UUID) -> Response:
    token = await reader_token(ctx)
    campaign, candidates = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id), client.awards(ctx.api, token, campaign_id)
    )
    return ctx.render(
        "lead_publish.html", campaign=campaign, awards=candidates, may_edit=may_edit(ctx),
        message="", r=rules,
    )  # fmt: skip


@router.post("/lead/campaigns/{campaign_id}/publish")
async def publish(ctx: Page, campaign_id: uuid.UUID) -> Response:
    token = await reader_token(ctx)
    try:
        await client.publish(ctx.api, token, campaign_id)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        campaign, candidates = await asyncio.gather(
            client.campaign(ctx.api, token, campaign_id),
            client.awards(ctx.api, token, campaign_id),
        )
        return ctx.render(
            "lead_publish.html", status=problem.status, campaign=campaign, awards=candidates,
            may_edit=may_edit(ctx), message=errors.message(problem, ctx.lang), r=rules,
        )  # fmt: skip
    return RedirectResponse(f"/lead/campaigns/{campaign_id}/publish", status_code=303)


@router.get("/lead/campaigns/{campaign_id}/report.{kind}")
async def report(ctx: Page, campaign_id: uuid.UUID, kind: str) -> Response:
    token = await reader_token(ctx)
    if kind not in REPORTS:
        return ctx.render("not_found.html", status=404)
    (body, media_type), campaign = await asyncio.gather(
        client.report(ctx.api, token, campaign_id, kind),
        client.campaign(ctx.api, token, campaign_id),
    )
    stem = f"{campaign.period_start:%Y%m%d}-{campaign.period_end:%Y%m%d}"
    disposition = "inline" if kind == "png" else "attachment"
    named = quote(f"{campaign.name}.{kind}", safe="")
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="scores-{stem}.{kind}";'
            f" filename*=UTF-8''{named}",
            "Cache-Control": "private, no-store",
        },
    )
