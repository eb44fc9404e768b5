"""One service calling another's API as itself: an OAuth 2.0 client-credentials token from the
SSO (RFC 6749 section 4.4), kept until shortly before it expires.

    creds = ClientCredentials(http, "http://sso/token", "notify", secret)
    r = await http.get(url, headers=await creds.header())
    if r.status_code == 401: creds.forget()   # e.g. the SSO rotated its key

Errors reaching the SSO, or an SSO that refuses the client, raise `Unavailable` (an infrastructure
error: a consumer retries the event later rather than dead-lettering it).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from houqin_shared.consumer import Unavailable

RENEW_BEFORE_S = 60.0  # renew this long before expiry (or at half the lifetime, if shorter)


class ClientCredentials:
    def __init__(
        self, http: httpx.AsyncClient, token_url: str, client_id: str, client_secret: str
    ) -> None:
        self._http = http
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._token, lifetime = await self._fetch()
                self._renew_at = time.monotonic() + max(
                    lifetime - RENEW_BEFORE_S, lifetime / 2, 1.0
                )
            return self._token

    def forget(self) -> None:
        """Drop the cached token (after a peer answered 401 to it)."""
        self._token = None

    async def _fetch(self) -> tuple[str, float]:
        try:
            r = await self._http.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self._secret),
            )
        except httpx.HTTPError as exc:
            raise Unavailable(f"SSO token endpoint unreachable: {exc!r}") from exc
        if r.status_code != 200:
            raise Unavailable(
                f"SSO refused client {self.client_id!r}: {r.status_code} {r.text[:200]}"
            )
        body = r.json()
        return str(body["access_token"]), float(body.get("expires_in", 300))
