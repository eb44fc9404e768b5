"""What every page shares: the session cookie, the CSRF check, the reader's language, rendering.

A route takes `ctx: Page` and gets the session (made on first visit), the language and its
gettext, and `ctx.render(...)`; `await ctx.token()` is the signed-in person's access token (or a
redirect to sign in). Routes do HTTP only: they call the API client and render a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console import i18n, labels
from console.api import Api
from console.auth import Oidc
from console.security import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, csrf_ok, safe_next
from console.sessions import COOKIE, Session, SessionStore
from console.settings import ConsoleSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"


class NeedLogin(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    pass


def environment() -> Environment:
    """Templates compiled once and kept (no file checks per page: they change with a deploy)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        auto_reload=False,
        cache_size=-1,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["label"] = labels.label
    env.globals["tab_label"] = labels.tab_label
    env.globals["duration"] = i18n.duration
    return env


class SessionCookie:
    """Pure ASGI middleware: finds the session named by the cookie and, when a page made,
    renewed or dropped it, sets or clears the cookie on the answer."""

    def __init__(self, app: ASGIApp, store: SessionStore, secure: bool) -> None:
        self.app = app
        self.store = store
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = SimpleCookie()
        for name, value in scope["headers"]:
            if name == b"cookie":
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # a malformed cookie header is no session
                    cookies = SimpleCookie()
        sent = cookies[COOKIE].value if COOKIE in cookies else None
        holder = scope.setdefault("state", {})
        holder["session"] = self.store.get(sent)
        holder["lang_cookie"] = cookies["lang"].value if "lang" in cookies else None

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: Session | None = holder.get("session")
                current = session.id if session is not None and self.store.has(session.id) else None
                if current != sent:
                    message.setdefault("headers", [])
                    message["headers"].append((b"set-cookie", self.cookie(current).encode()))
            await send(message)

        await self.app(scope, receive, with_cookie)

    def cookie(self, session_id: str | None) -> str:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        if session_id is None:
            return f"{COOKIE}=; Max-Age=0" + flags
        return f"{COOKIE}={session_id}" + flags


@dataclass
class Ctx:
    request: Request
    settings: ConsoleSettings
    store: SessionStore
    api: Api
    oidc: Oidc
    lang: str

    @property
    def session(self) -> Session:
        """This browser's session, made on first use."""
        state = self.request.state
        session: Session | None = getattr(state, "session", None)
        if session is None:
            session = self.store.create()
            state.session = session
        return session

    def replace_session(self, session: Session | None) -> None:
        self.request.state.session = session

    @property
    def client(self) -> str:
        """The browser's address, forwarded to feedback for its per-address limits (the
        console is its trusted proxy: otherwise every visitor would share one allowance)."""
        return self.request.client.host if self.request.client else "unknown"

    @property
    def _(self) -> i18n.Gettext:
        return i18n.gettext_for(self.lang)

    @property
    def signed_in(self) -> bool:
        session: Session | None = getattr(self.request.state, "session", None)
        return session is not None and session.user is not None

    async def token(self) -> str:
        """The signed-in person's access token (refreshed when due), or NeedLogin."""
        token = await self.oidc.fresh_token(self.session)
        if token is None:
            raise NeedLogin(self.here())
        return token

    def here(self) -> str:
        """This page's path (for a form post: the page it was posted from, when ours)."""
        url = self.request.url
        if self.request.method in SAFE_METHODS:
            return safe_next(url.path + (f"?{url.query}" if url.query else ""))
        referer = httpx.URL(self.request.headers.get("referer", "/"))
        if referer.host and referer.host != url.hostname:
            return "/"
        query = referer.query.decode()
        return safe_next(referer.path + (f"?{query}" if query else ""))

    def when(self, moment: Any) -> str:
        return i18n.when(moment, self.lang, self.settings.timezone)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.render_text(template, **values)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def render_text(self, template: str, **values: Any) -> str:
        env: Environment = self.request.app.state.templates
        session = self.session
        return env.get_template(template).render(
            _=self._,
            lang=self.lang,
            html_lang=i18n.html_lang(self.lang),
            user=session.user,
            csrf=session.csrf,
            csrf_field=CSRF_FIELD,
            when=self.when,
            path=self.request.url.path,
            here=self.here(),
            **values,
        )

    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"


def build_ctx(request: Request) -> Ctx:
    state = request.app.state
    lang = i18n.pick_language(
        getattr(request.state, "lang_cookie", None), request.headers.get("accept-language")
    )
    return Ctx(request, state.settings, state.sessions, state.api, state.oidc, lang)


async def context(request: Request) -> Ctx:
    """A page's context; an unsafe request without the session's CSRF token stops here."""
    ctx = build_ctx(request)
    if request.method not in SAFE_METHODS:
        await check_csrf(ctx)
    return ctx


async def check_csrf(ctx: Ctx) -> None:
    """Every unsafe request carries the session's token: a form field or the htmx header."""
    session: Session | None = getattr(ctx.request.state, "session", None)
    submitted = ctx.request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await ctx.request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if session is None or not csrf_ok(session.csrf, submitted):
        raise CsrfRefused()


Page = Annotated[Ctx, Depends(context)]
