"""Signing in and out (OpenID Connect, see console.auth)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console.auth import LoginFailed, sign_out
from console.security import safe_next
from console.web import Page

router = APIRouter()


@router.get("/login")
async def login(ctx: Page, next: str = "/") -> Response:
    """Off to the SSO's sign-in page; it comes back to /auth/callback."""
    url = await ctx.oidc.start(ctx.session, safe_next(next))
    return RedirectResponse(url, status_code=303)


@router.get("/auth/callback")
async def callback(ctx: Page, code: str = "", state: str = "", error: str = "") -> Response:
    if error or not code:
        ctx.session.login = None
        return ctx.render("login_failed.html", status=400)
    try:
        next_path = await ctx.oidc.finish(ctx.session, code[:512], state[:512])
    except LoginFailed:
        return ctx.render("login_failed.html", status=400)
    ctx.store.renew(ctx.session)  # a new id once signed in: an old cookie is worth nothing
    return RedirectResponse(safe_next(next_path), status_code=303)


@router.post("/logout")
async def logout(ctx: Page) -> Response:
    """The session is destroyed here, then the SSO ends its own."""
    session = ctx.session
    id_token = session.tokens.id_token if session.tokens else None
    sign_out(session)
    ctx.store.drop(session)
    ctx.replace_session(None)
    end = await ctx.oidc.logout_url(id_token)
    return RedirectResponse(end or "/", status_code=303)
