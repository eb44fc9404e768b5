"""评优推荐与审批 (issue 18) for leaders, department heads and team leads, on a desktop: a
campaign's award kinds with each department's quota, a department head's nomination with the
deeds (主要事迹), and the recommendation forms with their sign-off chain (班组长, 科室,
分管处领导, 处长): approve, return with a comment or reject at the current step, resubmit a
returned form, download the filled form (附表1–3) as PDF. Every refusal of the API is said in
words beside its field, what was typed kept."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import awards as client
from console.clients import lead as lead_client
from console.pages.lead import department_names, may_edit, reader_token
from console.web import Ctx, Page

router = APIRouter()
NOMINATORS = ("dept_head", "leader", "admin")
UNIT_FIELD = ("award-unit-not-found", "award-unit-mismatch", "award-unit-forbidden",
              "award-vetoed", "award-not-eligible", "award-over-quota", "nomination-exists")  # fmt: skip
DECISIONS = ("approve", "return", "reject")


def _slug(problem: ApiProblem) -> str:
    return (problem.type or "").rsplit("/", 1)[-1]


async def _page(
    ctx: Ctx, token: str, campaign_id: uuid.UUID, form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None, status: int = 200, focus: str = "",
) -> Response:  # fmt: skip
    campaign = await lead_client.campaign(ctx.api, token, campaign_id)
    try:
        setup = await client.setup(ctx.api, token, campaign_id)
    except ApiProblem as problem:
        if _slug(problem) != "award-setup-missing":
            raise
        return ctx.render("lead_award_nominations.html", status=status, campaign=campaign,
                          setup=None, may_edit=may_edit(ctx), errors=problems or {})  # fmt: skip
    found, units, departments = await asyncio.gather(
        client.nominations(ctx.api, token, campaign_id),
        lead_client.rankings(ctx.api, token, campaign_id), department_names(ctx, token),
    )  # fmt: skip
    choices = [(u.unit_type, u.unit_id, u.unit_name, u.vetoed) for u in units]
    choices += [(u.unit_type, u.unit_id, u.name, False) for u in setup.setup.units]
    user = ctx.session.user
    roles = user.roles if user else frozenset()
    return ctx.render(
        "lead_award_nominations.html", status=status, campaign=campaign, setup=setup,
        nominations=found, choices=choices, departments=departments, roles=roles,
        kinds={k.code: k for k in setup.setup.kinds}, form=form or {}, errors=problems or {},
        may_nominate=bool(user and user.has(*NOMINATORS)), may_edit=may_edit(ctx), focus=focus,
        taken=_taken(found),
    )  # fmt: skip


def _taken(found: list[client.Nomination]) -> dict[str, int]:
    """Nominations holding a quota place per "kind|department id", and per "kind|" overall."""
    out: dict[str, int] = {}
    for n in found:
        if n.status != "rejected":
            for key in (f"{n.kind}|{n.department_id or ''}", f"{n.kind}|"):
                out[key] = out.get(key, 0) + 1
    return out


@router.get("/lead/awards")
async def index(ctx: Page) -> Response:
    token = await reader_token(ctx)
    campaigns = await lead_client.campaigns(ctx.api, token)
    return ctx.render("lead_award_index.html", campaigns=campaigns, campaign=None)


@router.get("/lead/awards/{campaign_id}")
async def page(ctx: Page, campaign_id: uuid.UUID, done: str = "") -> Response:
    token = await reader_token(ctx)
    return await _page(ctx, token, campaign_id, focus=done[:64])


@router.post("/lead/awards/{campaign_id}/template")
async def use_template(ctx: Page, campaign_id: uuid.UUID) -> Response:
    """Leaders: the campaign's award kinds from seed 002's template."""
    token = await reader_token(ctx)
    r = await ctx.api.call("scoring", "GET", "/v1/award-templates/seed002", token)
    path = f"/v1/campaigns/{campaign_id}/award-setup"
    try:
        await ctx.api.call("scoring", "PUT", path, token, json=r.json())
    except ApiProblem as problem:
        if problem.status not in (403, 409, 422):
            raise
        problems = {"_form": errors.message(problem, ctx.lang)}
        return await _page(ctx, token, campaign_id, problems=problems, status=problem.status)
    return RedirectResponse(f"/lead/awards/{campaign_id}", status_code=303)


@router.post("/lead/awards/{campaign_id}/nominate")
async def nominate(
    ctx: Page,
    campaign_id: uuid.UUID,
    kind: Annotated[str, Form(max_length=40)] = "",
    unit: Annotated[str, Form(max_length=200)] = "",
    deeds: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    token = await reader_token(ctx)
    form = {"kind": kind, "unit": unit, "deeds": deeds}
    problems = _nomination_problems(ctx, form)
    if not problems:
        unit_type, _, unit_id = unit.partition(":")
        body = {"kind": kind, "unit_type": unit_type, "unit_id": unit_id, "deeds": deeds.strip()}
        try:
            await client.nominate(ctx.api, token, campaign_id, body)
        except ApiProblem as problem:
            if problem.status not in (403, 404, 409, 422):
                raise
            problems = _placed(problem, ctx.lang)
        else:
            return RedirectResponse(f"/lead/awards/{campaign_id}?done=nominated", status_code=303)
    return await _page(ctx, token, campaign_id, form, problems, status=422)


def _nomination_problems(ctx: Ctx, form: dict[str, str]) -> dict[str, str]:
    _ = ctx._
    out = {}
    if not form["kind"]:
        out["kind"] = _("Choose the award.")
    if ":" not in form["unit"]:
        out["unit"] = _("Choose whom to nominate.")
    if not 1 <= len(form["deeds"].strip()) <= 4000:
        out["deeds"] = _("Write the deeds (主要事迹), at most 4,000 characters.")
    return out


def _placed(problem: ApiProblem, lang: str) -> dict[str, str]:
    """The API's refusal beside the field it is about."""
    slug, text = _slug(problem), errors.message(problem, lang)
    if slug in UNIT_FIELD:
        return {"unit": text}
    if slug == "award-kind-unknown":
        return {"kind": text}
    fields = errors.field_messages(problem, lang)
    if "deeds" in fields:
        return {"deeds": fields["deeds"]}
    return {"_form": text}


