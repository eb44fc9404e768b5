"""消息: the in-app inbox (notify), the unread badge, mark as read."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console.api import ApiDown, ApiProblem
from console.web import Page

router = APIRouter()


@router.get("/inbox")
async def inbox(ctx: Page) -> Response:
    token = await ctx.token()
    messages = await ctx.api.inbox(token)
    return ctx.render("inbox.html", messages=messages)


@router.get("/inbox/badge")
async def badge(ctx: Page) -> Response:
    """htmx, after the page: the unread count beside 消息 (nothing when it cannot be had)."""
    if not ctx.signed_in:
        return ctx.render("_badge.html", unread=0)
    try:
        unread = await ctx.api.unread(await ctx.token())
    except (ApiDown, ApiProblem):
        unread = 0
    return ctx.render("_badge.html", unread=unread)


@router.post("/inbox/read")
async def mark_read(ctx: Page) -> Response:
    """Mark one message (`id`) or all of them read."""
    token = await ctx.token()
    form = await ctx.request.form()
    raw = form.get("id")
    ids = [int(raw)] if isinstance(raw, str) and raw.isdigit() and len(raw) < 19 else None
    await ctx.api.mark_read(token, ids)
    if ctx.is_htmx():
        return ctx.render("_inbox_list.html", messages=await ctx.api.inbox(token))
    return RedirectResponse("/inbox", status_code=303)
