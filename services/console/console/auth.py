"""Sign-in with OpenID Connect: the authorization code flow with PKCE.

Authlib builds the protocol's messages (the authorization URL with its S256 code challenge, the
token requests); one pooled httpx client of the console sends them (a client per call would
load the CA bundle again each time, about 0.1 s of CPU per sign-in). Authlib's own httpx
integration is not used: it is deprecated in favour of httpx2.

Everything about the provider comes from its discovery document, so the demo SSO and a campus
provider differ only in settings. Tokens stay in the server-side session; the id_token is
checked (signature against the provider's JWKS, issuer, audience, nonce) before a session is
signed in, and the person's name and roles come from the userinfo endpoint. Which claims name
the person, their name and roles is the same setting as the APIs' (CONSOLE_JWT_SUBJECT_CLAIM,
..._NAME_CLAIM, ..._ROLES_CLAIM: e.g. Keycloak's `preferred_username` and `realm_access.roles`;
docs/identity.md), so the console's user is the subject the APIs see.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx
import jwt
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]

from console.sessions import PendingLogin, Session, Tokens, User
from console.settings import ConsoleSettings
from houqin_shared.identity import ALGORITHMS, JwksCache, JwksUnavailableError, claim_paths
from houqin_shared.principal import ClaimPaths, claim_at

LOGIN_TTL_S = 600  # a sign-in must come back from the SSO within this
REFRESH_MARGIN_S = 30  # refresh a token this close to its expiry


class SsoDown(Exception):
    """The SSO cannot be reached or answered nonsense."""


class LoginFailed(Exception):
    """The sign-in came back wrong (state, code, id_token): start again."""


class TokenRefused(Exception):
    """The token endpoint answered an OAuth error (a bad code, a used refresh token)."""


class Oidc:
    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self._jwks: JwksCache | None = None
        self.http = httpx.AsyncClient(timeout=settings.sso_timeout_s)
        self._own: Tokens | None = None

    async def own_token(self) -> str:
        """The console's own token (client credentials grant), for public pages that name
        departments: their names are for anyone signed in, a visitor has no token. Kept until
        shortly before it expires; TokenRefused or SsoDown when it cannot be had."""
        own = self._own
        if own is not None and own.expires_at - time.time() > REFRESH_MARGIN_S:
            return own.access
        meta = await self.metadata()
        self._own = tokens_of(
            await self._token_request(meta["token_endpoint"], "client_credentials")
        )
        return self._own.access

    async def close(self) -> None:
        await self.http.aclose()

    async def _token_request(self, endpoint: str, grant_type: str, **params: str) -> dict[str, Any]:
        """POST to the token endpoint with the client's id and secret (HTTP Basic, RFC 6749
        2.3.1); an OAuth error answer is TokenRefused, an SSO that cannot answer SsoDown."""
        s = self.settings
        body = prepare_token_request(grant_type, **params)
        secret = (
            quote(s.oidc_client_id, safe="")
            + ":"
            + quote(s.oidc_client_secret.get_secret_value(), safe="")
        )
        headers = {
            "Authorization": "Basic " + base64.b64encode(secret.encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        try:
            response = await self.http.post(endpoint, content=body, headers=headers)
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SsoDown(repr(exc)) from exc
        if response.status_code >= 500 or not isinstance(answer, dict):
            raise SsoDown(f"token endpoint answered {response.status_code}")
        if response.status_code >= 400 or "error" in answer or "access_token" not in answer:
            raise TokenRefused(str(answer.get("error") or response.status_code))
        return answer

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, fetched once and again every hour."""
        if self._metadata is not None and time.monotonic() - self._fetched_at < 3600:
            return self._metadata
        async with self._lock:
            if self._metadata is None or time.monotonic() - self._fetched_at >= 3600:
                try:
                    response = await self.http.get(self.settings.oidc_discovery_url)
                    response.raise_for_status()
                    document = response.json()
                except (httpx.HTTPError, ValueError) as exc:
                    raise SsoDown(repr(exc)) from exc
                if not isinstance(document, dict) or "authorization_endpoint" not in document:
                    raise SsoDown("not a discovery document")
                self._metadata, self._fetched_at = document, time.monotonic()
                self._jwks = JwksCache(
                    str(document["jwks_uri"]), timeout_s=self.settings.sso_timeout_s
                )
            return self._metadata

    async def start(self, session: Session, next_path: str) -> str:
        """Where to send the browser to sign in; the session remembers the state and verifier."""
        meta = await self.metadata()
        verifier = secrets.token_urlsafe(48)
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        s = self.settings
        url = prepare_grant_uri(
            meta["authorization_endpoint"], s.oidc_client_id, "code",
            redirect_uri=s.redirect_uri, scope=s.oidc_scope, state=state, nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
        )  # fmt: skip
        session.login = PendingLogin(state, verifier, nonce, next_path, time.monotonic())
        return str(url)

    async def finish(self, session: Session, code: str, state: str) -> str:
        """Exchange the code, check the id_token, sign the session in; the path to go next."""
        pending = session.login
        session.login = None
        if (
            pending is None
            or not secrets.compare_digest(pending.state, state)
            or time.monotonic() - pending.started_at > LOGIN_TTL_S
        ):
            raise LoginFailed("no sign-in of this browser is waiting for this answer")
        meta = await self.metadata()
        try:
            token = await self._token_request(
                meta["token_endpoint"], "authorization_code", code=code,
                redirect_uri=self.settings.redirect_uri, code_verifier=pending.verifier,
            )  # fmt: skip
        except TokenRefused as exc:
            raise LoginFailed(f"the SSO refused the code: {exc}") from exc
        claims = await self._check_id_token(meta, str(token.get("id_token", "")), pending.nonce)
        profile = await self._userinfo(meta, str(token["access_token"]))
        session.user = user_of(claims, profile, claim_paths(self.settings))
        session.tokens = tokens_of(token)
        return pending.next_path

    async def fresh_token(self, session: Session) -> str | None:
        """The session's access token, refreshed when it is about to expire; None when the
        session is not (or no longer) signed in."""
        tokens = session.tokens
        if tokens is None:
            return None
        if tokens.expires_at - time.time() > REFRESH_MARGIN_S:
            return tokens.access
        if tokens.refresh is None:
            sign_out(session)
            return None
        meta = await self.metadata()
        try:
            token = await self._token_request(
                meta["token_endpoint"], "refresh_token", refresh_token=tokens.refresh
            )
        except TokenRefused:
            sign_out(session)
            return None
        renewed = tokens_of(token)
        renewed.id_token = renewed.id_token or tokens.id_token
        session.tokens = renewed
        return renewed.access

    async def logout_url(self, id_token: str | None) -> str | None:
        """The SSO's end-session address, coming back to the console's home page."""
        try:
            meta = await self.metadata()
        except SsoDown:
            return None
        end = meta.get("end_session_endpoint")
        if not end:
            return None
        params = {
            "post_logout_redirect_uri": self.settings.public_url.rstrip("/") + "/",
            "client_id": self.settings.oidc_client_id,
        }
        if id_token:
            params["id_token_hint"] = id_token
        return str(httpx.URL(str(end), params=params))

    async def _check_id_token(
        self, meta: dict[str, Any], id_token: str, nonce: str
    ) -> dict[str, Any]:
        assert self._jwks is not None
        try:
            kid = jwt.get_unverified_header(id_token).get("kid", "")
            key = await self._jwks.get_key(str(kid))
        except JwksUnavailableError as exc:
            raise SsoDown(str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise LoginFailed(f"malformed id_token: {exc}") from exc
        if key is None:
            raise LoginFailed("id_token signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self.settings.oidc_client_id,
                issuer=str(meta["issuer"]),
                leeway=30,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise LoginFailed(f"id_token refused: {exc}") from exc
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise LoginFailed("id_token nonce differs")
        return claims

    async def _userinfo(self, meta: dict[str, Any], access_token: str) -> dict[str, Any]:
        endpoint = meta.get("userinfo_endpoint")
        if not endpoint:
            return {}
        try:
            response = await self.http.get(
                str(endpoint), headers={"Authorization": "Bearer " + access_token}
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SsoDown(repr(exc)) from exc
        return body if isinstance(body, dict) else {}


def user_of(claims: dict[str, Any], profile: dict[str, Any], paths: ClaimPaths) -> User:
    """The signed-in person from the checked id_token's claims and the userinfo answer: the
    subject from the signed id_token where it has the configured claim (else userinfo, else
    `sub`), the name and roles from userinfo where it has them, else from the id_token."""

    def first(path: str, *sources: dict[str, Any]) -> object:
        return next((v for v in (claim_at(s, path) for s in sources) if v is not None), None)

    subject = first(paths.subject, claims, profile)
    subject = subject if isinstance(subject, str) and subject else str(claims["sub"])
    name = first(paths.name, profile, claims)
    roles = first(paths.roles, profile, claims)
    return User(
        subject=subject,
        name=name if isinstance(name, str) and name else subject,
        roles=frozenset(
            r for r in (roles if isinstance(roles, list) else []) if isinstance(r, str)
        ),
    )


def tokens_of(token: dict[str, Any]) -> Tokens:
    expires_in = float(token.get("expires_in") or 300)
    return Tokens(
        access=str(token["access_token"]),
        expires_at=time.time() + expires_in,
        refresh=token.get("refresh_token"),
        id_token=token.get("id_token"),
    )


def sign_out(session: Session) -> None:
    session.user = None
    session.tokens = None
