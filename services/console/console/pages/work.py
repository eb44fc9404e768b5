"""我的工单 (my queue) and the team tab of team leads, on a phone (issue 16).

Cards are sorted by what falls due first (the tickets API's order), each with live countdowns of
its accept, arrive and finish stages, coloured as they run out, the place and category in words.

New tickets appear by htmx polling, not server-sent events: the page asks for its cards every
second (`hx-trigger="every 1s"`), so a new ticket shows within about 1 s plus one API round.
The console holds no event feed of its own (it never reads Kafka; services meet only through
events and HTTP), so a stream would still have to poll the tickets API behind it, one open
connection per phone; WeCom's and WeChat's in-app browsers and campus proxies cut long-lived
responses, and a worker in a basement loses the stream silently, while a poll simply tries again
at the next tick. The countdowns tick in the browser between polls (static/work.js).

A poll is conditional: the cards carry the version of the queue they show (tickets'
/v1/queues/mine/version or /team/version, one indexed query) and the page sends it back with
each poll (the X-Queue-Version header, set by static/work.js). While the queue is unchanged the
console answers 204 No Content after that one cheap call and htmx leaves the page as it is;
otherwise it renders the cards as they are now, with their new version. A poll that sends no
version (a page opened before this, no script) gets the cards every time, as before.
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
VERSION_HEADER = "X-Queue-Version"  # the version the open page shows (static/work.js)
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


def shown_version(ctx: Ctx) -> str | None:
    """The queue version the polling page shows (None: it shows none, or not a plausible one)."""
    shown = ctx.request.headers.get(VERSION_HEADER, "")
    return shown if 0 < len(shown) <= 64 else None


async def version_if_changed(ctx: Ctx, token: str, team: bool) -> tuple[bool, str | None]:
    """Whether the polling page's cards must be rendered again, and the version to show with
    them. Asked before the cards are read, so a page never shows a version newer than its
    cards (a change in between only renders them once more)."""
    shown = shown_version(ctx)
    if shown is None:
        return True, None  # a page that shows no version gets its cards every time
    version = await WorkApi(ctx.api).queue_version(token, team)
    return version != shown, version


@router.get("/work")
async def my_queue(ctx: Page) -> Response:
    token = await ctx.token()
    version = await WorkApi(ctx.api).queue_version(token, team=False)
    return ctx.render(
        "work.html", cards=await mine_cards(ctx, token), lead=is_lead(ctx), poll="/work/cards",
        poll_s=POLL_S, tab="mine", version=version,
    )  # fmt: skip


@router.get("/work/cards")
async def my_cards(ctx: Page) -> Response:
    """The cards alone: what the open queue polls for (204 while its version is unchanged)."""
    token = await ctx.token()
    render, version = await version_if_changed(ctx, token, team=False)
    if not render:
        return Response(status_code=204)
    cards = await mine_cards(ctx, token)
    return ctx.render("_work_cards.html", cards=cards, team=False, version=version)


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
    version = await WorkApi(ctx.api).queue_version(token, team=True)
    return ctx.render(
        "work_team.html", **await _team(ctx, token), lead=True, poll="/work/team/cards",
        poll_s=POLL_S, tab="team", done=ctx.request.query_params.get("done", ""), version=version,
        word=word, MOVE_DONE=MOVE_DONE, PAUSE_REASON=PAUSE_REASON,
        days=lambda lv: leave_days(lv.start, lv.end, ctx.settings.timezone, ctx.lang),
    )  # fmt: skip


@router.get("/work/team/cards")
async def team_cards(ctx: Page) -> Response:
    token = await ctx.token()
    render, version = await version_if_changed(ctx, token, team=True)
    if not render:
        return Response(status_code=204)
    return ctx.render(
        "_work_team_cards.html", **await _team(ctx, token), team=True, version=version
    )
