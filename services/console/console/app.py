"""The console's application: middleware, static files, pages, and the pages shown when
something fails (never a stack trace)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from console import i18n
from console.api import Api
from console.auth import Oidc
from console.error_pages import install_error_pages
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
from console.web import SessionCookie, environment
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
