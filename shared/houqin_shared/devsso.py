"""A tiny stand-in for the campus SSO, for the demo and the tests: no passwords, demo users only.

    python -m houqin_shared.devsso --demo --port 8900 --key-file .data/devsso.pem \\
        --users deploy/demo/users.json --issuer http://127.0.0.1:8900 --audience houqin

It refuses to start without `--demo` (or HOUQIN_DEMO=1): anyone who can reach it can sign in as
anyone. The users file is a JSON list of {"username", "name", "roles", "dept"?, "team"?,
"client_secret"?, "scopes"?, "redirect_uris"?, "post_logout_redirect_uris"?}.

- POST /demo-login {"username": ...} answers a bearer token for that user; the services verify
  it against GET /.well-known/jwks.json like they would the real SSO's.
- A user with a client_secret is also an OAuth 2.0 client: POST /token with
  grant_type=client_credentials and its id and secret (HTTP Basic or form fields, RFC 6749
  section 4.4) answers a token for it, which is how one service calls another. Its `scopes`
  (say `houqin.audience.read`, granted to notify alone) go in the token's `scope` claim.
- A client with redirect_uris (the web console) signs people in with OpenID Connect's
  authorization code flow and PKCE (S256 only): GET /authorize shows a page where one picks a
  demo user, POST /authorize sends the browser back to the registered redirect_uri with a code,
  POST /token exchanges it (once, within CODE_TTL_S, for the same client, redirect_uri and
  code_verifier) for an access token (the claims of /demo-login), an id_token (with the nonce)
  and a refresh token, which is rotated on every use. GET /logout is the end-session endpoint.
  GET /.well-known/openid-configuration describes all of it, so a campus OIDC provider can
  replace this one through settings alone.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import html
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jwt
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from houqin_shared import access_log, logs
from houqin_shared.http import RequestContext
from houqin_shared.identity import LocalIssuer, Role
from houqin_shared.problems import PROBLEM_JSON, ProblemError
from houqin_shared.problems import problem as problem_of

CODE_TTL_S = 60
MAX_GRANTS = 10_000  # codes and refresh tokens kept at once (the oldest go first)
MAX_BODY = 64 * 1024  # a form or a JSON login is a few hundred bytes


class DemoUser(BaseModel):
    username: str
    name: str
    roles: list[Role]
    dept: str | None = None
    team: str | None = None
    client_secret: str | None = Field(None, exclude=True)
    scopes: list[str] = Field(default_factory=list, exclude=True)
    redirect_uris: list[str] = Field(default_factory=list, exclude=True)
    post_logout_redirect_uris: list[str] = Field(default_factory=list, exclude=True)


class LoginRequest(BaseModel):
    username: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int
    refresh_token: str | None = None
    id_token: str | None = None


@dataclass(frozen=True)
class Grant:
    """What an authorization code or a refresh token stands for."""

    client_id: str
    username: str
    expires_at: float
    redirect_uri: str = ""
    code_challenge: str = ""
    nonce: str | None = None


class Grants:
    """Codes or refresh tokens by value, each used once, bounded in number."""

    def __init__(self) -> None:
        self._by_value: dict[str, Grant] = {}

    def add(self, grant: Grant) -> str:
        if len(self._by_value) >= MAX_GRANTS:
            now = time.time()
            self._by_value = {k: g for k, g in self._by_value.items() if g.expires_at > now}
            while len(self._by_value) >= MAX_GRANTS:
                del self._by_value[next(iter(self._by_value))]
        value = secrets.token_urlsafe(32)
        self._by_value[value] = grant
        return value

    def take(self, value: str) -> Grant | None:
        """The grant, removed: a second use of the same value finds nothing."""
        grant = self._by_value.pop(value, None)
        return grant if grant is not None and grant.expires_at > time.time() else None

    def revoke(self, client_id: str, username: str) -> None:
        self._by_value = {
            k: g
            for k, g in self._by_value.items()
            if (g.client_id, g.username) != (client_id, username)
        }


def pkce_s256(verifier: str) -> str:
    """RFC 7636 4.2: BASE64URL(SHA256(code_verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Sso:
    """What the routes share: the issuer, the demo users by name, the codes and refresh tokens
    handed out, and the tokens' lifetimes."""

    issuer: LocalIssuer
    by_name: dict[str, DemoUser]
    ttl_s: int
    refresh_ttl_s: int
    codes: Grants = field(default_factory=Grants)
    refresh_tokens: Grants = field(default_factory=Grants)

    @property
    def base(self) -> str:
        return self.issuer.issuer.rstrip("/")

    def access_token(self, user: DemoUser) -> str:
        return self.issuer.issue(
            user.username,
            user.roles,
            name=user.name,
            department_id=user.dept,
            team_id=user.team,
            ttl_s=self.ttl_s,
        )

    def id_token(self, user: DemoUser, client_id: str, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer.issuer,
            "sub": user.username,
            "aud": client_id,
            "iat": now,
            "exp": now + self.ttl_s,
            "auth_time": now,
            "name": user.name,
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(
            claims, self.issuer.private_key, "RS256", headers={"kid": self.issuer.kid}
        )

    def client_of(
        self, request: Request, form_id: str | None, form_secret: str | None
    ) -> DemoUser | None:
        """The client authenticated by HTTP Basic or form fields (RFC 6749 2.3.1), or None."""
        basic = basic_credentials(request.headers.get("authorization", ""))
        client_id, secret = basic if basic is not None else (form_id, form_secret)
        client = self.by_name.get(client_id or "")
        expected = client.client_secret if client is not None else None
        if expected is None or not hmac.compare_digest(expected.encode(), (secret or "").encode()):
            return None
        return client

    def login_client(self, client_id: str, redirect_uri: str) -> DemoUser | None:
        client = self.by_name.get(client_id)
        return client if client is not None and redirect_uri in client.redirect_uris else None

    def decode(self, token: str, **options: Any) -> dict[str, Any] | None:
        """The claims of a token this SSO signed, or None."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.issuer.private_key.public_key(), algorithms=["RS256"], **options
            )
        except jwt.PyJWTError:
            return None
        return claims


def create_app(
    issuer: LocalIssuer,
    users: list[dict[str, Any]],
    *,
    ttl_s: int = 3600,
    refresh_ttl_s: int = 8 * 3600,
) -> FastAPI:
    """The dev SSO app; `users` are validated now (unknown roles are an error here)."""
    by_name = {u.username: u for u in (DemoUser.model_validate(raw) for raw in users)}
    app = FastAPI(title="houqin dev SSO", docs_url=None, redoc_url=None)
    app.state.sso = Sso(issuer, by_name, ttl_s, refresh_ttl_s)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, exc: ProblemError) -> JSONResponse:
        return JSONResponse(
            exc.body(request.url.path), exc.status, headers=exc.headers, media_type=PROBLEM_JSON
        )

    app.include_router(router)
    # request ids and one access-log line per request, as the services write them
    app.add_middleware(RequestContext, max_body=MAX_BODY, log_access=access_log.enabled())
    return app


async def _sso(request: Request) -> Sso:
    sso: Sso = request.app.state.sso
    return sso


SsoOf = Annotated[Sso, Depends(_sso)]
router = APIRouter()


@router.get("/.well-known/jwks.json")
async def jwks(sso: SsoOf) -> dict[str, Any]:
    return sso.issuer.jwks()


@router.get("/.well-known/openid-configuration")
async def openid_configuration(sso: SsoOf) -> dict[str, Any]:
    base = sso.base
    return {
        "issuer": sso.issuer.issuer,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "end_session_endpoint": f"{base}/logout",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "scopes_supported": ["openid", "profile", "houqin.audience.read"],
        "claims_supported": ["sub", "name", "roles", "dept", "team"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }


@router.get("/demo-users")
async def demo_users(sso: SsoOf) -> list[DemoUser]:
    return list(sso.by_name.values())


@router.post("/demo-login")
async def demo_login(body: LoginRequest, sso: SsoOf) -> TokenResponse:
    user = sso.by_name.get(body.username)
    if user is None:
        raise problem_of("demo-user-not-found", f"no demo user {body.username!r}")
    return TokenResponse(access_token=sso.access_token(user), expires_in=sso.ttl_s)


@router.get("/authorize", response_class=HTMLResponse)
async def authorize_page(
    request: Request,
    sso: SsoOf,
    client_id: Annotated[str, Query(max_length=128)] = "",
    redirect_uri: Annotated[str, Query(max_length=2000)] = "",
    response_type: Annotated[str, Query(max_length=32)] = "",
    state: Annotated[str, Query(max_length=512)] = "",
    nonce: Annotated[str, Query(max_length=512)] = "",
    code_challenge: Annotated[str, Query(max_length=128)] = "",
    code_challenge_method: Annotated[str, Query(max_length=16)] = "",
    ui_locales: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    english = prefers_english(ui_locales or request.headers.get("accept-language", ""))
    if sso.login_client(client_id, redirect_uri) is None:  # never redirect to an unknown place
        return HTMLResponse(error_page(english), status_code=400)
    if response_type != "code":
        return back_with_error(redirect_uri, state, "unsupported_response_type")
    if code_challenge_method != "S256" or not 43 <= len(code_challenge) <= 128:
        return back_with_error(redirect_uri, state, "invalid_request")
    people = [
        u for u in sso.by_name.values() if u.client_secret is None and Role.service not in u.roles
    ]
    hidden = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
    }
    return HTMLResponse(picker_page(people, hidden, english))


@router.post("/authorize")
async def authorize(
    sso: SsoOf,
    username: Annotated[str, Form(max_length=128)],
    client_id: Annotated[str, Form(max_length=128)],
    redirect_uri: Annotated[str, Form(max_length=2000)],
    code_challenge: Annotated[str, Form(min_length=43, max_length=128)],
    state: Annotated[str, Form(max_length=512)] = "",
    nonce: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    if sso.login_client(client_id, redirect_uri) is None:
        return HTMLResponse(error_page(False), status_code=400)
    user = sso.by_name.get(username)
    if user is None or user.client_secret is not None:
        return back_with_error(redirect_uri, state, "access_denied")
    code = sso.codes.add(
        Grant(
            client_id=client_id,
            username=username,
            expires_at=time.time() + CODE_TTL_S,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            nonce=nonce or None,
        )
    )
    query = {"code": code, "iss": sso.issuer.issuer} | ({"state": state} if state else {})
    return RedirectResponse(add_query(redirect_uri, query), status_code=303)


@router.post("/token", response_model=TokenResponse)
async def token(
    request: Request,
    sso: SsoOf,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    code: Annotated[str | None, Form(max_length=256)] = None,
    redirect_uri: Annotated[str | None, Form(max_length=2000)] = None,
    code_verifier: Annotated[str | None, Form(max_length=256)] = None,
    refresh_token: Annotated[str | None, Form(max_length=256)] = None,
) -> TokenResponse | JSONResponse:
    if grant_type not in ("client_credentials", "authorization_code", "refresh_token"):
        return oauth_error(400, "unsupported_grant_type", f"unsupported grant {grant_type!r}")
    client = sso.client_of(request, client_id, client_secret)
    if client is None:
        return oauth_error(401, "invalid_client", "unknown client or wrong secret")
    if grant_type == "client_credentials":
        issued = sso.issuer.issue(
            client.username,
            client.roles,
            name=client.name,
            ttl_s=sso.ttl_s,
            scope=" ".join(client.scopes) or None,
        )
        return TokenResponse(access_token=issued, expires_in=sso.ttl_s)
    if grant_type == "authorization_code":
        grant = _code_grant(sso, client, code, redirect_uri, code_verifier)
    else:
        refreshed = sso.refresh_tokens.take(refresh_token or "")
        if refreshed is None or refreshed.client_id != client.username:
            return oauth_error(400, "invalid_grant", "unknown, used or expired refresh token")
        grant = refreshed
    if isinstance(grant, JSONResponse):
        return grant
    return _tokens(sso, client, grant)


def _code_grant(
    sso: Sso,
    client: DemoUser,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> Grant | JSONResponse:
    """The grant of an authorization code (once, for the same client, redirect_uri and PKCE
    verifier), or the OAuth error."""
    grant = sso.codes.take(code or "")
    if grant is None or grant.client_id != client.username:
        return oauth_error(400, "invalid_grant", "unknown, used or expired code")
    if redirect_uri != grant.redirect_uri:
        return oauth_error(400, "invalid_grant", "redirect_uri differs from the request's")
    if not code_verifier or not hmac.compare_digest(pkce_s256(code_verifier), grant.code_challenge):
        return oauth_error(400, "invalid_grant", "code_verifier does not match")
    return grant


def _tokens(sso: Sso, client: DemoUser, grant: Grant) -> TokenResponse | JSONResponse:
    """A person's tokens for a grant: access, id and a new (rotated) refresh token."""
    user = sso.by_name.get(grant.username)
    if user is None:
        return oauth_error(400, "invalid_grant", "the user is gone")
    rotated = sso.refresh_tokens.add(
        Grant(client.username, user.username, time.time() + sso.refresh_ttl_s)
    )
    return TokenResponse(
        access_token=sso.access_token(user),
        expires_in=sso.ttl_s,
        refresh_token=rotated,
        id_token=sso.id_token(user, client.username, grant.nonce),
    )


@router.get("/userinfo")
async def userinfo(request: Request, sso: SsoOf) -> JSONResponse:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    claims = sso.decode(value, audience=sso.issuer.audience, issuer=sso.issuer.issuer)
    if scheme.lower() != "bearer" or claims is None:
        return JSONResponse(
            {"error": "invalid_token"},
            401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    keep = ("sub", "name", "roles", "dept", "team")
    return JSONResponse({k: claims[k] for k in keep if k in claims})


@router.get("/logout", response_class=HTMLResponse)
async def logout(
    request: Request,
    sso: SsoOf,
    id_token_hint: Annotated[str, Query(max_length=8192)] = "",
    post_logout_redirect_uri: Annotated[str, Query(max_length=2000)] = "",
    client_id: Annotated[str, Query(max_length=128)] = "",
    state: Annotated[str, Query(max_length=512)] = "",
) -> Response:
    """End the session: the client's refresh tokens for that person stop working."""
    options = {"verify_aud": False, "verify_exp": False}
    hint = sso.decode(id_token_hint, options=options) or {}
    client_id = str(hint.get("aud", client_id))
    if hint.get("sub"):
        sso.refresh_tokens.revoke(client_id, str(hint["sub"]))
    client = sso.by_name.get(client_id)
    if client is not None and post_logout_redirect_uri in client.post_logout_redirect_uris:
        query = {"state": state} if state else {}
        return RedirectResponse(add_query(post_logout_redirect_uri, query), status_code=303)
    english = prefers_english(request.headers.get("accept-language", ""))
    return HTMLResponse(page("已退出 · Signed out", "<p>已退出登录。Signed out.</p>", english))


# --- pages and redirects ----------------------------------------------------------------------


def prefers_english(accept_language: str) -> bool:
    first = accept_language.split(",")[0].strip().lower()
    return bool(first) and not first.startswith("zh")


def add_query(uri: str, params: dict[str, str]) -> str:
    if not params:
        return uri
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def back_with_error(redirect_uri: str, state: str, error: str) -> Response:
    """RFC 6749 4.1.2.1: errors after the client and redirect_uri are known go back to it."""
    query = {"error": error} | ({"state": state} if state else {})
    return RedirectResponse(add_query(redirect_uri, query), status_code=303)


def page(title: str, body: str, english: bool) -> str:
    lang = "en" if english else "zh-CN"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def picker_page(people: list[DemoUser], hidden: dict[str, str], english: bool) -> str:
    title = "Sign in to Houqin (demo)" if english else "登录后勤服务平台（演示）"
    note = (
        "Demo sign-in: pick who you are. No passwords; never use this in production."
        if english
        else "演示登录：选择一个身份即可，无需密码。正式环境请接入学校统一身份认证。"
    )
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in hidden.items()
    )
    buttons = "".join(
        f'<button type="submit" name="username" value="{html.escape(u.username)}">'
        f"<strong>{html.escape(u.name)}</strong><small>{html.escape(u.username)} · "
        f"{html.escape(', '.join(u.roles))}</small></button>"
        for u in people
    )
    body = (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(note)}</p>"
        f'<form method="post" action="authorize">{fields}{buttons}</form>'
    )
    return page(title, body, english)


def error_page(english: bool) -> str:
    text = (
        "This sign-in link is not valid: unknown application or return address."
        if english
        else "登录链接无效：应用或回调地址未注册。"
    )
    return page("Houqin SSO", f"<p>{html.escape(text)}</p>", english)


STYLE = (
    "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;"
    "background:#f4f6f8;color:#1b1f24}main{max-width:28rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.3rem}form{display:grid;gap:.5rem}button{display:flex;flex-direction:column;"
    "align-items:flex-start;gap:.2rem;padding:.8rem 1rem;font-size:1rem;border:1px solid #c9d1d9;"
    "border-radius:.6rem;background:#fff;text-align:left;cursor:pointer}small{color:#57606a}"
)


# --- client authentication --------------------------------------------------------------------


def basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def oauth_error(status: int, error: str, description: str) -> JSONResponse:
    """RFC 6749 section 5.2's error answer (what OAuth clients expect from a token endpoint)."""
    headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
    return JSONResponse({"error": error, "error_description": description}, status, headers=headers)


def demo_mode(flag: bool) -> bool:
    return flag or os.environ.get("HOUQIN_DEMO", "") == "1"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m houqin_shared.devsso", description=__doc__)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="required (or HOUQIN_DEMO=1): this SSO lets anyone sign in as anyone",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--key-file", type=Path, required=True, help="RSA key PEM (made if absent)")
    parser.add_argument("--users", type=Path, required=True, help="JSON list of demo users")
    parser.add_argument("--issuer", default="http://127.0.0.1:8900", help="`iss` of the tokens")
    parser.add_argument("--audience", default="houqin", help="`aud` of the tokens")
    parser.add_argument("--ttl", type=int, default=3600, help="token lifetime, seconds")
    args = parser.parse_args(argv)
    # every line as JSON, its own, uvicorn's and the access log's, like the services' processes
    logs.configure("sso", "sso")
    log = logs.get_logger("houqin.devsso")
    if not demo_mode(args.demo):
        log.error(
            "refusing to start: the demo SSO signs anyone in without a password; pass --demo"
            " (or set HOUQIN_DEMO=1) to run it for a demo or the tests"
        )
        raise SystemExit(2)

    issuer = LocalIssuer(args.key_file, issuer=args.issuer, audience=args.audience)
    users = json.loads(args.users.read_text(encoding="utf-8"))
    app = create_app(issuer, users, ttl_s=args.ttl)
    log.info("demo sso", issuer=args.issuer, users=len(users), port=args.port)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
