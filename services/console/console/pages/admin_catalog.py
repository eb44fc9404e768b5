"""服务承诺 for administrators: each service's time limits per urgency, fee, service and complaint
phones, department, calendar, and whether it is public; and tickets' service rules (complaint
and answer time limits, recurring-problem thresholds, the longest pause). Saved through
feedback's PUT /v1/catalog/{code} and tickets' PUT /v1/directory/rules; a refusal shows beside
the field, keeping what was typed."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
Code = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
URGENCIES = ("low", "normal", "urgent", "emergency")
STAGES = ("accept", "arrive", "finish")
MAX_MINUTES = {"accept": 60 * 24 * 90, "arrive": 60 * 24 * 90, "finish": 60 * 24 * 365}
TEXT = {"name": 100, "name_en": 100, "description": 2000, "standard": 2000, "fee": 200,
        "service_phone": 32, "complaint_phone": 32, "department_id": 64,
        "description_en": 2000, "standard_en": 2000, "fee_en": 200}  # fmt: skip
OPTIONAL = ("name_en", "service_phone", "complaint_phone", "department_id", "description_en",
            "standard_en", "fee_en")  # fmt: skip
CHASE_LEVELS = ("level1_percent", "level2_percent", "level3_percent")
RULES = {  # field: (least, most)
    "complaint_acknowledge_minutes": (1, 525_600), "complaint_investigate_minutes": (1, 525_600),
    "complaint_reply_minutes": (1, 525_600), "answer_reply_minutes": (1, 525_600),
    "recurring_count": (2, 1000), "recurring_days": (1, 3650), "pause_max_days": (1, 30),
}  # fmt: skip


def form_of(service: dict[str, Any]) -> dict[str, str]:
    """A catalogue entry as the form's fields (limits as limit-<urgency>-<stage>)."""
    form = {k: str(service.get(k) or "") for k in TEXT}
    form["calendar"] = service.get("calendar") or "working_hours"
    form["public"] = "on" if service.get("public") else ""
    form["active"] = "on" if service.get("active", True) else ""
    form["reply_minutes"] = str(service.get("reply_minutes") or "")
    chase = service.get("escalation") or {}
    form["warn_at_percent"] = str(chase.get("warn_at_percent") or "")
    for i, value in enumerate(chase.get("level_percents") or []):
        form[f"level{i + 1}_percent"] = str(value)
    form["remind_every_minutes"] = str(chase.get("remind_every_minutes") or "")
    for lim in service.get("limits", []):
        for stage in STAGES:
            value = lim.get(f"{stage}_minutes")
            form[f"limit-{lim['urgency']}-{stage}"] = "" if value is None else str(value)
    return form


