"""我的工单 (my queue) and the team tab of team leads, on a phone (issue 16).

Cards are sorted by what falls due first (the tickets API's order), each with live countdowns of
its accept, arrive and finish stages, coloured as they run out, the place and category in words.

New tickets appear by htmx polling, not server-sent events: the page asks for its cards every
second (`hx-trigger="every 1s"`), so a new ticket shows within about 1 s plus one API round.
The console holds no event feed of its own (it never reads Kafka; services meet only through
events and HTTP), so a stream would still have to poll the tickets API behind it, one open
connection per phone; WeCom's and WeChat's in-app browsers and campus proxies cut long-lived
responses, and a worker in a basement loses the stream silently, while a poll simply tries again
at the next tick. A poll is one indexed queue query; the cards swap in place and the countdowns
keep ticking in the browser between polls (static/work.js).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console.api import CatalogService
from console.clients.work import Ticket, WorkApi
from console.pages.work_words import (
    MOVE_DONE,
    PAUSE_REASON,
    clocks,
    leave_days,
    place,
    word,
    worst,
)
from console.web import Ctx, Page

router = APIRouter()
POLL_S = 1
LEAD_ROLES = {"team_lead", "dept_head", "supervisor"}


def is_lead(ctx: Ctx) -> bool:
    user = ctx.session.user
    return user is not None and bool(LEAD_ROLES & set(user.roles))


def category_names(catalogue: list[CatalogService], lang: str) -> dict[str, str]:
    return {s.code: s.title(lang) for s in catalogue}


def cards(
    ctx: Ctx, tickets: list[Ticket], catalogue: list[CatalogService], campuses: Any,
    names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """What each card shows, most pressing first (the API's order is by first due time)."""
    now = datetime.now(UTC)
    categories = category_names(catalogue, ctx.lang)
    out = []
    for t in tickets:
        cs = clocks(t, now, ctx.lang)
        out.append({
            "t": t, "clocks": cs, "level": worst(cs),
            "category": categories.get(t.category, t.category),
            "place": place(t.location, campuses, ctx.lang),
            "assignee": (names or {}).get(t.assignee_id or "", "") if names is not None else None,
        })  # fmt: skip
    return out


async def mine_cards(ctx: Ctx, token: str) -> list[dict[str, Any]]:
    work = WorkApi(ctx.api)
    page, catalogue, campuses = await asyncio.gather(
        work.my_queue(token), ctx.api.catalogue(), ctx.api.places(token)
    )
    return cards(ctx, page.items, catalogue, campuses)


@router.get("/work")
async def my_queue(ctx: Page) -> Response:
    token = await ctx.token()
    return ctx.render(
        "work.html", cards=await mine_cards(ctx, token), lead=is_lead(ctx), poll="/work/cards",
        poll_s=POLL_S, tab="mine",
    )  # fmt: skip


@router.get("/work/cards")
async def my_cards(ctx: Page) -> Response:
    """The cards alone: what the open queue polls for."""
    token = await ctx.token()
    return ctx.render("_work_cards.html", cards=await mine_cards(ctx, token), team=False)


async def _team(ctx: Ctx, token: str) -> dict[str, Any]:
    work = WorkApi(ctx.api)
    page, roster, incoming, catalogue, campuses, units = await asyncio.gather(
        work.team_queue(token), work.roster(token), work.incoming(token), ctx.api.catalogue(),
        ctx.api.places(token), ctx.api.unit_names(token),
    )  # fmt: skip
    names = roster.names() if roster else {}
    all_cards = cards(ctx, page.items, catalogue, campuses, names)
    unassigned = [c for c in all_cards if c["t"].assignee_id is None or c["t"].status == "new"]
    teams = {u.id: (u.name_en if ctx.lang == "en" and u.name_en else u.name) for u in units.teams}
    departments = units.departments_in(ctx.lang)
    about = {c["t"].id: f"{c['category']} · {c['place']}" for c in all_cards}
    return {
        "cards": [c for c in all_cards if c not in unassigned], "unassigned": unassigned,
        "about": about,
        "roster": roster, "incoming": incoming, "names": names, "teams": teams,
        "departments": departments, "total": page.total,
    }  # fmt: skip


@router.get("/work/team")
async def team_tab(ctx: Page) -> Response:
    token = await ctx.token()
    if not is_lead(ctx):
        return RedirectResponse("/work", status_code=303)
    return ctx.render(
        "work_team.html", **await _team(ctx, token), lead=True, poll="/work/team/cards",
        poll_s=POLL_S, tab="team", done=ctx.request.query_params.get("done", ""),
        word=word, MOVE_DONE=MOVE_DONE, PAUSE_REASON=PAUSE_REASON,
        days=lambda lv: leave_days(lv.start, lv.end, ctx.settings.timezone, ctx.lang),
    )  # fmt: skip


@router.get("/work/team/cards")
async def team_cards(ctx: Page) -> Response:
    token = await ctx.token()
    return ctx.render("_work_team_cards.html", **await _team(ctx, token), team=True)
