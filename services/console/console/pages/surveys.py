"""满意度测评 on a page: /surveys/{survey_id}?t=<personal token> shows the questions for each unit
rated, 1 to 5, and sends the answers once. No sign-in: the personal token (from the link the
person was sent) is the credential, as in feedback's API. A unit the person does not know may be
left out; one half answered is shown beside it, with what was chosen kept."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console import errors
from console.api import ApiProblem
from console.clients import supervise as sup
from console.web import Ctx, Page

router = APIRouter()
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


async def _survey(ctx: Ctx, survey_id: uuid.UUID, token: str) -> dict[str, Any] | Response:
    if not TOKEN.match(token):
        return ctx.render("not_found.html", status=404)
    try:
        survey = await sup.survey_link(ctx.api, token)
    except ApiProblem as problem:
        if problem.status == 404:
            return ctx.render("not_found.html", status=404)
        return ctx.render("survey_done.html", status=problem.status,
                          message=errors.message(problem, ctx.lang))  # fmt: skip
    if str(survey.get("id")) != str(survey_id):
        return ctx.render("not_found.html", status=404)
    return survey


def answers_of(
    form: dict[str, str], survey: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Each fully answered unit's scores; the units half answered (by their form key)."""
    questions = [q["id"] for q in survey["questions"]]
    out: list[dict[str, Any]] = []
    half: dict[str, str] = {}
    for i, unit in enumerate(survey["units"]):
        scores = {}
        for q in questions:
            value = form.get(f"u{i}-{q}", "")
            if value in ("1", "2", "3", "4", "5"):
                scores[q] = int(value)
        if len(scores) == len(questions):
            out.append({"unit_type": unit["unit_type"], "unit_id": unit["unit_id"],
                        "scores": scores})  # fmt: skip
        elif scores:
            half[f"u{i}"] = "half"
    return out, half


@router.get("/surveys/{survey_id}")
async def survey_page(ctx: Page, survey_id: uuid.UUID, t: str = "") -> Response:
    survey = await _survey(ctx, survey_id, t)
    if isinstance(survey, Response):
        return survey
    return ctx.render("survey.html", survey=survey, token=t, form={}, errors={}, message="")


@router.post("/surveys/{survey_id}")
async def answer(ctx: Page, survey_id: uuid.UUID, request: Request) -> Response:
    raw = await request.form(max_fields=2000)
    form = {k: str(v)[:64] for k, v in raw.items() if isinstance(v, str)}
    token = form.get("t", "")
    survey = await _survey(ctx, survey_id, token)
    if isinstance(survey, Response):
        return survey
    answers, half = answers_of(form, survey)
    problems = {k: ctx._("Answer every question for this one, or none.") for k in half}
    if not answers and not problems:
        problems["_form"] = ctx._("Rate at least one of them.")
    if problems:
        return ctx.render("survey.html", status=422, survey=survey, token=token, form=form,
                          errors=problems, message="")  # fmt: skip
    try:
        await sup.answer_survey(ctx.api, token, answers)
    except ApiProblem as problem:
        return ctx.render("survey.html", status=problem.status, survey=survey, token=token,
                          form=form, errors={}, message=errors.message(problem, ctx.lang))  # fmt: skip
    return ctx.render("survey_done.html", message="")
