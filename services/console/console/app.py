"""The console's application: middleware, static files, pages, and the pages shown when
something fails (never a stack trace)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from console import i18n
from console.api import Api, ApiDown, ApiProblem
from console.auth import Oidc, SsoDown, sign_out
from console.errors import message
from console.pages import (
    account,
    admin_all,
    inbox,
    lead_all,
    links,
    mine,
    photos,
    public,
    report,
    supervise_all,
    supervise_incidents,
    supervise_unmask,
    vote,
    work,
    work_duty,
    work_ticket,
)
from console.security import SecurityHeaders, origin_of
from console.sessions import SessionStore
from console.settings import ConsoleSettings
from console.web import CsrfRefused, Ctx, NeedLogin, SessionCookie, build_ctx, environment
from houqin_shared.http import Check, base_app, install_health
from houqin_shared.logs import get_logger

log = get_logger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
HTMX_DIST = Path("htmx.org") / "dist"
ECHARTS_DIST = Path("echarts") / "dist"
ROUTERS = (
    public.router,
    account.router,
    report.router,
    mine.router,
    inbox.router,
    photos.router,
    *admin_all.ROUTERS,
    *lead_all.ROUTERS,
    *supervise_all.ROUTERS,
    supervise_incidents.router,
    supervise_unmask.router,
    links.router,
    work.router,
    work_ticket.router,
    work_duty.router,
    vote.router,
)


def create_app(settings: ConsoleSettings) -> FastAPI:
    api = Api(settings)
    oidc = Oidc(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await api.close()
            await oidc.close()

    app = base_app(
        "Houqin console", lifespan=lifespan, limits=settings,
        docs_url=None, redoc_url=None, openapi_url=None,
    )  # fmt: skip
    sessions = SessionStore(settings.session_max, settings.session_idle_s)
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.api = api
    app.state.oidc = oidc
    app.state.templates = environment()
    for lang in i18n.LANGS:  # compile the catalogues now: a broken one stops the start
        i18n.translations(lang)

    app.add_middleware(SessionCookie, store=sessions, secure=settings.cookie_secure)
    app.add_middleware(
        SecurityHeaders,
        sso_origin=origin_of(settings.oidc_discovery_url),
        hsts=settings.cookie_secure,
    )
    install_health(app, {}, informative={"sso": _reachable(settings.oidc_discovery_url)})
    vendor = settings.vendor_dir / HTMX_DIST
    if vendor.is_dir():
        app.mount("/static/vendor/htmx", StaticFiles(directory=vendor), name="htmx")
    else:
        log.warning("htmx_missing", looked_in=str(vendor), fix="npm ci --omit=dev")
    charts = settings.vendor_dir / ECHARTS_DIST
    if charts.is_dir():  # the leaders' charts; without it they show as tables and a PNG
        app.mount("/static/vendor/echarts", StaticFiles(directory=charts), name="echarts")
    else:
        log.warning("echarts_missing", looked_in=str(charts), fix="npm ci --omit=dev")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_error_pages(app)
    return app


def _reachable(url: str) -> Check:
    async def check() -> None:
        async with httpx.AsyncClient(timeout=2) as http:
            (await http.get(url)).raise_for_status()

    return check


def install_error_pages(app: FastAPI) -> None:
    async def ctx_of(request: Request) -> Ctx:
        return build_ctx(request)  # an error page checks no CSRF token

    async def need_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NeedLogin)
        target = "/login?next=" + quote(exc.next_path, safe="/")
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return (await ctx_of(request)).render("error.html", status=403, kind="csrf")

    async def sso_down(request: Request, exc: Exception) -> Response:
        log.warning("sso_unavailable", path=request.url.path, error=str(exc))
        return (await ctx_of(request)).render("error.html", status=503, kind="sso")

    async def api_down(request: Request, exc: Exception) -> Response:
        log.warning("api_unavailable", path=request.url.path, error=str(exc))
        return (await ctx_of(request)).render("error.html", status=503, kind="api")

    async def api_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        ctx = await ctx_of(request)
        if exc.status == 401:  # the token is no longer accepted: sign in again
            sign_out(ctx.session)
            return await need_login(request, NeedLogin(ctx.here()))
        if exc.status == 404:
            return ctx.render("not_found.html", status=404)
        return ctx.render(
            "error.html", status=exc.status, kind="problem", message=message(exc, ctx.lang)
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        ctx = await ctx_of(request)
        if status == 404 or isinstance(exc, RequestValidationError):
            return ctx.render("not_found.html", status=404)
        return ctx.render("error.html", status=status, kind="other")

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("console_error", path=request.url.path)
        try:
            return (await ctx_of(request)).render("error.html", status=500, kind="other")
        except Exception:  # the error page must not fail in turn
            return Response("Error / 出错了", status_code=500, media_type="text/plain")

    app.add_exception_handler(NeedLogin, need_login)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(SsoDown, sso_down)
    app.add_exception_handler(ApiDown, api_down)
    app.add_exception_handler(ApiProblem, api_problem)
    app.add_exception_handler(HTTPException, not_found)
    app.add_exception_handler(RequestValidationError, not_found)
    app.add_exception_handler(Exception, crash)
