"""Bearer tokens over real HTTP: the dev SSO serves its JWKS with uvicorn on 127.0.0.1, a small
API verifies tokens against it (called in-process through httpx.ASGITransport)."""

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from houqin_shared.devsso import create_app
from houqin_shared.identity import (
    CurrentPrincipal,
    JwksCache,
    LocalIssuer,
    Principal,
    Role,
    TokenVerifier,
    install_identity,
    require_roles,
)
from houqin_shared.problems import PROBLEM_JSON, ProblemError

ISSUER = "http://sso.test"
AUDIENCE = "houqin"
JWKS_PATH = "/.well-known/jwks.json"
USERS = [
    {"username": "sup", "name": "Zhou Jian", "roles": ["supervisor"], "dept": "d-1"},
    {"username": "clerk", "name": "Liu Mei", "roles": ["front_desk"], "dept": "d-1", "team": "t-2"},
]


class LiveServer:
    """An ASGI app served by uvicorn in a background thread; counts the paths it was asked for."""

    def __init__(self, app: FastAPI, port: int = 0) -> None:
        self.hits: Counter[str] = Counter()

        @app.middleware("http")
        async def count(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
            self.hits[request.url.path] += 1
            return await call_next(request)

        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn did not start"
            assert time.monotonic() < deadline, "uvicorn took too long to start"
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        assert not self.thread.is_alive()


def devsso(issuer: LocalIssuer, port: int = 0) -> LiveServer:
    return LiveServer(create_app(issuer, USERS), port)


@pytest.fixture(scope="module")
def sso_issuer() -> LocalIssuer:
    return LocalIssuer(None, issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture(scope="module")
def sso(sso_issuer: LocalIssuer) -> Iterator[LiveServer]:
    server = devsso(sso_issuer)
    yield server
    server.stop()


Supervisor = Annotated[Principal, Depends(require_roles(Role.supervisor))]


def api(verifier: TokenVerifier) -> httpx.AsyncClient:
    app = FastAPI()
    install_identity(app, verifier)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, e: ProblemError) -> JSONResponse:
        return JSONResponse(
            e.body(), status_code=e.status, headers=e.headers, media_type=PROBLEM_JSON
        )

    @app.get("/supervision")
    async def supervision(principal: Supervisor) -> dict[str, Any]:
        return {"subject": principal.subject, "roles": sorted(principal.roles)}

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, Any]:
        return {"subject": principal.subject, "dept": principal.department_id}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api")


def verifier(jwks_url: str, **cache: float) -> TokenVerifier:
    return TokenVerifier(ISSUER, AUDIENCE, JwksCache(jwks_url, **cache), leeway_s=30)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    out = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-1", "iat": now, "exp": now + 600}
    out["roles"] = ["supervisor"]
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload: dict[str, Any], secret: bytes, kid: str) -> str:
    """Signed by hand: PyJWT (rightly) refuses a PEM public key as an HMAC secret."""
    signing_input = ".".join(
        b64(json.dumps(part).encode()) for part in ({"alg": "HS256", "kid": kid}, payload)
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def unsigned(payload: dict[str, Any], kid: str) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": kid}
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}."


def public_pem(issuer: LocalIssuer) -> bytes:
    return issuer.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


