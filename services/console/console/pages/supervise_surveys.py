"""满意度测评 for supervisors: /supervise/surveys lists the surveys (links issued and answered,
open or closed); /supervise/surveys/new makes one (title, period, questions one a line, the
departments and teams rated, by name); /supervise/surveys/{id} shows the results so far, sends
personal links to the accounts typed (feedback issues them, notify sends each their own) and
closes the survey. What the API refuses is shown beside the field, with what was typed kept."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import date
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from console import errors, i18n
from console.api import ApiProblem
from console.clients import lead
from console.clients import surveys as api
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
SUPERVISORS = ("supervisor",)
ACCOUNT = re.compile(r"^[A-Za-z0-9._@-]{1,128}$")  # a student or staff number, a user name
MAX_ACCOUNTS = 5000  # accounts sent at once (feedback takes 20,000)
DEFAULT_QUESTIONS = {
    "zh": "服务态度是否热情周到？\n办事是否及时高效？\n服务质量是否满意？",
    "en": "Were they courteous and helpful?\nWere they quick?\nAre you satisfied with the work?",
}


async def unit_choices(ctx: Ctx, token: str) -> list[dict[str, str]]:
    """The departments and teams one may rate or vote for, by name in the reader's language."""
    names = await ctx.api.unit_names(token)
    en = ctx.lang == "en"
    out = [{"key": f"department:{d.id}", "label": (d.name_en if en and d.name_en else d.name),
            "name": d.name, "kind": "department"} for d in names.departments]  # fmt: skip
    out += [{"key": f"team:{t.id}", "label": (t.name_en if en and t.name_en else t.name),
             "name": t.name, "kind": "team"} for t in names.teams]  # fmt: skip
    return out


def day(value: date, lang: str) -> str:
    """A day as people write it: 2026年12月5日 / Dec 5, 2026."""
    return format_date(value, "medium" if lang == "en" else "y年M月d日", locale=i18n.LANGS[lang])


