"""Who is calling: bearer JWTs from the campus SSO, verified against its published JWKS.

Every service verifies tokens itself (no call to the SSO per request): `JwksCache` keeps the SSO's
public keys, `TokenVerifier` checks a token and turns its claims into a `Principal`, and the
FastAPI glue (`install_identity`, `CurrentPrincipal`, `require_roles`) puts it on a route.

Failure answers:
- anything wrong with the token itself (missing, malformed, unknown key, bad signature, expired,
  wrong audience or issuer, missing claim) is 401 problem+json;
- a token without any of the roles a route needs is 403;
- a JWKS that cannot be fetched is 503 ("identity provider unavailable"), not 401: the caller's
  token may be fine, and telling clients to log in again would not help. Keys fetched before stay
  usable while the SSO is unreachable, so only tokens signed with a key never seen get the 503.

`LocalIssuer` signs tokens for the demo SSO (`houqin_shared.devsso`) and the tests.

`Role` and `Principal` live in `houqin_shared.principal` (no web or JWT imports) so rule modules
can use them; they are re-exported here for the routes.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import math
import os
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import certifi
import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.algorithms import RSAAlgorithm

from houqin_shared.principal import DEMO_CLAIMS, ClaimPaths
from houqin_shared.principal import Principal as Principal
from houqin_shared.principal import Role as Role
from houqin_shared.problems import ProblemError, problem, unauthorized
from houqin_shared.settings import DEMO_ENV, ServiceSettings

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256")
"""The only signature algorithms accepted: never 'none', never HS* (a shared secret)."""

REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")

MAX_JWKS_BYTES = 1 << 20  # a JWKS holds a few keys; a larger answer is not one

_ALGORITHM_FOR_KTY = {"RSA": "RS256", "EC": "ES256"}


# --- JWKS -------------------------------------------------------------------------------------


class JwksUnavailableError(Exception):
    """The JWKS could not be fetched (and the key asked for is not known from before)."""


class JwksCache:
    """The SSO's signing keys by `kid`, fetched from `url` and kept for `ttl_s` seconds.

    An unknown `kid` triggers a refetch (the SSO may have rotated its key), but fetches happen at
    most once per `min_refetch_s`, so a flood of made-up kids cannot hammer the SSO; callers that
    arrive while a fetch is under way wait for it instead of starting their own. A failed fetch
    keeps the keys already known.
    """

    def __init__(
        self,
        url: str,
        *,
        ttl_s: float = 600.0,
        min_refetch_s: float = 10.0,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.min_refetch_s = min_refetch_s
        self.timeout_s = timeout_s
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._last_error: Exception | None = None
        self._lock = asyncio.Lock()

    async def get_key(self, kid: str) -> jwt.PyJWK | None:
        """The key published under `kid`, or None when the SSO does not publish it.

        Raises JwksUnavailableError when the key is not known and the JWKS cannot be fetched.
        """
        if self._is_fresh() and kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if not (self._is_fresh() and kid in self._keys) and self._may_fetch():
                await self._refresh()
            key = self._keys.get(kid)
            if key is None and self._last_error is not None:
                raise JwksUnavailableError(str(self._last_error)) from self._last_error
            return key

    async def warm(self, attempts: int = 5, pause_s: float = 2.0) -> bool:
        """Fetch the keys before the first request needs them (at start-up, in the background):
        a slow first fetch would otherwise answer that request, and every request for the next
        `min_refetch_s`, 503. Gives up after `attempts`; requests then fetch as usual."""
        for attempt in range(attempts):
            async with self._lock:
                if self._fetched_at is not None:
                    return True
                await self._refresh()
                if self._fetched_at is not None:
                    return True
            if attempt + 1 < attempts:
                await asyncio.sleep(pause_s)
        return False

    def publishes(self, kid: str) -> bool:
        """Whether `kid` is among the keys last fetched, while they are fresh (no I/O)."""
        return self._is_fresh() and kid in self._keys

    def _is_fresh(self) -> bool:
        return self._fetched_at is not None and self._clock() - self._fetched_at < self.ttl_s

    def _may_fetch(self) -> bool:
        return (
            self._attempted_at is None or self._clock() - self._attempted_at >= self.min_refetch_s
        )

    async def _refresh(self) -> None:
        self._attempted_at = self._clock()
        try:  # one deadline for the whole fetch: httpx's timeout is per read, not per answer
            async with asyncio.timeout(self.timeout_s):
                keys = parse_jwks(json.loads(await self._download()))
        except (httpx.HTTPError, ValueError, TimeoutError) as exc:
            log.warning("jwks fetch from %s failed: %r", self.url, exc)
            self._last_error = exc
            return
        finally:  # the next fetch is min_refetch_s after this one ended, however slow it was
            self._attempted_at = self._clock()
        self._keys = keys
        self._fetched_at = self._attempted_at
        self._last_error = None

    async def _download(self) -> bytes:
        body = bytearray()
        async with (
            httpx.AsyncClient(timeout=self.timeout_s, verify=_tls()) as client,
            client.stream("GET", self.url) as response,
        ):
            response.raise_for_status()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    raise ValueError(f"JWKS larger than {MAX_JWKS_BYTES} bytes")
        return bytes(body)


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's default verification, built once (a new context per fetch costs ~0.1 s of CPU)."""
    return ssl.create_default_context(cafile=certifi.where())