@router.post("/lead/awards/{campaign_id}/nominations/{nomination_id}/sign")
async def sign(
    ctx: Page,
    campaign_id: uuid.UUID,
    nomination_id: uuid.UUID,
    step: Annotated[str, Form(max_length=40)] = "",
    decision: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    token = await reader_token(ctx)
    key = f"n-{nomination_id}"
    form = {"nomination": str(nomination_id), "decision": decision, "comment": comment}
    if decision not in DECISIONS:
        return await _page(ctx, token, campaign_id, form,
                           {key: ctx._("Choose approve, return or reject.")}, 422)  # fmt: skip
    body = {"step": step, "decision": decision, "comment": comment.strip()}
    sent = client.sign(ctx.api, token, nomination_id, body)
    return await _sent(ctx, token, campaign_id, form, key, sent)


@router.post("/lead/awards/{campaign_id}/nominations/{nomination_id}/resubmit")
async def resubmit(
    ctx: Page,
    campaign_id: uuid.UUID,
    nomination_id: uuid.UUID,
    deeds: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    token = await reader_token(ctx)
    key = f"n-{nomination_id}"
    form: dict[str, Any] = {"nomination": str(nomination_id), "deeds": deeds}
    if not 1 <= len(deeds.strip()) <= 4000:
        return await _page(ctx, token, campaign_id, form,
                           {key: ctx._("Write the deeds (主要事迹), at most 4,000 characters.")}, 422)  # fmt: skip
    sent = client.resubmit(ctx.api, token, nomination_id, deeds.strip())
    return await _sent(ctx, token, campaign_id, form, key, sent)


async def _sent(
    ctx: Ctx,
    token: str,
    campaign_id: uuid.UUID,
    form: dict[str, Any],
    key: str,
    sent: Awaitable[Any],
) -> Response:
    """Await the call to scoring: back to the campaign's page at the nomination when it is done,
    or the page again with scoring's refusal by the nomination."""
    try:
        await sent
    except ApiProblem as problem:
        if problem.status not in (403, 404, 409, 422):
            raise
        return await _page(ctx, token, campaign_id, form,
                           {key: errors.message(problem, ctx.lang)}, 422)  # fmt: skip
    return RedirectResponse(f"/lead/awards/{campaign_id}?done={key}#{key}", status_code=303)


@router.get("/lead/awards/nominations/{nomination_id}/form.pdf")
async def form_pdf(ctx: Page, nomination_id: uuid.UUID) -> Response:
    token = await reader_token(ctx)
    body = await client.form_pdf(ctx.api, token, nomination_id)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="form-{nomination_id}.pdf"',
        "Cache-Control": "private, no-store",
    })  # fmt: skip
