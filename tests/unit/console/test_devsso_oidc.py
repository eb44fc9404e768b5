"""The demo SSO's OpenID Connect code flow with PKCE, in process (no network)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from houqin_shared import devsso
from houqin_shared.identity import LocalIssuer

ISSUER = "http://sso.test"
CALLBACK = "http://console.test/auth/callback"
USERS = [
    {"username": "student", "name": "李同学", "roles": ["reporter"]},
    {"username": "plumber", "name": "张师傅", "roles": ["staff"], "dept": "m", "team": "p"},
    {
        "username": "console",
        "name": "console",
        "roles": [],
        "client_secret": "s3cret",
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": ["http://console.test/"],
    },
    {"username": "notify", "name": "notify", "roles": ["service"], "client_secret": "n"},
]
CLIENT = ("console", "s3cret")


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer(None, issuer=ISSUER, audience="houqin")


@pytest.fixture
async def sso(issuer: LocalIssuer) -> AsyncIterator[httpx.AsyncClient]:
    app = devsso.create_app(issuer, USERS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as client:
        yield client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def authorize(
    sso: httpx.AsyncClient, challenge: str, user: str = "student", redirect: str = CALLBACK
) -> str:
    params = {
        "client_id": "console",
        "redirect_uri": redirect,
        "response_type": "code",
        "state": "st4te",
        "nonce": "n0nce",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = await sso.get("/authorize", params=params)
    assert page.status_code == 200, page.text
    assert "李同学" in page.text and "notify" not in page.text  # people only, no clients
    form = {k: v for k, v in params.items() if k not in ("response_type", "code_challenge_method")}
    answer = await sso.post("/authorize", data={**form, "username": user})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect
    query = parse_qs(location.query)
    assert query["state"] == ["st4te"] and query["iss"] == [ISSUER]
    return query["code"][0]


async def exchange(
    sso: httpx.AsyncClient, code: str, verifier: str, redirect: str = CALLBACK
) -> httpx.Response:
    return await sso.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
        auth=CLIENT,
    )


async def test_discovery_describes_the_code_flow(sso: httpx.AsyncClient) -> None:
    config = (await sso.get("/.well-known/openid-configuration")).json()
    assert config["issuer"] == ISSUER
    assert config["authorization_endpoint"] == ISSUER + "/authorize"
    assert config["token_endpoint"] == ISSUER + "/token"
    assert config["end_session_endpoint"] == ISSUER + "/logout"
    assert config["userinfo_endpoint"] == ISSUER + "/userinfo"
    assert config["response_types_supported"] == ["code"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token"} <= set(config["grant_types_supported"])


async def test_code_flow_gives_access_id_and_refresh_tokens(
    sso: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    verifier, challenge = pkce()
    code = await authorize(sso, challenge, user="plumber")
    r = await exchange(sso, code, verifier)
    assert r.status_code == 200, r.text
    body = r.json()
    key = issuer.private_key.public_key()
    access = jwt.decode(body["access_token"], key, ["RS256"], audience="houqin", issuer=ISSUER)
    assert access["sub"] == "plumber" and access["roles"] == ["staff"]
    assert access["dept"] == "m" and access["team"] == "p" and access["name"] == "张师傅"
    ident = jwt.decode(body["id_token"], key, ["RS256"], audience="console", issuer=ISSUER)
    assert ident["nonce"] == "n0nce" and ident["sub"] == "plumber"
    assert body["expires_in"] > 0 and body["refresh_token"]

    info = await sso.get("/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
    assert info.json()["sub"] == "plumber"

    # refresh rotates: the new refresh token works, the old one no longer does
    refreshed = await sso.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=CLIENT,
    )
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != body["refresh_token"]
    again = await sso.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=CLIENT,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    # logout with the id_token revokes the client's refresh tokens for that person
    out = await sso.get(
        "/logout",
        params={
            "id_token_hint": new["id_token"],
            "post_logout_redirect_uri": "http://console.test/",
        },
    )
    assert out.status_code == 303 and out.headers["location"] == "http://console.test/"
    after = await sso.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": new["refresh_token"]},
        auth=CLIENT,
    )
    assert after.status_code == 400


async def test_pkce_mismatch_is_refused(sso: httpx.AsyncClient) -> None:
    _, challenge = pkce()
    code = await authorize(sso, challenge)
    other, _ = pkce()
    r = await exchange(sso, code, other)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_a_code_works_once(sso: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await authorize(sso, challenge)
    assert (await exchange(sso, code, verifier)).status_code == 200
    second = await exchange(sso, code, verifier)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"


async def test_redirect_uri_must_be_the_registered_one(sso: httpx.AsyncClient) -> None:
    _, challenge = pkce()
    page = await sso.get(
        "/authorize",
        params={
            "client_id": "console",
            "redirect_uri": "http://evil.test/cb",
            "response_type": "code",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 400 and "location" not in page.headers
    forged = await sso.post(
        "/authorize",
        data={
            "client_id": "console",
            "redirect_uri": "http://evil.test/cb",
            "code_challenge": challenge,
            "username": "student",
        },
    )
    assert forged.status_code == 400 and "location" not in forged.headers


async def test_token_redirect_uri_must_match_the_request(sso: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await authorize(sso, challenge)
    r = await exchange(sso, code, verifier, redirect="http://console.test/other")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_the_code_needs_the_client_secret(sso: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await authorize(sso, challenge)
    r = await sso.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=("console", "wrong"),
    )
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


async def test_plain_pkce_and_other_response_types_are_refused(sso: httpx.AsyncClient) -> None:
    _, challenge = pkce()
    base = {"client_id": "console", "redirect_uri": CALLBACK, "state": "x"}
    plain = await sso.get(
        "/authorize",
        params={**base, "response_type": "code", "code_challenge": challenge,
                "code_challenge_method": "plain"},
    )  # fmt: skip
    assert plain.status_code == 303 and "error=invalid_request" in plain.headers["location"]
    implicit = await sso.get(
        "/authorize",
        params={**base, "response_type": "token", "code_challenge": challenge,
                "code_challenge_method": "S256"},
    )  # fmt: skip
    assert "error=unsupported_response_type" in implicit.headers["location"]


async def test_demo_login_and_client_credentials_still_work(sso: httpx.AsyncClient) -> None:
    assert (await sso.post("/demo-login", json={"username": "student"})).status_code == 200
    r = await sso.post("/token", data={"grant_type": "client_credentials"}, auth=("notify", "n"))
    assert r.status_code == 200 and "refresh_token" not in {
        k for k, v in r.json().items() if v is not None
    }


def test_refuses_to_start_outside_demo_mode(tmp_path: object) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "houqin_shared.devsso", "--key-file", "x.pem", "--users", "u.json"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOUQIN_DEMO": ""},
        timeout=60,
    )
    assert run.returncode == 2 and run.stderr == ""
    (line,) = run.stdout.splitlines()  # one JSON line, like every other line of the process
    refusal = json.loads(line)
    assert (refusal["level"], refusal["service"]) == ("error", "sso")
    assert "--demo" in refusal["event"] and refusal["timestamp"]