async def login(sso: LiveServer, username: str) -> str:
    async with httpx.AsyncClient(base_url=sso.url) as client:
        response = await client.post("/demo-login", json={"username": username})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    return str(body["access_token"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_problem(response: httpx.Response, status: int, detail: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert detail in body["detail"], body


# --- the dev SSO ------------------------------------------------------------------------------


async def test_devsso_discovery_and_users(sso: LiveServer, sso_issuer: LocalIssuer) -> None:
    async with httpx.AsyncClient(base_url=sso.url) as client:
        config = (await client.get("/.well-known/openid-configuration")).json()
        jwks = (await client.get(JWKS_PATH)).json()
        users = (await client.get("/demo-users")).json()

    assert config["issuer"] == ISSUER
    assert config["jwks_uri"] == f"{ISSUER}{JWKS_PATH}"
    assert jwks == sso_issuer.jwks()
    assert [(u["username"], u["roles"]) for u in users] == [
        ("sup", ["supervisor"]),
        ("clerk", ["front_desk"]),
    ]


async def test_devsso_unknown_user_is_404_problem(sso: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=sso.url) as client:
        response = await client.post("/demo-login", json={"username": "mallory"})

    assert_problem(response, 404, "mallory")


def test_devsso_refuses_users_with_unknown_roles(sso_issuer: LocalIssuer) -> None:
    with pytest.raises(ValueError, match="roles"):
        create_app(sso_issuer, [{"username": "x", "name": "X", "roles": ["root"]}])


# --- verification -----------------------------------------------------------------------------


async def test_valid_token_with_the_role_is_200(sso: LiveServer) -> None:
    token = await login(sso, "sup")

    async with api(verifier(sso.url + JWKS_PATH)) as client:
        response = await client.get("/supervision", headers=bearer(token))
        me = await client.get("/me", headers=bearer(token))

    assert response.status_code == 200, response.text
    assert response.json() == {"subject": "sup", "roles": ["supervisor"]}
    assert me.json() == {"subject": "sup", "dept": "d-1"}


async def test_valid_token_without_the_role_is_403(sso: LiveServer) -> None:
    token = await login(sso, "clerk")

    async with api(verifier(sso.url + JWKS_PATH)) as client:
        response = await client.get("/supervision", headers=bearer(token))
        me = await client.get("/me", headers=bearer(token))

    assert_problem(response, 403, "supervisor")
    assert me.status_code == 200


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BadHeaders = Callable[[LocalIssuer], dict[str, str]]

BAD_REQUESTS: dict[str, tuple[BadHeaders, str]] = {
    "missing header": (lambda i: {}, "missing Authorization"),
    "other scheme": (lambda i: {"Authorization": "Basic c3VwOnN1cA=="}, "Bearer <token>"),
    "empty bearer": (lambda i: {"Authorization": "Bearer "}, "Bearer <token>"),
    "malformed": (lambda i: bearer("not.a.jwt"), "malformed"),
    "garbage": (lambda i: bearer("garbage"), "malformed"),
    "expired": (lambda i: bearer(i.issue("sup", ["supervisor"], ttl_s=-120)), "expired"),
    "wrong audience": (
        lambda i: bearer(i.issue("sup", ["supervisor"], audience="another-app")),
        "audience",
    ),
    "wrong issuer": (
        lambda i: bearer(i.issue("sup", ["supervisor"], issuer="http://evil.test")),
        "issuer",
    ),
    "bad signature, same kid": (
        lambda i: bearer(jwt.encode(claims(), other_key(), "RS256", headers={"kid": i.kid})),
        "signature",
    ),
    "unknown kid": (
        lambda i: bearer(LocalIssuer(None, issuer=ISSUER).issue("sup", ["supervisor"])),
        "does not publish",
    ),
    "no kid": (lambda i: bearer(jwt.encode(claims(), i.private_key, "RS256")), "kid"),
    "alg none": (lambda i: bearer(unsigned(claims(), i.kid)), "algorithm"),
    "HS256 keyed with the public key": (
        lambda i: bearer(hs256(claims(), public_pem(i), i.kid)),
        "algorithm",
    ),
    "no exp": (
        lambda i: bearer(jwt.encode(claims(exp=None), i.private_key, "RS256", {"kid": i.kid})),
        "'exp'",
    ),
    "no iat": (
        lambda i: bearer(jwt.encode(claims(iat=None), i.private_key, "RS256", {"kid": i.kid})),
        "'iat'",
    ),
    "no sub": (
        lambda i: bearer(jwt.encode(claims(sub=None), i.private_key, "RS256", {"kid": i.kid})),
        "'sub'",
    ),
    "not yet valid": (
        lambda i: bearer(
            jwt.encode(claims(nbf=int(time.time()) + 600), i.private_key, "RS256", {"kid": i.kid})
        ),
        "not valid yet",
    ),
}


@pytest.mark.parametrize(("make_headers", "reason"), BAD_REQUESTS.values(), ids=BAD_REQUESTS)
async def test_bad_credentials_are_401_problem(
    sso: LiveServer, sso_issuer: LocalIssuer, make_headers: BadHeaders, reason: str
) -> None:
    async with api(verifier(sso.url + JWKS_PATH)) as client:
        response = await client.get("/supervision", headers=make_headers(sso_issuer))

    assert_problem(response, 401, reason)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_token_within_leeway_is_accepted(sso: LiveServer, sso_issuer: LocalIssuer) -> None:
    token = sso_issuer.issue("sup", ["supervisor"], ttl_s=-10)  # leeway is 30 s

    async with api(verifier(sso.url + JWKS_PATH)) as client:
        response = await client.get("/supervision", headers=bearer(token))

    assert response.status_code == 200, response.text


# --- the JWKS cache ---------------------------------------------------------------------------


async def test_concurrent_callers_share_one_fetch(sso: LiveServer, sso_issuer: LocalIssuer) -> None:
    token = sso_issuer.issue("sup", ["supervisor"])
    before = sso.hits[JWKS_PATH]

    async with api(verifier(sso.url + JWKS_PATH)) as client:
        responses = await asyncio.gather(
            *(client.get("/supervision", headers=bearer(token)) for _ in range(20))
        )

    assert [r.status_code for r in responses] == [200] * 20
    assert sso.hits[JWKS_PATH] - before == 1


async def test_unknown_kid_refetches_at_most_once_per_interval(
    sso: LiveServer, sso_issuer: LocalIssuer
) -> None:
    good = sso_issuer.issue("sup", ["supervisor"])
    forged = [
        jwt.encode(claims(), other_key(), "RS256", headers={"kid": f"made-up-{n}"})
        for n in range(3)
    ]
    flood = [bearer(forged[n % 3]) for n in range(30)]
    before = sso.hits[JWKS_PATH]

    async with api(verifier(sso.url + JWKS_PATH, min_refetch_s=0.5)) as client:
        assert (await client.get("/supervision", headers=bearer(good))).status_code == 200
        assert sso.hits[JWKS_PATH] - before == 1

        first = await asyncio.gather(*(client.get("/supervision", headers=h) for h in flood))
        assert sso.hits[JWKS_PATH] - before == 1  # just fetched: no refetch yet

        await asyncio.sleep(0.6)
        second = await asyncio.gather(*(client.get("/supervision", headers=h) for h in flood))
        assert sso.hits[JWKS_PATH] - before == 2  # one refetch for the whole flood

        assert (await client.get("/supervision", headers=bearer(good))).status_code == 200
        assert sso.hits[JWKS_PATH] - before == 2

    assert {r.status_code for r in first + second} == {401}


async def test_keys_are_refetched_after_their_ttl(sso: LiveServer, sso_issuer: LocalIssuer) -> None:
    token = sso_issuer.issue("sup", ["supervisor"])
    before = sso.hits[JWKS_PATH]

    async with api(verifier(sso.url + JWKS_PATH, ttl_s=0.2, min_refetch_s=0)) as client:
        await client.get("/supervision", headers=bearer(token))
        await client.get("/supervision", headers=bearer(token))
        assert sso.hits[JWKS_PATH] - before == 1
        await asyncio.sleep(0.3)
        response = await client.get("/supervision", headers=bearer(token))

    assert response.status_code == 200
    assert sso.hits[JWKS_PATH] - before == 2


async def test_key_rotation_is_picked_up_by_refetch() -> None:
    old, new = LocalIssuer(None, issuer=ISSUER), LocalIssuer(None, issuer=ISSUER)
    server = devsso(old)
    port = server.port

    async with api(verifier(server.url + JWKS_PATH, min_refetch_s=0.2)) as client:
        old_token = await login(server, "sup")
        assert (await client.get("/supervision", headers=bearer(old_token))).status_code == 200

        server.stop()
        server = devsso(new, port)  # restarted with a new key, same address
        try:
            await asyncio.sleep(0.25)
            new_token = await login(server, "sup")
            assert jwt.get_unverified_header(new_token)["kid"] == new.kid != old.kid

            rotated = await client.get("/supervision", headers=bearer(new_token))
            retired = await client.get("/supervision", headers=bearer(old_token))
        finally:
            server.stop()

    assert rotated.status_code == 200, rotated.text
    assert server.hits[JWKS_PATH] == 1
    assert_problem(retired, 401, "does not publish")


async def test_unreachable_jwks_is_503_problem() -> None:
    token = LocalIssuer(None, issuer=ISSUER).issue("sup", ["supervisor"])

    async with api(verifier(f"http://127.0.0.1:{free_port()}{JWKS_PATH}")) as client:
        response = await client.get("/supervision", headers=bearer(token))

    assert_problem(response, 503, "identity provider unavailable")
    assert response.headers["retry-after"] == "10"


async def test_known_keys_outlive_an_sso_outage() -> None:
    issuer = LocalIssuer(None, issuer=ISSUER)
    server = devsso(issuer)
    token = issuer.issue("sup", ["supervisor"])
    stranger = LocalIssuer(None, issuer=ISSUER).issue("sup", ["supervisor"])

    async with api(verifier(server.url + JWKS_PATH, ttl_s=0.1, min_refetch_s=0)) as client:
        assert (await client.get("/supervision", headers=bearer(token))).status_code == 200
        server.stop()
        await asyncio.sleep(0.15)

        during_outage = await client.get("/supervision", headers=bearer(token))
        unknown_during_outage = await client.get("/supervision", headers=bearer(stranger))

    assert during_outage.status_code == 200
    assert_problem(unknown_during_outage, 503, "identity provider unavailable")


async def test_keys_fetched_at_start_up_serve_a_first_request_during_an_sso_outage() -> None:
    issuer = LocalIssuer(None, issuer=ISSUER)
    server = devsso(issuer)
    checker = verifier(server.url + JWKS_PATH)

    warmed = await checker.jwks.warm(attempts=1)
    server.stop()
    async with api(checker) as client:
        first = await client.get(
            "/supervision", headers=bearer(issuer.issue("sup", ["supervisor"]))
        )

    assert warmed
    assert first.status_code == 200, first.text


async def test_start_up_warming_gives_up_after_its_attempts() -> None:
    cache = JwksCache(f"http://127.0.0.1:{free_port()}{JWKS_PATH}", timeout_s=0.5)

    started = time.monotonic()
    warmed = await cache.warm(attempts=2, pause_s=0.1)

    assert not warmed
    assert time.monotonic() - started < 5


async def test_es256_keys_are_accepted_and_hmac_keys_are_not() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_jwk = jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key(), as_dict=True)
    secret = b"shared-secret-that-must-never-be-trusted"
    jwks = {
        "keys": [
            {**ec_jwk, "kid": "ec-1", "use": "sig", "alg": "ES256"},
            {"kty": "oct", "kid": "hmac-1", "k": b64(secret)},
        ]
    }
    app = FastAPI()
    app.get(JWKS_PATH)(lambda: jwks)
    server = LiveServer(app)
    try:
        es_token = jwt.encode(claims(), ec_key, "ES256", headers={"kid": "ec-1"})
        hs_token = hs256(claims(), secret, "hmac-1")
        async with api(verifier(server.url + JWKS_PATH)) as client:
            accepted = await client.get("/supervision", headers=bearer(es_token))
            refused = await client.get("/supervision", headers=bearer(hs_token))
    finally:
        server.stop()

    assert accepted.status_code == 200, accepted.text
    assert_problem(refused, 401, "algorithm")


async def test_a_verified_token_is_remembered_while_its_key_is_published(
    sso: LiveServer, sso_issuer: LocalIssuer
) -> None:
    check = verifier(sso.url + JWKS_PATH)
    token = sso_issuer.issue("sup", ["supervisor"])
    first = await check.verify(token)
    assert await check.verify(token) is first  # looked up, not checked again
    other = await check.verify(sso_issuer.issue("sup", ["supervisor"]))
    assert other == first and other is not first
