"""A caller of another service's API as notify itself (client credentials, role service): its
settings, read when first needed, and one HTTP client with its token, made when first needed.
ReporterAudience (feedback) and NameSource (feedback and tickets) are such callers."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from houqin_shared.service_auth import ClientCredentials
from notify.settings import NotifySettings


class PeerClient:
    def __init__(self, settings: NotifySettings | Callable[[], NotifySettings]) -> None:
        self._settings = settings
        self._http: httpx.AsyncClient | None = None
        self._creds: ClientCredentials | None = None

    @property
    def settings(self) -> NotifySettings:
        if not isinstance(self._settings, NotifySettings):
            self._settings = self._settings()
        return self._settings

    def _clients(self) -> tuple[httpx.AsyncClient, ClientCredentials]:
        if self._http is None or self._creds is None:
            s = self.settings
            timeout = httpx.Timeout(s.peer_timeout_s, connect=s.peer_connect_timeout_s)
            self._http = httpx.AsyncClient(timeout=timeout)
            self._creds = ClientCredentials(
                self._http, s.token_url(), s.client_id, s.client_secret.get_secret_value()
            )
        return self._http, self._creds

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        self._http = self._creds = None
