"""Security headers on every answer, the CSRF check of unsafe requests, safe redirects."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def content_security_policy(sso_origin: str) -> str:
    """No inline script or style, nothing from elsewhere; forms may only go here (and to the
    SSO, where logging out redirects); no page may be framed."""
    form_action = "'self'" + (f" {sso_origin}" if sso_origin else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action {form_action}; "
        "frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Pure ASGI middleware adding the headers below to every response."""

    def __init__(self, app: ASGIApp, sso_origin: str = "", hsts: bool = False) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy(sso_origin).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", b"geolocation=(self), microphone=(), payment=()"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"].extend((k, v) for k, v in self.headers if k not in names)
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_ok(expected: str, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(expected.encode(), (submitted or "").encode())


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a same-site relative path: never another host (//evil, /\\evil, https://...)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t\\"):
        return default
    return target


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
