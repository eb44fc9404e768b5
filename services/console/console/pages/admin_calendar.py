"""The working calendar time limits count on: a year's holidays and make-up working days (调休),
pre-filled from China's official schedule (tickets reads the `chinesecalendar` package), edited
as lists of dates, saved through tickets' PUT /v1/directory/calendar. Other years are kept."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
MAX_DATES = 200
Dates = Annotated[str, Form(max_length=MAX_DATES * 12)]


def parse_dates(text: str, year: int) -> tuple[list[date], list[str]]:
    """Dates of `year`, one per line (2026-10-01, or 2026/10/01); what cannot be read."""
    found: set[date] = set()
    bad: list[str] = []
    for line in text.replace(",", "\n").replace("，", "\n").splitlines():
        word = line.strip().split(" ")[0].replace("/", "-").replace(".", "-")
        if not word:
            continue
        try:
            day = date.fromisoformat(word)
        except ValueError:
            bad.append(line.strip()[:20])
            continue
        if day.year != year:
            bad.append(line.strip()[:20])
        else:
            found.add(day)
    return sorted(found)[:MAX_DATES], bad


def of_year(days: list[str], year: int) -> list[str]:
    return sorted(d for d in days if d.startswith(f"{year}-"))


def merged(days: list[str], year: int, new: list[date]) -> list[str]:
    """The calendar's dates with `year`'s replaced by `new`."""
    return sorted([d for d in days if not d.startswith(f"{year}-")] + [d.isoformat() for d in new])


def spans(days: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Official days as runs of one festival on consecutive dates (国庆节 10-01 – 10-08)."""
    out: list[dict[str, Any]] = []
    for d in days:
        day = date.fromisoformat(d["day"])
        name = d["name_en"] if lang == "en" else d["name"]
        last = out[-1] if out else None
        if last and last["name"] == name and (day - last["to"]).days == 1:
            last["to"] = day
        else:
            out.append({"name": name, "from": day, "to": day})
    return [
        {"name": r["name"], "from": r["from"].isoformat(),
         "to": "" if r["to"] == r["from"] else r["to"].isoformat(),
         "days": str((r["to"] - r["from"]).days + 1)}
        for r in out
    ]  # fmt: skip


def _year(ctx: Ctx, year: int | None) -> int:
    this = datetime.now(ZoneInfo(ctx.settings.timezone)).year
    return year if year is not None and 2004 <= year <= this + 2 else this


async def _page(
    ctx: Ctx, token: str, year: int, form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None, message: str = "", status: int = 200,
    saved: bool = False,
) -> Response:  # fmt: skip
    cal, official = await asyncio.gather(
        client.calendar(ctx.api, token), client.official_year(ctx.api, token, year)
    )
    if form is None:
        form = {"holidays": "\n".join(of_year(cal.get("holidays", []), year)),
                "workdays": "\n".join(of_year(cal.get("workdays", []), year))}  # fmt: skip
    this = datetime.now(ZoneInfo(ctx.settings.timezone)).year
    return ctx.render(
        "admin_calendar.html", status=status, year=year, years=range(this - 1, this + 2),
        calendar=cal, official=official, form=form,
        off=spans(official["holidays"], ctx.lang), worked=spans(official["workdays"], ctx.lang), errors=problems or {},
        message=message, saved=saved,
    )  # fmt: skip


@router.get("/admin/calendar")
async def calendar_page(
    ctx: Page, year: int | None = None, prefill: str = "", saved: str = ""
) -> Response:
    """`prefill=1`: the lists filled with the official schedule (not saved until sent)."""
    token = await admin_token(ctx)
    year = _year(ctx, year)
    form = None
    if prefill:
        official = await client.official_year(ctx.api, token, year)
        form = {k: "\n".join(d["day"] for d in official[k]) for k in ("holidays", "workdays")}
    return await _page(ctx, token, year, form, saved=bool(saved))


@router.post("/admin/calendar")
async def save_calendar(
    ctx: Page, year: Annotated[int, Form(ge=2004, le=2100)], holidays: Dates = "",
    workdays: Dates = "",
) -> Response:  # fmt: skip
    token = await admin_token(ctx)
    form = {"holidays": holidays, "workdays": workdays}
    days: dict[str, list[date]] = {}
    problems: dict[str, str] = {}
    for key, text in form.items():
        days[key], bad = parse_dates(text, year)
        if bad:
            problems[key] = ctx._(
                "Not a date of %(year)s: %(bad)s. Write one date a line, like %(year)s-10-01.",
                year=year, bad="、".join(bad[:5]),
            )  # fmt: skip
    both = set(days["holidays"]) & set(days["workdays"])
    if both:
        problems["workdays"] = ctx._(
            "A day cannot be both a holiday and a working day: %(days)s",
            days="、".join(d.isoformat() for d in sorted(both)),
        )
    if problems:
        return await _page(ctx, token, year, form, problems, status=422)
    cal: dict[str, Any] = await client.calendar(ctx.api, token)
    cal["holidays"] = merged(cal.get("holidays", []), year, days["holidays"])
    cal["workdays"] = merged(cal.get("workdays", []), year, days["workdays"])
    try:
        await client.put_calendar(ctx.api, token, cal)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _page(
            ctx, token, year, form, errors.field_messages(problem, ctx.lang),
            errors.message(problem, ctx.lang), status=422,
        )  # fmt: skip
    return RedirectResponse(f"/admin/calendar?year={year}&saved=1", status_code=303)
