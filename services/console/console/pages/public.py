"""Public pages, no sign-in: home, the service catalogue (服务承诺), the public board (公示),
查询进度 by tracking number and access code, and the language switch."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiDown, ApiProblem
from console.auth import SsoDown, TokenRefused
from console.clients import lead
from console.i18n import COOKIE as LANG_COOKIE
from console.i18n import LANGS
from console.pages import lead_rules
from console.security import safe_next
from console.web import Page

router = APIRouter()
TRACKING_NO = re.compile(r"^FK\d{8}-\d{4,}$")


@router.get("/")
async def home(ctx: Page) -> Response:
    return ctx.render("home.html")


@router.get("/services")
async def services(ctx: Page) -> Response:
    return ctx.render("services.html", services=await ctx.api.catalogue())


async def _department_names(ctx: Page) -> dict[str, str]:
    """Departments by name in the reader's language (tickets' unit names, read with the
    console's own token); {} when they cannot be had: the board still shows."""
    try:
        token = await ctx.oidc.own_token()
        return (await ctx.api.unit_names(token)).departments_in(ctx.lang)
    except (ApiProblem, ApiDown, SsoDown, TokenRefused):
        return {}


async def _published(ctx: Page) -> list[lead.Published]:
    """公示: the latest published campaigns' awards and rankings (scoring, read with the
    console's own token); [] when they cannot be had: the board still shows."""
    try:
        return await lead.published(ctx.api, await ctx.oidc.own_token(), limit=2)
    except (ApiProblem, ApiDown, SsoDown, TokenRefused):
        return []


@router.get("/board")
async def board(ctx: Page) -> Response:
    board, catalogue, departments, published = await asyncio.gather(
        ctx.api.board(ctx.client), ctx.api.catalogue(), _department_names(ctx), _published(ctx)
    )
    names = {s.code: s.title(ctx.lang) for s in catalogue}
    return ctx.render(
        "board.html", board=board, names=names, departments=departments, published=published,
        lead_words=lead_rules,
    )  # fmt: skip


@router.get("/track")
async def track_form(ctx: Page, no: str = "") -> Response:
    return ctx.render("track.html", form={"tracking_no": no[:32], "code": ""}, errors={})


@router.post("/track")
async def track(
    ctx: Page,
    tracking_no: Annotated[str, Form(max_length=64)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    form = {"tracking_no": tracking_no.strip().upper(), "code": code.strip()}
    problems: dict[str, str] = {}
    if not TRACKING_NO.match(form["tracking_no"]):
        problems["tracking_no"] = errors.field_word("tracking_no", ctx.lang)
    if not 1 <= len(form["code"]) <= 16:
        problems["code"] = errors.field_word("code", ctx.lang)
    if problems:
        return ctx.render("track.html", status=422, form=form, errors=problems)
    try:
        found = await ctx.api.track(form["tracking_no"], form["code"], ctx.client)
    except ApiProblem as problem:
        fields = errors.field_messages(problem, ctx.lang)
        return ctx.render(
            "track.html",
            status=problem.status,
            form=form,
            errors=fields or {"_form": errors.message(problem, ctx.lang)},
        )
    return ctx.render("tracked.html", report=found)


@router.get("/lang/{lang}")
async def switch_language(lang: str, next: str = "/") -> Response:
    """The 中文/English switch: remembered for a year in the `lang` cookie."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
