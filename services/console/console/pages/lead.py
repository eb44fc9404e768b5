"""For leaders (领导小组), on a desktop: the campaigns (考核活动), and creating or editing one:
weights, award quotas, period, minimum samples and the veto, with every mistake said in words
beside its field and what was typed kept. Rankings, explanations and charts are in
lead_scores.py; work marks, publication and the reports in lead_awards.py."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import lead as client
from console.pages import lead_rules as rules
from console.web import Ctx, Page

router = APIRouter()
READERS = ("leader", "admin", "supervisor", "dept_head", "team_lead")
EDITORS = ("leader", "admin")
MAX_FORM_LIST = 500


async def reader_token(ctx: Ctx) -> str:
    """The signed-in person's token; 403 page unless their role reads scores at all."""
    token = await ctx.token()
    user = ctx.session.user
    if user is None or not user.has(*READERS):
        raise ApiProblem(403, {"type": "https://houqin.dev/problems/role-required"})
    return token


def may_edit(ctx: Ctx) -> bool:
    user = ctx.session.user
    return user is not None and user.has(*EDITORS)


async def department_names(ctx: Ctx, token: str) -> dict[str, str]:
    return (await ctx.api.unit_names(token)).departments_in(ctx.lang)


@router.get("/lead")
async def campaigns(ctx: Page) -> Response:
    token = await reader_token(ctx)
    found, departments = await asyncio.gather(
        client.campaigns(ctx.api, token), department_names(ctx, token)
    )
    return ctx.render("lead.html", campaigns=found, departments=departments, may_edit=may_edit(ctx))


def _form_page(
    ctx: Ctx, form: dict[str, Any], problems: dict[str, str], departments: dict[str, str],
    campaign: client.Campaign | None, status: int = 200,
) -> Response:  # fmt: skip
    return ctx.render(
        "lead_campaign_form.html", status=status, form=form, errors=problems,
        departments=departments, campaign=campaign, roundings=rules.ROUNDINGS,
        veto_kinds=rules.VETO_KINDS, incident_kinds=rules.INCIDENT_KINDS, pick=rules.pick,
        may_edit=may_edit(ctx),
    )  # fmt: skip


@router.get("/lead/campaigns/new")
async def new_campaign(ctx: Page) -> Response:
    token = await reader_token(ctx)
    return _form_page(ctx, rules.form_of(None), {}, await department_names(ctx, token), None)


@router.get("/lead/campaigns/{campaign_id}/edit")
async def edit_campaign(ctx: Page, campaign_id: uuid.UUID) -> Response:
    token = await reader_token(ctx)
    campaign, departments = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id), department_names(ctx, token)
    )
    return _form_page(ctx, rules.form_of(campaign), {}, departments, campaign)


async def _posted(ctx: Ctx) -> dict[str, Any]:
    """The campaign form as typed: text fields cut to their bound, lists kept as lists."""
    data = await ctx.request.form()
    form: dict[str, Any] = {}
    for field in ("name", "period_start", "period_end", "q_rounding", *rules.NUMBERS):
        value = data.get(field)
        form[field] = value[:300] if isinstance(value, str) else ""
    for field in ("departments", "veto_kinds"):
        form[field] = [v[:128] for v in data.getlist(field)[:MAX_FORM_LIST] if isinstance(v, str)]
    form["veto_cascade"] = data.get("veto_cascade") == "on"
    return form


async def _save(ctx: Ctx, campaign_id: uuid.UUID | None) -> Response:
    token = await reader_token(ctx)
    form = await _posted(ctx)
    campaign = await client.campaign(ctx.api, token, campaign_id) if campaign_id else None
    zone = campaign.timezone if campaign else "Asia/Shanghai"
    body, problems = rules.parse_campaign(form, ctx.lang, zone)
    if not problems:
        try:
            saved = await client.save_campaign(ctx.api, token, body, campaign_id)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            problems = rules.api_errors(problem, ctx.lang) or {}
            problems.setdefault("_form", errors.message(problem, ctx.lang))
        else:
            return RedirectResponse(f"/lead/campaigns/{saved.id}?saved=1", status_code=303)
    departments = await department_names(ctx, token)
    return _form_page(ctx, form, problems, departments, campaign, status=422)


@router.post("/lead/campaigns/new")
async def create_campaign(ctx: Page) -> Response:
    return await _save(ctx, None)


@router.post("/lead/campaigns/{campaign_id}/edit")
async def update_campaign(ctx: Page, campaign_id: uuid.UUID) -> Response:
    return await _save(ctx, campaign_id)