def unit_names(choices: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """(unit type, unit id) -> its name in the reader's language."""
    return {tuple(c["key"].split(":", 1)): c["label"] for c in choices}  # type: ignore[misc]


def chosen_units(keys: list[str], choices: list[dict[str, str]]) -> list[dict[str, str]]:
    """The API's options for the units ticked (unknown keys are left out), labelled by their
    Chinese name whatever the page's language (the pages show each reader theirs)."""
    by_key = {c["key"]: c for c in choices}
    out = []
    for key in dict.fromkeys(keys):
        if key in by_key:
            unit_type, unit_id = key.split(":", 1)
            label = by_key[key].get("name") or by_key[key]["label"]
            out.append({"unit_type": unit_type, "unit_id": unit_id, "label": label})
    return out


def survey_body(
    form: dict[str, Any], choices: list[dict[str, str]], _: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, or what is missing beside each field (nothing sent)."""
    problems: dict[str, str] = {}
    title = str(form.get("title", "")).strip()
    if not title:
        problems["title"] = _("Give the survey a title.")
    days: dict[str, date] = {}
    for name in ("period_start", "period_end"):
        try:
            days[name] = date.fromisoformat(str(form.get(name, "")))
        except ValueError:
            problems[name] = _("Choose a date.")
    if len(days) == 2 and days["period_end"] < days["period_start"]:
        problems["period_end"] = _("The last day cannot be before the first.")
    lines = [q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip()]
    if not lines:
        problems["questions"] = _("Write at least one question, one a line.")
    elif len(lines) > 30 or any(len(q) > 500 for q in lines):
        problems["questions"] = _("At most 30 questions of up to 500 characters.")
    units = chosen_units(list(form.get("units", [])), choices)
    if not units:
        problems["units"] = _("Tick the departments and teams to rate.")
    body: dict[str, Any] = {
        "title": title,
        "period_start": str(days.get("period_start", "")),
        "period_end": str(days.get("period_end", "")),
        "questions": [{"id": f"q{i + 1}", "text": q} for i, q in enumerate(lines)],
        "units": units,
    }
    if form.get("campaign_id"):
        body["campaign_id"] = form["campaign_id"]
    return body, problems


def accounts_of(text: str) -> list[str]:
    """Accounts typed one a line (or separated by commas or spaces), each once."""
    return list(dict.fromkeys(a for a in re.split(r"[\s,，;；]+", text) if a))


async def _campaigns(ctx: Ctx, token: str) -> list[lead.Campaign]:
    try:
        return await lead.campaigns(ctx.api, token)
    except ApiProblem:  # campaigns are optional here
        return []


@router.get("/supervise/surveys")
async def list_surveys(ctx: Page) -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    surveys = await api.surveys(ctx.api, token)
    return ctx.render("sup_surveys.html", surveys=surveys, day=lambda d: day(d, ctx.lang))


async def _new_page(ctx: Ctx, token: str, status: int = 200, **extra: Any) -> Response:
    choices, campaigns = await asyncio.gather(unit_choices(ctx, token), _campaigns(ctx, token))
    lang = "en" if ctx.lang == "en" else "zh"
    form = {"questions": DEFAULT_QUESTIONS[lang], "units": []}
    values = {"form": form, "errors": {}, "message": "", **extra}
    return ctx.render("sup_survey_new.html", status=status, choices=choices,
                      campaigns=campaigns, **values)  # fmt: skip


@router.get("/supervise/surveys/new")
async def new_survey(ctx: Page) -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    return await _new_page(ctx, token)


@router.post("/supervise/surveys")
async def create_survey(ctx: Page, request: Request) -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    raw = await request.form(max_fields=500)
    form: dict[str, Any] = {k: str(v)[:20000] for k, v in raw.items() if isinstance(v, str)}
    form["units"] = [str(v)[:200] for v in raw.getlist("units")][:400]
    choices = await unit_choices(ctx, token)
    body, problems = survey_body(form, choices, ctx._)
    if problems:
        return await _new_page(ctx, token, 422, form=form, errors=problems)
    try:
        survey_id = await api.create_survey(ctx.api, token, body)
    except ApiProblem as problem:
        found = errors.field_messages(problem, ctx.lang)
        return await _new_page(ctx, token, problem.status, form=form, errors=found,
                               message=errors.message(problem, ctx.lang))  # fmt: skip
    return RedirectResponse(f"/supervise/surveys/{survey_id}?done=created", status_code=303)


async def _survey_page(
    ctx: Ctx, token: str, survey_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    state, choices = await asyncio.gather(
        api.survey(ctx.api, token, survey_id), unit_choices(ctx, token)
    )
    values = {"form": {}, "errors": {}, "message": "", "done": "", "sent": None, **extra}
    return ctx.render("sup_survey.html", status=status, state=state, s=state.survey,
                      names=unit_names(choices), day=lambda d: day(d, ctx.lang), **values)  # fmt: skip


@router.get("/supervise/surveys/{survey_id}")
async def survey(ctx: Page, survey_id: uuid.UUID, done: str = "") -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    return await _survey_page(ctx, token, survey_id, done=done[:16])


@router.post("/supervise/surveys/{survey_id}/send")
async def send(
    ctx: Page, survey_id: uuid.UUID, accounts: Annotated[str, Form(max_length=200_000)] = ""
) -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    form = {"accounts": accounts}
    users = accounts_of(accounts)
    bad = [a for a in users if not ACCOUNT.match(a)]
    problem_text = ""
    if not users:
        problem_text = ctx._("Type the accounts (student or staff numbers) to send the survey to.")
    elif bad:
        problem_text = ctx._("Not an account: %(account)s", account=bad[0][:40])
    elif len(users) > MAX_ACCOUNTS:
        problem_text = ctx._("At most %(n)s accounts at a time.", n=MAX_ACCOUNTS)
    if problem_text:
        return await _survey_page(ctx, token, survey_id, 422, form=form,
                                  errors={"accounts": problem_text})  # fmt: skip
    try:
        new = await api.send_links(ctx.api, token, survey_id, users)
    except ApiProblem as problem:
        found = errors.field_messages(problem, ctx.lang)
        found.setdefault("accounts", errors.message(problem, ctx.lang))
        return await _survey_page(ctx, token, survey_id, problem.status, form=form, errors=found)
    sent = {"new": new, "again": len(users) - new}
    return await _survey_page(ctx, token, survey_id, sent=sent)


@router.post("/supervise/surveys/{survey_id}/close")
async def close(ctx: Page, survey_id: uuid.UUID) -> Response:
    token = await manager_token(ctx, *SUPERVISORS)
    try:
        await api.close_survey(ctx.api, token, survey_id)
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return await _survey_page(ctx, token, survey_id, problem.status,
                                  message=errors.message(problem, ctx.lang))  # fmt: skip
    return RedirectResponse(f"/supervise/surveys/{survey_id}?done=closed", status_code=303)
