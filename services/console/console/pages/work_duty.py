"""My leave and duty: a worker marks themselves on or off duty (off duty: their posts' backups
take new tickets) and asks for leave; the team lead sees both on the team tab."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients.work import WorkApi
from console.pages.work import is_lead
from console.pages.work_words import leave_days
from console.web import Ctx, Page

router = APIRouter()
MAX_LEAVE_DAYS = 90


async def _page(ctx: Ctx, form: dict[str, str] | None = None, errs: dict[str, str] | None = None,
                status: int = 200) -> Response:  # fmt: skip
    me = await WorkApi(ctx.api).me(await ctx.token())
    today = datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    return ctx.render(
        "work_duty.html", status=status, me=me, lead=is_lead(ctx), tab="duty",
        form=form or {"start": today.isoformat(), "end": today.isoformat()}, errors=errs or {},
        done=ctx.request.query_params.get("done", ""),
        days=lambda lv: leave_days(lv.start, lv.end, ctx.settings.timezone, ctx.lang),
    )  # fmt: skip


@router.get("/work/duty")
async def duty_page(ctx: Page) -> Response:
    return await _page(ctx)


@router.post("/work/duty/on-duty")
async def set_duty(ctx: Page, on_duty: Annotated[str, Form(max_length=5)] = "") -> Response:
    await WorkApi(ctx.api).set_duty(await ctx.token(), on_duty == "yes")
    return RedirectResponse("/work/duty?done=duty", status_code=303)


def leave_span(start: str, end: str, tz: str) -> tuple[datetime, datetime] | None:
    """Whole days from `start` to `end` inclusive, in local time; None when not valid."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return None
    if last < first or (last - first).days >= MAX_LEAVE_DAYS:
        return None
    zone = ZoneInfo(tz)
    return (datetime.combine(first, time(0), zone),
            datetime.combine(last + timedelta(days=1), time(0), zone))  # fmt: skip


@router.post("/work/duty/leave")
async def ask_leave(
    ctx: Page,
    start: Annotated[str, Form(max_length=10)] = "",
    end: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = {"start": start, "end": end, "reason": reason.strip()}
    span = leave_span(start, end, ctx.settings.timezone)
    if span is None:
        words = (f"the last day on or after the first, at most {MAX_LEAVE_DAYS} days"
                 if ctx.lang == "en" else f"结束日期不能早于开始日期，最长 {MAX_LEAVE_DAYS} 天")  # fmt: skip
        return await _page(ctx, form, {"end": words}, status=422)
    try:
        await WorkApi(ctx.api).add_leave(await ctx.token(), *span, form["reason"])
    except ApiProblem as problem:
        fields = errors.field_messages(problem, ctx.lang)
        return await _page(
            ctx,
            form,
            {"end": next(iter(fields.values()), "") or errors.message(problem, ctx.lang)},
            problem.status,
        )
    return RedirectResponse("/work/duty?done=leave", status_code=303)


@router.post("/work/duty/leave/{leave_id}/cancel")
async def cancel_leave(ctx: Page, leave_id: int) -> Response:
    if not 1 <= leave_id <= 2**31:
        return ctx.render("not_found.html", status=404)
    await WorkApi(ctx.api).cancel_leave(await ctx.token(), leave_id)
    return RedirectResponse("/work/duty?done=cancelled", status_code=303)
