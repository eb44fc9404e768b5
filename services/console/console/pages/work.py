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

A poll is conditional: the cards carry the version of the queue they show (tickets' ETag of the
queue page: the whole queue's version, not only the cards shown) and the page sends it back with
each poll (the X-Queue-Version header, set by static/work.js). The console asks tickets' queue
route once, with If-None-Match naming that version and the last render this viewer was given:
while the page's version is current, tickets answers 304 and the console 204 No Content (htmx
leaves the page as it is); while the last render's is, that render is sent again; otherwise
the cards are rendered, once per version for every open page of that queue (RENDERS). A poll
that sends no version (a page opened before this, no script) gets the cards every time.

The queue and the team tab show the PAGE most pressing cards first; "more" shows PAGE more (a
link; htmx swaps the cards alone), and the page's polls then ask for as many (?shown=).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from console.api import ApiDown, CatalogService
from console.clients.work import QueuePage, Ticket, WorkApi
from console.pages.work_words import (
    MOVE_DONE,
    PAUSE_REASON,
    clocks,
    leave_days,
    place,
    word,
    worst,
)
from console.render_cache import RenderCache, Rendered
from console.web import Ctx, Page

router = APIRouter()
POLL_S = 1
VERSION_HEADER = "X-Queue-Version"  # the version the open page shows (static/work.js)
LEAD_ROLES = {"team_lead", "dept_head", "supervisor"}
PAGE = 30  # cards shown first, the most pressing ("more" shows as many again): a phone shows ~10
MOST = 200  # the most tickets' queue lists at once
RENDERS = RenderCache(size=256, ttl_s=15.0)  # shared by the open pages of one queue version


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


def shown_count(ctx: Ctx) -> int:
    """How many cards the page shows: PAGE, or as many more as "more" asked for (?shown=)."""
    raw = ctx.request.query_params.get("shown", "")
    asked = int(raw) if raw.isdigit() and len(raw) <= 4 else PAGE
    return min(MOST, max(PAGE, -(-asked // PAGE) * PAGE))


def shown_version(ctx: Ctx) -> str | None:
    """The queue version the polling page shows (None: it shows none, or not a plausible one)."""
    shown = ctx.request.headers.get(VERSION_HEADER, "")
    return shown if 0 < len(shown) <= 100 else None


def _more(path: str, total: int, limit: int) -> dict[str, Any]:
    """The "more" control under the cards: a link (the page with PAGE more), htmx swaps the
    cards alone."""
    more = total > limit and limit < MOST
    return {
        "shown": limit, "total": total, "asked": limit if limit > PAGE else "",  # polls ask it
        "more": f"{path}?shown={limit + PAGE}" if more else "",
        "more_cards": f"{path}/cards?shown={limit + PAGE}" if more else "",
    }  # fmt: skip


async def _render_mine(ctx: Ctx, token: str, page: QueuePage, version: str, n: int) -> Rendered:
    catalogue, campuses = await asyncio.gather(ctx.api.catalogue(), ctx.api.places(token))
    html = ctx.render_text(
        "_work_cards.html", cards=cards(ctx, page.items, catalogue, campuses), version=version,
        **_more("/work", page.total, n),
    )  # fmt: skip
    return Rendered(version, html)


async def _render_team(ctx: Ctx, token: str, page: QueuePage, version: str, n: int) -> Rendered:
    catalogue, campuses, roster = await asyncio.gather(
        ctx.api.catalogue(), ctx.api.places(token), WorkApi(ctx.api).roster(token)
    )
    names = roster.names() if roster else {}
    all_cards = cards(ctx, page.items, catalogue, campuses, names)
    unassigned = [c for c in all_cards if c["t"].assignee_id is None or c["t"].status == "new"]
    html = ctx.render_text(
        "_work_team_cards.html", cards=[c for c in all_cards if c not in unassigned],
        unassigned=unassigned, version=version, **_more("/work/team", page.total, n),
    )  # fmt: skip
    about = {str(c["t"].id): f"{c['category']} · {c['place']}" for c in all_cards}
    return Rendered(version, html, about)


async def queue_cards(ctx: Ctx, token: str, team: bool, shown: str | None) -> Rendered | None:
    """The cards of my queue (the team's) as HTML, with the version they show; None while
    `shown` (the version the polling page shows) is still the queue's. One tickets call names
    both the page's version and the last render this viewer was given (If-None-Match): while
    either is current, tickets reads no cards; a render of the current version made for anyone
    (RENDERS) is used again."""
    n = shown_count(ctx)
    kind = ("team" if team else "mine", ctx.lang, str(n))
    user = ctx.session.user
    viewer = (user.subject if user else "", *kind)
    held = RENDERS.held(viewer)
    versions = list(dict.fromkeys(v for v in (shown, held.version if held else None) if v))
    work = WorkApi(ctx.api)
    page, version = await work.queue(token, team, n, versions)
    if page is None:
        if version == shown:
            return None
        if held is not None and version == held.version:
            return RENDERS.put(viewer, kind, held)
        page, version = await work.queue(token, team, n)
        if page is None:
            raise ApiDown("tickets", "304 to a request that held nothing")
    made = RENDERS.find(kind, version)
    if made is None:
        made = await (_render_team if team else _render_mine)(ctx, token, page, version, n)
    return RENDERS.put(viewer, kind, made)


async def my_cards_html(ctx: Ctx, token: str) -> Markup:
    """My queue's cards as the page opens them (work_ticket's page of a ticket gone meanwhile)."""
    found = await queue_cards(ctx, token, team=False, shown=None)
    return Markup(found.html if found else "")  # noqa: S704 (rendered by our own templates)


@router.get("/work")
async def my_queue(ctx: Page) -> Response:
    token = await ctx.token()
    return ctx.render(
        "work.html", cards_html=await my_cards_html(ctx, token), lead=is_lead(ctx),
        poll="/work/cards", poll_s=POLL_S, tab="mine",
    )  # fmt: skip


def _fragment(found: Rendered | None) -> Response:
    if found is None:
        return Response(status_code=204)  # the page's cards are the queue's: left as they are
    return HTMLResponse(found.html, headers={"Cache-Control": "no-store"})


@router.get("/work/cards")
async def my_cards(ctx: Page) -> Response:
    """The cards alone: what the open queue polls for (204 while its version is unchanged)."""
    token = await ctx.token()
    return _fragment(await queue_cards(ctx, token, team=False, shown=shown_version(ctx)))


async def _team(ctx: Ctx, token: str) -> dict[str, Any]:
    work = WorkApi(ctx.api)
    found, roster, incoming, units = await asyncio.gather(
        queue_cards(ctx, token, team=True, shown=None), work.roster(token), work.incoming(token),
        ctx.api.unit_names(token),
    )  # fmt: skip
    names = roster.names() if roster else {}
    teams = {u.id: (u.name_en if ctx.lang == "en" and u.name_en else u.name) for u in units.teams}
    return {
        "cards_html": Markup(found.html if found else ""),  # noqa: S704 (our own templates)
        "about": found.about if found else {}, "roster": roster, "incoming": incoming,
        "names": names, "teams": teams, "departments": units.departments_in(ctx.lang),
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
    return _fragment(await queue_cards(ctx, token, team=True, shown=shown_version(ctx)))
