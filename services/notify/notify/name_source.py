"""Where notify's names come from (a Periodic of the worker): the catalogue's categories
(feedback's public GET /v1/catalog), the departments' and teams' names in both languages
(tickets' GET /v1/units) and the campuses' and buildings' names in both languages (tickets'
GET /v1/places), asked as the SSO client `notify` and kept in the `names` table, fetched again
every NOTIFY_NAMES_EVERY_S (sooner while a fetch fails).

With NOTIFY_TICKETS_URL set, the worker records no message before the first fetch has
succeeded (the events wait, see notify.handlers): a fresh install never words a message with
codes. People's names come with the directory's events (notify.repository.directory)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx

from houqin_shared.logs import get_logger
from notify.peer_client import PeerClient
from notify.repository import names
from notify.settings import NotifySettings

log = get_logger(__name__)
RETRY_S = 5.0
EARLY_GAP_S = 5.0  # a fetch asked for early (a name not known yet) at most this often
WAIT_S = 60.0  # how long a message naming an unknown code may wait for a fetch after its event


class NameSource(PeerClient):
    def __init__(self, settings: NotifySettings | Callable[[], NotifySettings]) -> None:
        super().__init__(settings)
        self.next_at = 0.0
        self.tried_at = -EARLY_GAP_S

    def fetch_soon(self) -> None:
        """Fetch at the next round, not waiting for NOTIFY_NAMES_EVERY_S: a message names a
        category or place notify has no name for (added since the last fetch)."""
        self.next_at = min(self.next_at, self.tried_at + EARLY_GAP_S)

    def must_wait(self) -> bool:
        """Whether messages wait for the first fetch (the source is configured)."""
        return bool(self.settings.tickets_url)

    async def run(self, pool: asyncpg.Pool) -> None:
        """One round of the Periodic: fetch when due."""
        if not self.settings.tickets_url and not self.settings.feedback_url:
            return
        if time.monotonic() < self.next_at:
            return
        self.tried_at = time.monotonic()
        try:
            fetched = await self.fetch()
        except (httpx.HTTPError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            self.next_at = time.monotonic() + RETRY_S
            log.warning("names_unavailable", error=f"{type(exc).__name__}: {exc}")
            return
        async with pool.acquire() as conn, conn.transaction():
            counts = {kind: await names.store(conn, kind, rows) for kind, rows in fetched.items()}
            await names.mark_fetched(conn)
        self.next_at = time.monotonic() + self.settings.names_every_s
        log.info("names_fetched", **counts)

    async def fetch(self) -> dict[str, list[tuple[str, str, str | None]]]:
        s = self.settings
        out: dict[str, list[tuple[str, str, str | None]]] = {}
        if s.feedback_url:
            catalogue = await self._get(s.feedback_url, "/v1/catalog", signed=False)
            out["category"] = [(c["code"], c["name"], c.get("name_en")) for c in catalogue]
        if s.tickets_url:
            units, places = await asyncio.gather(
                self._get(s.tickets_url, "/v1/units"), self._get(s.tickets_url, "/v1/places")
            )
            out["department"] = [
                (d["id"], d["name"], d.get("name_en")) for d in units["departments"]
            ]
            out["team"] = [(t["id"], t["name"], t.get("name_en")) for t in units["teams"]]
            areas = out["area"] = []
            for c in places["campuses"]:
                if c.get("code") and c.get("name"):
                    areas.append((c["code"], c["name"], c.get("name_en")))
                areas.extend((b["code"], b["name"], b.get("name_en")) for b in c["buildings"])
        return out

    async def _get(self, base: str, path: str, signed: bool = True) -> Any:
        http, creds = self._clients()
        deadline = self.settings.peer_timeout_s
        for attempt in (1, 2):
            async with asyncio.timeout(deadline):
                headers = await creds.header() if signed else {}
            async with asyncio.timeout(deadline):
                r = await http.get(base.rstrip("/") + path, headers=headers)
            if r.status_code == 401 and signed and attempt == 1:
                creds.forget()
                continue
            r.raise_for_status()
            return r.json()
        raise httpx.HTTPError(f"{path} refused notify's credentials")


NAMES = NameSource(NotifySettings)