def parse_jwks(document: object) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWKS document by kid: RSA (RS256) and EC P-256 (ES256) only.

    Keys without a kid, of another type or algorithm, or not for signatures are skipped; a
    document that is not a JWKS at all raises ValueError.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document (no 'keys' list)")
    keys: dict[str, jwt.PyJWK] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict):
            continue
        kid = jwk.get("kid")
        algorithm = _ALGORITHM_FOR_KTY.get(jwk.get("kty", ""))
        if (
            not isinstance(kid, str)
            or not kid
            or algorithm is None
            or jwk.get("alg", algorithm) != algorithm
            or jwk.get("use", "sig") != "sig"
            or (algorithm == "ES256" and jwk.get("crv") != "P-256")
        ):
            continue
        try:
            keys[kid] = jwt.PyJWK(jwk, algorithm=algorithm)
        except jwt.PyJWTError:
            continue
    return keys


# --- verification -----------------------------------------------------------------------------


def identity_unavailable(retry_after_s: float) -> ProblemError:
    return problem(
        "identity-unavailable",
        "identity provider unavailable: cannot fetch its signing keys",
        headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))},
    )


class TokenVerifier:
    """Checks a bearer token and returns its Principal; raises 401/503 ProblemError otherwise."""

    CACHE_SIZE = 10_000  # verified tokens kept (a token is checked once, then looked up)

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks: JwksCache,
        leeway_s: float = 30,
        paths: ClaimPaths = DEMO_CLAIMS,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks = jwks
        self.leeway_s = leeway_s
        self.paths = paths  # where the caller's subject, roles, department... are in the claims
        self._verified: dict[str, tuple[Principal, float, str]] = {}

    async def verify(self, token: str) -> Principal:
        """The token's Principal. A token that passed every check is remembered until it
        expires, so a client's next requests cost a lookup, not a signature check; but only
        while its key is still published (a retired key's tokens are refused at once)."""
        known = self._verified.get(token)
        if known is not None:
            principal, expires, kid = known
            if time.time() < expires and self.jwks.publishes(kid):
                return principal
            del self._verified[token]
        principal, expires, kid = await self._check(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (principal, expires, kid)
        return principal

    async def _check(self, token: str) -> tuple[Principal, float, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise unauthorized("token-invalid", "malformed token") from exc
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise unauthorized(
                "token-invalid", f"token algorithm must be one of {', '.join(ALGORITHMS)}"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise unauthorized("token-invalid", "token header has no key id ('kid')")
        try:
            key = await self.jwks.get_key(kid)
        except JwksUnavailableError as exc:
            raise identity_unavailable(self.jwks.min_refetch_s) from exc
        if key is None:
            raise unauthorized(
                "token-invalid", "token is signed with a key the identity provider does not publish"
            )
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as exc:
            expired = isinstance(exc, jwt.ExpiredSignatureError)
            raise unauthorized(
                "token-expired" if expired else "token-invalid", _reason(exc)
            ) from exc
        return Principal.from_claims(claims, self.paths), float(claims["exp"]), kid


def _reason(exc: jwt.PyJWTError) -> str:
    match exc:
        case jwt.ExpiredSignatureError():
            return "token has expired"
        case jwt.ImmatureSignatureError():
            return "token is not valid yet"
        case jwt.InvalidAudienceError():
            return "token is not meant for this audience"
        case jwt.InvalidIssuerError():
            return "token is not from the expected issuer"
        case jwt.InvalidSignatureError():
            return "token signature is invalid"
        case jwt.MissingRequiredClaimError(claim=claim):
            return f"token lacks the required '{claim}' claim"
        case _:
            return f"token is invalid: {exc}"


class InsecureJwksError(ValueError):
    """The service was told to fetch its signing keys in a way anyone on the path could forge."""


def check_jwks_url(url: str, demo_mode: bool) -> None:
    """At start-up: the JWKS comes over https; plain http only in the explicit demo mode (the
    local demo SSO). Whoever can answer an http fetch can publish a key and sign any token."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "http" and demo_mode):
        return
    if scheme == "http":
        raise InsecureJwksError(
            f"refusing to start: the JWKS URL {url} is plain http, so anyone on the way could"
            " hand this service a key of their own and sign any token with it. Use the SSO's"
            f" https URL, or set {DEMO_ENV}=1 to run with the local demo SSO."
        )
    raise InsecureJwksError(f"refusing to start: the JWKS URL {url!r} is not an https URL")


def claim_paths(settings: ServiceSettings) -> ClaimPaths:
    """Where this provider's tokens name the caller (JWT_*_CLAIM; docs/identity.md)."""
    return ClaimPaths(
        subject=settings.jwt_subject_claim,
        name=settings.jwt_name_claim,
        roles=settings.jwt_roles_claim,
        department=settings.jwt_department_claim,
        team=settings.jwt_team_claim,
    )


def verifier_from_settings(settings: ServiceSettings) -> TokenVerifier:
    check_jwks_url(settings.jwt_jwks_url, settings.demo_mode)
    return TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        jwks=JwksCache(settings.jwt_jwks_url, timeout_s=settings.jwt_jwks_timeout_s),
        leeway_s=settings.jwt_leeway_s,
        paths=claim_paths(settings),
    )


# --- FastAPI glue -----------------------------------------------------------------------------


def install_identity(app: FastAPI, verifier: TokenVerifier) -> None:
    app.state.token_verifier = verifier


_bearer = HTTPBearer(auto_error=False, description="A JWT from the campus SSO (or the demo SSO).")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Principal:
    """The caller of this request, from `Authorization: Bearer <token>`; 401 without one.

    (`credentials` only declares the bearer scheme in the OpenAPI document; the header is
    parsed here so every malformed form gets the same problem+json answer.)"""
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError("install_identity(app, verifier) was not called for this app")
    header = request.headers.get("authorization")
    if header is None:
        missing = problem(
            "token-missing",
            "missing Authorization header (expected 'Bearer <token>')",
            headers={"WWW-Authenticate": "Bearer"},  # RFC 6750 3.1: no error code here
        )
        raise missing
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("token-invalid", "Authorization header must be 'Bearer <token>'")
    principal = await verifier.verify(token.strip())
    request.state.user_id = principal.subject  # for the access log (houqin_shared.access_log)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency giving the caller when they hold any of `roles`, else 403.

    Use as `Annotated[Principal, Depends(require_roles(Role.supervisor, Role.admin))]`.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    needed = ", ".join(dict.fromkeys(roles))

    async def principal_with_role(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*roles):
            raise problem("role-required", f"requires one of the roles: {needed}")
        return principal

    return principal_with_role


# --- local issuer -----------------------------------------------------------------------------


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of an RSA or EC public JWK."""
    members = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}[jwk["kty"]]
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class LocalIssuer:
    """Signs RS256 tokens for the demo SSO and the tests.

    The private key comes from the PEM file at `key_path`, which is generated (RSA 2048) and
    written with mode 0600 when absent; with `key_path=None` the key lives in memory only. The
    kid is the RFC 7638 thumbprint of the public key, so it is stable for a given key.
    """

    def __init__(
        self,
        key_path: str | Path | None = None,
        *,
        issuer: str = "http://127.0.0.1:8900",
        audience: str = "houqin",
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.private_key = _load_or_create_key(Path(key_path) if key_path is not None else None)
        self._public_jwk: dict[str, Any] = RSAAlgorithm.to_jwk(
            self.private_key.public_key(), as_dict=True
        )
        self.kid = jwk_thumbprint(self._public_jwk)

    def issue(
        self,
        subject: str,
        roles: Iterable[str],
        *,
        name: str | None = None,
        department_id: str | None = None,
        team_id: str | None = None,
        ttl_s: int = 3600,
        audience: str | None = None,
        issuer: str | None = None,
        scope: str | None = None,
    ) -> str:
        """A signed token; audience and issuer default to this issuer's. ttl_s < 0 is expired."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer if issuer is not None else self.issuer,
            "aud": audience if audience is not None else self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + ttl_s,
            "jti": uuid.uuid4().hex,
            "roles": [str(role) for role in roles],
        }
        optional = {"name": name, "dept": department_id, "team": team_id, "scope": scope}
        claims.update({k: v for k, v in optional.items() if v is not None})
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self._public_jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}


def _load_or_create_key(path: Path | None) -> rsa.RSAPrivateKey:
    if path is not None and path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key")
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if path is not None:
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first: use theirs
            return _load_or_create_key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    return key
