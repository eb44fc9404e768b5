"""后勤接待日 reception days: /supervise/reception lists the sessions and schedules one (day,
place, the leaders attending); /supervise/reception/{id} logs what people raise at it, each a
report with the channel reception_day, and when leaders answer on the spot, the answer closes it
at once. The clerk is shown the tracking number and access code to hand over. Supervisors,
leaders and front-desk clerks (feedback checks again)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from console import errors, labels
from console.api import ApiProblem
from console.clients import surveys as api
from console.pages.manage import manager_token
from console.pages.supervise_surveys import day
from console.web import Ctx, Page

router = APIRouter()
CLERKS = ("supervisor", "leader", "front_desk")
KINDS = tuple(labels.KIND)
ACCOUNT = re.compile(r"^[^\s\x00-\x1f]{1,128}$")


def session_body(form: dict[str, str], _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    problems: dict[str, str] = {}
    try:
        held_on = date.fromisoformat(form.get("held_on", ""))
    except ValueError:
        held_on = None
        problems["held_on"] = _("Choose the day.")
    place = form.get("place", "").strip()
    if not place:
        problems["place"] = _("Say where it is held.")
    leaders = [x.strip() for x in re.split(r"[\n,，、;；]+", form.get("leaders", "")) if x.strip()]
    if not leaders:
        problems["leaders"] = _("Name at least one leader attending.")
    elif len(leaders) > 20 or any(len(x) > 100 for x in leaders):
        problems["leaders"] = _("At most 20 leaders, each name up to 100 characters.")
    body = {"held_on": str(held_on or ""), "place": place, "leaders": leaders}
    return body, problems


def report_body(
    form: dict[str, str], categories: set[str], _: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body of a report raised at the session, or what is missing beside each field."""
    problems: dict[str, str] = {}
    if form.get("kind") not in KINDS:
        problems["kind"] = _("Choose what kind of report it is.")
    if form.get("category") not in categories:
        problems["category"] = _("Choose the service it is about.")
    place = form.get("place", "").strip()
    if not place:
        problems["place"] = _("Say where the problem is.")
    description = form.get("description", "").strip()
    if not description:
        problems["description"] = _("Write down what was raised.")
    who = form.get("on_behalf_of", "").strip()
    if who and not ACCOUNT.match(who):
        problems["on_behalf_of"] = _("An account has no spaces (student or staff number).")
    body: dict[str, Any] = {
        "kind": form.get("kind", ""), "category": form.get("category", ""),
        "location": {"text": place}, "description": description,
        "anonymous": form.get("anonymous") == "1",
    }  # fmt: skip
    for name in ("contact", "answer"):
        if form.get(name, "").strip():
            body[name] = form[name].strip()
    if who:
        body["on_behalf_of"] = who
    return body, problems


@router.get("/supervise/reception")
async def sessions(ctx: Page) -> Response:
    token = await manager_token(ctx, *CLERKS)
    return await _sessions_page(ctx, token)


async def _sessions_page(ctx: Ctx, token: str, status: int = 200, **extra: Any) -> Response:
    values = {"form": {}, "errors": {}, "message": "", **extra}
    return ctx.render("sup_reception.html", status=status, day=lambda d: day(d, ctx.lang),
                      sessions=await api.sessions(ctx.api, token), **values)  # fmt: skip


@router.post("/supervise/reception")
async def schedule(
    ctx: Page,
    held_on: Annotated[str, Form(max_length=10)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    leaders: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    token = await manager_token(ctx, *CLERKS)
    form = {"held_on": held_on, "place": place, "leaders": leaders}
    body, problems = session_body(form, ctx._)
    if problems:
        return await _sessions_page(ctx, token, 422, form=form, errors=problems)
    try:
        session_id = await api.schedule(ctx.api, token, body)
    except ApiProblem as problem:
        return await _sessions_page(
            ctx, token, problem.status, form=form,
            errors=errors.field_messages(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return RedirectResponse(f"/supervise/reception/{session_id}?done=scheduled", status_code=303)


async def _session_page(
    ctx: Ctx, token: str, session_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    (session, reports), catalogue = await asyncio.gather(
        api.session(ctx.api, token, session_id), ctx.api.catalogue()
    )
    values = {"form": {"kind": "repair"}, "errors": {}, "message": "", "done": "", "filed": None,
              **extra}  # fmt: skip
    return ctx.render(
        "sup_reception_session.html", status=status, session=session, reports=reports,
        services=[(c.code, c.title(ctx.lang)) for c in catalogue], kinds=KINDS,
        day=lambda d: day(d, ctx.lang), **values,
    )  # fmt: skip


@router.get("/supervise/reception/{session_id}")
async def session(ctx: Page, session_id: uuid.UUID, done: str = "") -> Response:
    token = await manager_token(ctx, *CLERKS)
    return await _session_page(ctx, token, session_id, done=done[:16])


@router.post("/supervise/reception/{session_id}/reports")
async def log_report(ctx: Page, session_id: uuid.UUID, request: Request) -> Response:
    token = await manager_token(ctx, *CLERKS)
    raw = await request.form(max_fields=50)
    form = {k: str(v)[:4000] for k, v in raw.items() if isinstance(v, str)}
    catalogue = await ctx.api.catalogue()
    body, problems = report_body(form, {c.code for c in catalogue}, ctx._)
    if problems:
        return await _session_page(ctx, token, session_id, 422, form=form, errors=problems)
    try:
        filed = await api.log_report(ctx.api, token, session_id, body)
    except ApiProblem as problem:
        found = errors.field_messages(problem, ctx.lang)
        if "text" in found:  # the place is the location's free text
            found["place"] = found.pop("text")
        return await _session_page(ctx, token, session_id, problem.status, form=form,
                                   errors=found, message=errors.message(problem, ctx.lang))  # fmt: skip
    return await _session_page(ctx, token, session_id, filed=filed)
