"""A tiny stand-in for the campus SSO, for the demo and the tests: no passwords, demo users only.

    python -m houqin_shared.devsso --port 8900 --key-file .data/devsso.pem \\
        --users deploy/demo-users.json --issuer http://127.0.0.1:8900 --audience houqin

The users file is a JSON list of {"username", "name", "roles", "dept"?, "team"?,
"client_secret"?}. POST /demo-login {"username": ...} answers a bearer token for that user; the
services verify it against GET /.well-known/jwks.json like they would the real SSO's. A user with
a client_secret is also an OAuth 2.0 client: POST /token with grant_type=client_credentials and
its id and secret (HTTP Basic or form fields, RFC 6749 section 4.4) answers a token for it, which
is how one service calls another (notify asking feedback who the reporters of a report are).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import json
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from houqin_shared.identity import LocalIssuer, Role
from houqin_shared.problems import PROBLEM_JSON, ProblemError, not_found


class DemoUser(BaseModel):
    username: str
    name: str
    roles: list[Role]
    dept: str | None = None
    team: str | None = None
    client_secret: str | None = Field(None, exclude=True)


class LoginRequest(BaseModel):
    username: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int


def create_app(issuer: LocalIssuer, users: list[dict[str, Any]], *, ttl_s: int = 3600) -> FastAPI:
    """The dev SSO app; `users` are validated now (unknown roles are an error here)."""
    by_name = {u.username: u for u in (DemoUser.model_validate(raw) for raw in users)}
    app = FastAPI(title="houqin dev SSO", docs_url=None, redoc_url=None)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, exc: ProblemError) -> JSONResponse:
        return JSONResponse(
            exc.body(request.url.path), exc.status, headers=exc.headers, media_type=PROBLEM_JSON
        )

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    @app.get("/.well-known/openid-configuration")
    async def openid_configuration() -> dict[str, Any]:
        base = issuer.issuer.rstrip("/")
        return {
            "issuer": issuer.issuer,
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @app.get("/demo-users")
    async def demo_users() -> list[DemoUser]:
        return list(by_name.values())

    @app.post("/demo-login")
    async def demo_login(body: LoginRequest) -> TokenResponse:
        user = by_name.get(body.username)
        if user is None:
            raise not_found(f"no demo user {body.username!r}")
        token = issuer.issue(
            user.username,
            user.roles,
            name=user.name,
            department_id=user.dept,
            team_id=user.team,
            ttl_s=ttl_s,
        )
        return TokenResponse(access_token=token, expires_in=ttl_s)

    @app.post("/token", response_model=TokenResponse)
    async def token(
        request: Request,
        grant_type: Annotated[str, Form()],
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
    ) -> TokenResponse | JSONResponse:
        if grant_type != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "only client_credentials")
        basic = basic_credentials(request.headers.get("authorization", ""))
        if basic is not None:
            client_id, client_secret = basic
        client = by_name.get(client_id or "")
        expected = client.client_secret if client is not None else None
        if (
            client is None
            or expected is None
            or not hmac.compare_digest(expected.encode(), (client_secret or "").encode())
        ):
            return oauth_error(401, "invalid_client", "unknown client or wrong secret")
        issued = issuer.issue(client.username, client.roles, name=client.name, ttl_s=ttl_s)
        return TokenResponse(access_token=issued, expires_in=ttl_s)

    return app


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m houqin_shared.devsso", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--key-file", type=Path, required=True, help="RSA key PEM (made if absent)")
    parser.add_argument("--users", type=Path, required=True, help="JSON list of demo users")
    parser.add_argument("--issuer", default="http://127.0.0.1:8900", help="`iss` of the tokens")
    parser.add_argument("--audience", default="houqin", help="`aud` of the tokens")
    parser.add_argument("--ttl", type=int, default=3600, help="token lifetime, seconds")
    args = parser.parse_args(argv)

    issuer = LocalIssuer(args.key_file, issuer=args.issuer, audience=args.audience)
    users = json.loads(args.users.read_text(encoding="utf-8"))
    uvicorn.run(create_app(issuer, users, ttl_s=args.ttl), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
