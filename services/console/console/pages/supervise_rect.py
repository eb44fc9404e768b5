"""整改 and 检查: rectification items (follow the notes; 验收: accept, or send back with a reason and a
new deadline) and inspections recorded from a reusable checklist, whose findings become items."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import supervise as sup
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
READERS = ("supervisor", "leader", "dept_head")
FINDINGS = 3  # finding rows on the inspection form
Text = Annotated[str, Form(max_length=4000)]


def end_of_day(value: str, tz: str) -> datetime | None:
    """A date typed on the form as the end of that day in the console's time zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59), ZoneInfo(tz))


async def _names(ctx: Ctx, token: str) -> dict[str, Any]:
    units, people = await asyncio.gather(ctx.api.unit_names(token), sup.staff_names(ctx.api, token))
    teams = {t.id: (t.name_en if ctx.lang == "en" and t.name_en else t.name) for t in units.teams}
    return {"departments": units.departments_in(ctx.lang), "teams": teams, "people": people}


@router.get("/supervise/rectifications")
async def rectifications(ctx: Page, status: str = "open") -> Response:
    token = await manager_token(ctx, *READERS)
    status = status if status in ("open", "accepted") else "open"
    items, names = await asyncio.gather(
        sup.rectifications(ctx.api, token, status), _names(ctx, token)
    )
    return ctx.render("sup_rectifications.html", items=items, showing=status, **names)


async def _item_page(
    ctx: Ctx, token: str, item_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    item, names = await asyncio.gather(
        sup.rectification(ctx.api, token, item_id), _names(ctx, token)
    )
    values = {"form": {}, "errors": {}, "message": "", **extra}
    return ctx.render("sup_rectification.html", status=status, item=item, **names, **values)


@router.get("/supervise/rectifications/{item_id}")
async def rectification(ctx: Page, item_id: uuid.UUID, done: str = "") -> Response:
    token = await manager_token(ctx, *READERS)
    return await _item_page(ctx, token, item_id, done=done)


@router.post("/supervise/rectifications/{item_id}/notes")
async def add_note(ctx: Page, item_id: uuid.UUID, note: Text = "") -> Response:
    token = await manager_token(ctx, "supervisor", "dept_head")
    form = {"note": note}
    if not note.strip():
        problems = {"note": ctx._("Write the progress made.")}
        return await _item_page(ctx, token, item_id, 422, form=form, errors=problems)
    try:
        await sup.add_note(ctx.api, token, item_id, note.strip())
    except ApiProblem as problem:
        return await _item_page(
            ctx, token, item_id, problem.status, form=form,
            errors=errors.field_messages(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return RedirectResponse(f"/supervise/rectifications/{item_id}?done=note", status_code=303)


@router.post("/supervise/rectifications/{item_id}/acceptance")
async def acceptance(
    ctx: Page,
    item_id: uuid.UUID,
    decision: Annotated[str, Form(max_length=8)] = "",
    reason: Text = "",
    new_deadline: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    token = await manager_token(ctx, "supervisor")
    form = {"decision": decision, "reason": reason, "new_deadline": new_deadline}
    passed = decision == "pass"
    deadline = end_of_day(new_deadline, ctx.settings.timezone)
    problems: dict[str, str] = {}
    if decision not in ("pass", "fail"):
        problems["decision"] = ctx._("Choose: accepted, or not yet.")
    if decision == "fail" and not reason.strip():
        problems["reason"] = ctx._("Say what is still wrong.")
    if decision == "fail" and deadline is None:
        problems["new_deadline"] = ctx._("Give the new deadline.")
    if problems:
        return await _item_page(ctx, token, item_id, 422, form=form, errors=problems)
    body: dict[str, Any] = {"passed": passed, "reason": reason.strip() or None}
    if not passed and deadline is not None:
        body["new_deadline"] = deadline.isoformat()
    try:
        await sup.decide(ctx.api, token, item_id, body)
    except ApiProblem as problem:
        return await _item_page(
            ctx, token, item_id, problem.status, form=form,
            errors=errors.field_messages(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    done = "accepted" if passed else "rejected"
    return RedirectResponse(f"/supervise/rectifications/{item_id}?done={done}", status_code=303)


async def _inspection_page(
    ctx: Ctx, token: str, template_id: str, status: int = 200, **extra: Any
) -> Response:
    templates, names = await asyncio.gather(sup.templates(ctx.api, token), _names(ctx, token))
    first = templates[0] if templates and not template_id else None
    chosen = next((t for t in templates if t.id == template_id), first)
    values = {"form": {}, "errors": {}, "message": "", **extra}
    return ctx.render(
        "sup_inspection.html", status=status, templates=templates, checklist=chosen,
        findings=range(FINDINGS), **names, **values,
    )  # fmt: skip


@router.get("/supervise/inspections/new")
async def new_inspection(ctx: Page, template: str = "") -> Response:
    token = await manager_token(ctx, "supervisor")
    return await _inspection_page(ctx, token, template[:64])


@router.post("/supervise/inspections")
async def record_inspection(ctx: Page, request: Request) -> Response:
    token = await manager_token(ctx, "supervisor")
    raw = await request.form(max_fields=200)
    form = {k: str(v)[:4000] for k, v in raw.items() if isinstance(v, str)}
    templates = await sup.templates(ctx.api, token)
    template = next((t for t in templates if t.id == form.get("template")), None)
    if template is None:
        return await _inspection_page(ctx, token, "", 422, form=form,
                                      errors={"template": ctx._("Choose a checklist.")})  # fmt: skip
    body, problems = inspection_body(form, template, ctx.settings.timezone, ctx._)
    if problems:
        return await _inspection_page(ctx, token, template.id, 422, form=form, errors=problems)
    try:
        made = await sup.record_inspection(ctx.api, token, body)
    except ApiProblem as problem:
        return await _inspection_page(
            ctx, token, template.id, problem.status, form=form,
            errors=errors.field_messages(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    ids = made.get("rectification_ids") or []
    target = f"/supervise/rectifications/{ids[0]}?done=inspection" if ids else "/manage"
    return RedirectResponse(target, status_code=303)


def inspection_body(
    form: dict[str, str], template: sup.Template, tz: str, _: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, or what is missing beside each field (nothing sent)."""
    problems: dict[str, str] = {}
    team = form.get("team", "")
    if not team:
        problems["team"] = _("Choose the team inspected.")
    items = []
    for i, item in enumerate(template.items):
        try:
            score = float(form.get(f"score-{i}", ""))
        except ValueError:
            score = -1.0
        if not 0 <= score <= item.max_score:
            problems[f"score-{i}"] = _("A score from 0 to the full marks.")
        items.append({"name": item.name, "score": max(score, 0.0), "max_score": item.max_score})
    findings = []
    for i in range(FINDINGS):
        text = form.get(f"problem-{i}", "").strip()
        if not text:
            continue
        deadline = end_of_day(form.get(f"deadline-{i}", ""), tz)
        if deadline is None:
            problems[f"deadline-{i}"] = _("Give the deadline.")
            continue
        findings.append({
            "problem": text, "measures": form.get(f"measures-{i}", "").strip() or None,
            "deadline": deadline.isoformat(), "hazard": template.kind == "safety",
        })  # fmt: skip
    body = {"kind": template.kind, "unit_type": "team", "unit_id": team, "items": items,
            "findings": findings}  # fmt: skip
    return body, problems
