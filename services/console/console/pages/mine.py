"""我的报修: my reports in tabs, each report's timeline, and 确认与评价 (confirm and rate)."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors, labels
from console.api import ApiProblem, Report
from console.web import Page

router = APIRouter()
TRACKING_NO = re.compile(r"^FK\d{8}-\d{4,}$")
LOW = 2  # a score at or below this needs a comment (feedback's rule)


@router.get("/mine")
async def my_reports(ctx: Page, tab: str = "") -> Response:
    token = await ctx.token()
    own, supported, catalogue = await asyncio.gather(
        ctx.api.my_reports(token), ctx.api.my_reports(token, supported=True), ctx.api.catalogue()
    )
    seen = {r.id for r in own}
    reports = own + [r for r in supported if r.id not in seen]
    by_tab: dict[str, list[Report]] = {t: [] for t in labels.TABS}
    for r in reports:
        by_tab[labels.tab_of(r.status, r.ticket_status, r.awaiting_confirmation)].append(r)
    if tab not in by_tab:  # the first tab with something to do
        tab = next((t for t in ("confirm", "working", "waiting") if by_tab[t]), "waiting")
    return ctx.render(
        "mine.html",
        tab=tab,
        by_tab=by_tab,
        reports=by_tab[tab],
        supported={r.id for r in supported} - seen,
        services={s.code: s.title(ctx.lang) for s in catalogue},
    )


@router.get("/mine/by-no/{tracking_no}")
async def by_tracking_no(ctx: Page, tracking_no: str) -> Response:
    """A message's link: straight to 确认与评价 when it waits for that, else the report."""
    token = await ctx.token()
    if not TRACKING_NO.match(tracking_no):
        return ctx.render("not_found.html", status=404)
    report = await ctx.api.report_by_no(token, tracking_no)
    suffix = "/confirm" if report.awaiting_confirmation else ""
    return RedirectResponse(f"/mine/{report.id}{suffix}", status_code=303)


@router.get("/mine/{report_id}")
async def report_page(ctx: Page, report_id: uuid.UUID) -> Response:
    token = await ctx.token()
    report, steps, rating, places, catalogue = await asyncio.gather(
        ctx.api.report(token, report_id),
        ctx.api.timeline(token, report_id),
        ctx.api.rating(token, report_id),
        ctx.api.places(token),
        ctx.api.catalogue(),
    )
    buildings = {b.code: b.label(ctx.lang) for c in places or [] for b in c.buildings}
    service = next(
        (s.title(ctx.lang) for s in catalogue if s.code == report.category), report.category
    )
    return ctx.render(
        "report.html", report=report, timeline=steps, rating=rating, buildings=buildings,
        service=service,
    )  # fmt: skip


def _confirm_page(
    ctx: Page, report: Report, form: dict[str, str], problems: dict[str, str], status: int = 200,
    message: str = "",
) -> Response:  # fmt: skip
    rate_only = not report.awaiting_confirmation and report.confirmation == "confirmed"
    return ctx.render(
        "confirm.html", status=status, report=report, form=form, errors=problems,
        rate_only=rate_only, message=message,
    )  # fmt: skip


@router.get("/mine/{report_id}/confirm")
async def confirm_form(ctx: Page, report_id: uuid.UUID) -> Response:
    token = await ctx.token()
    report, rating = await asyncio.gather(
        ctx.api.report(token, report_id), ctx.api.rating(token, report_id)
    )
    if rating is not None or not (
        report.awaiting_confirmation or report.confirmation == "confirmed"
    ):
        return RedirectResponse(f"/mine/{report_id}", status_code=303)
    return _confirm_page(ctx, report, {"fixed": "yes"}, {})


def _scores(form: dict[str, str]) -> dict[str, int] | None:
    try:
        scores = {k: int(form[k]) for k in ("quality", "timeliness", "attitude")}
    except (KeyError, ValueError):
        return None
    return scores if all(1 <= v <= 5 for v in scores.values()) else None


def confirm_problems(form: dict[str, str], rate_only: bool) -> dict[str, str]:
    """What is missing before anything is sent (so nothing is half done)."""
    out: dict[str, str] = {}
    fixed = rate_only or form.get("fixed") == "yes"
    if not fixed and not form.get("reason"):
        out["reason"] = "reason"
    if fixed:
        scores = _scores(form)
        if scores is None:
            out.update({k: k for k in ("quality", "timeliness", "attitude") if not form.get(k)})
            out.setdefault("quality", "quality")
        elif min(scores.values()) <= LOW and not form.get("comment"):
            out["comment"] = "comment"
    return out


@router.post("/mine/{report_id}/confirm")
async def confirm(
    ctx: Page,
    report_id: uuid.UUID,
    fixed: Annotated[str, Form(max_length=8)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    quality: Annotated[str, Form(max_length=2)] = "",
    timeliness: Annotated[str, Form(max_length=2)] = "",
    attitude: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    token = await ctx.token()
    report = await ctx.api.report(token, report_id)
    rate_only = not report.awaiting_confirmation and report.confirmation == "confirmed"
    form = {
        "fixed": fixed, "reason": reason.strip(), "quality": quality, "timeliness": timeliness,
        "attitude": attitude, "comment": comment.strip(),
    }  # fmt: skip
    problems = {
        k: errors.field_word(v, ctx.lang) for k, v in confirm_problems(form, rate_only).items()
    }
    if problems:
        return _confirm_page(ctx, report, form, problems, status=422)
    try:
        if not rate_only:
            await ctx.api.confirm(token, report_id, fixed == "yes", form["reason"] or None)
        scores = _scores(form)
        if (rate_only or fixed == "yes") and scores is not None:
            await ctx.api.rate(token, report_id, {**scores, "comment": form["comment"] or None})
    except ApiProblem as problem:
        report = await ctx.api.report(token, report_id)
        return _confirm_page(
            ctx, report, form, errors.field_messages(problem, ctx.lang), status=problem.status,
            message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return RedirectResponse(f"/mine/{report_id}?thanks=1", status_code=303)