def entry_of(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The PUT body from the form, and the problems found before sending (field -> code)."""
    problems: dict[str, str] = {}
    entry: dict[str, Any] = {k: form.get(k, "").strip() for k in ("name", "description",
                                                                  "standard", "fee")}  # fmt: skip
    for k in OPTIONAL:
        entry[k] = form.get(k, "").strip() or None
    entry["calendar"] = (
        "round_the_clock" if form.get("calendar") == "round_the_clock" else "working_hours"
    )
    entry["public"] = form.get("public") == "on"
    entry["active"] = form.get("active") == "on"
    if not entry["name"]:
        problems["name"] = "required"
    limits = []
    for urgency in URGENCIES:
        lim: dict[str, Any] = {"urgency": urgency}
        for stage in STAGES:
            raw = form.get(f"limit-{urgency}-{stage}", "").strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_MINUTES[stage]:
                problems[f"limit-{urgency}"] = "minutes"
                continue
            lim[f"{stage}_minutes"] = int(raw)
        given = [lim[f"{s}_minutes"] for s in STAGES if f"{s}_minutes" in lim]
        if given != sorted(given):
            problems[f"limit-{urgency}"] = "order"
        if len(lim) > 1:
            limits.append(lim)
    entry["limits"] = limits
    entry["reply_minutes"] = _whole(form, "reply_minutes", 1, 60 * 24 * 90, problems)
    entry["escalation"] = _chase(form, problems)
    return entry, problems


def _whole(
    form: dict[str, str], key: str, least: int, most: int, problems: dict[str, str]
) -> int | None:
    raw = form.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not least <= int(raw) <= most:
        problems[key] = f"range:{least}:{most}"
        return None
    return int(raw)


def _chase(form: dict[str, str], problems: dict[str, str]) -> dict[str, Any] | None:
    """The service's own chase (督办) thresholds, or None (the defaults) when all are empty."""
    keys = ("warn_at_percent", *CHASE_LEVELS, "remind_every_minutes")
    if not any(form.get(k, "").strip() for k in keys):
        return None
    warn = _whole(form, "warn_at_percent", 1, 99, problems) or 80
    levels = [_whole(form, k, 100, 2000, problems) for k in CHASE_LEVELS]
    given = [v if v is not None else d for v, d in zip(levels, (100, 200, 300), strict=True)]
    if not problems and not given[0] < given[1] < given[2]:
        problems["level3_percent"] = "levels"
    remind = _whole(form, "remind_every_minutes", 5, 10080, problems) or 120
    return {"warn_at_percent": warn, "level_percents": given, "remind_every_minutes": remind}


def _words(ctx: Ctx, problems: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, code in problems.items():
        if code.startswith("range:"):
            _, least, most = code.split(":")
            out[key] = ctx._("A whole number from %(a)s to %(b)s.", a=least, b=most)
    said = {
        "levels": ctx._(
            "Levels 1, 2 and 3 must come one after the other (each later share larger)."
        ),
        "required": ctx._("Give the service a name."),
        "minutes": ctx._("Whole minutes, at least 1."),
        "order": ctx._("Each stage must allow at least as long as the one before it."),
    }
    return {k: out.get(k) or said.get(v, v) for k, v in problems.items()}


@router.get("/admin/catalog")
async def catalog(ctx: Page, saved: str = "") -> Response:
    token = await admin_token(ctx)
    services, units, rules = await asyncio.gather(
        client.services(ctx.api), ctx.api.unit_names(token), client.rules(ctx.api, token)
    )
    return ctx.render(
        "admin_catalog.html", services=services, rules=rules, saved=saved,
        departments=units.departments_in(ctx.lang),
    )  # fmt: skip


async def _service_page(
    ctx: Ctx, token: str, code: str, form: dict[str, str], problems: dict[str, str] | None = None,
    message: str = "", status: int = 200,
) -> Response:  # fmt: skip
    units = await ctx.api.unit_names(token)
    return ctx.render(
        "admin_service.html", status=status, code=code, form=form, errors=problems or {},
        message=message, departments=units.departments_in(ctx.lang), urgencies=URGENCIES,
        stages=STAGES,
    )  # fmt: skip


@router.get("/admin/catalog/{code}")
async def service_form(ctx: Page, code: Code) -> Response:
    token = await admin_token(ctx)
    return await _service_page(ctx, token, code, form_of(await client.service(ctx.api, code)))


@router.post("/admin/catalog/{code}")
async def save_service(ctx: Page, code: Code) -> Response:
    token = await admin_token(ctx)
    raw = await ctx.request.form()
    form = {k: v[:2000] for k, v in raw.items() if isinstance(v, str) and len(k) <= 40}
    entry, found = entry_of(form)
    if found:
        return await _service_page(ctx, token, code, form, _words(ctx, found), status=422)
    try:
        await client.put_service(ctx.api, token, code, entry)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _service_page(
            ctx, token, code, form, errors.field_messages(problem, ctx.lang),
            errors.message(problem, ctx.lang), status=422,
        )  # fmt: skip
    return RedirectResponse(f"/admin/catalog?saved={code}", status_code=303)


@router.post("/admin/catalog-rules")
async def save_rules(ctx: Page) -> Response:
    token = await admin_token(ctx)
    raw = await ctx.request.form()
    form = {k: str(raw.get(k, "")).strip()[:12] for k in RULES}
    problems: dict[str, str] = {}
    body: dict[str, int] = {}
    for key, (least, most) in RULES.items():
        if not form[key].isdigit() or not least <= int(form[key]) <= most:
            problems[key] = ctx._("A whole number from %(a)s to %(b)s.", a=least, b=most)
        else:
            body[key] = int(form[key])
    message = ""
    if not problems:
        try:
            current = await client.rules(ctx.api, token)
            await client.put_rules(ctx.api, token, {**current, **body})
            return RedirectResponse("/admin/catalog?saved=rules", status_code=303)
        except ApiProblem as problem:
            if problem.status >= 500 or problem.status in (401, 403):
                raise
            problems = errors.field_messages(problem, ctx.lang)
            message = errors.message(problem, ctx.lang)
    services, units = await asyncio.gather(client.services(ctx.api), ctx.api.unit_names(token))
    return ctx.render(
        "admin_catalog.html", status=422, services=services, rules=form, errors=problems,
        message=message, saved="", departments=units.departments_in(ctx.lang),
    )  # fmt: skip
