"""Who hears about a report, from the feedback service: it alone knows anonymous reporters and
the "me too" and linked reporters of a group of duplicates. Notify asks it as itself (client
credentials, role service) and keeps nothing of the answer but the messages it addresses."""

from __future__ import annotations

import asyncio
from uuid import UUID

import httpx

from houqin_shared.consumer import Unavailable
from houqin_shared.logs import get_logger
from notify.peer_client import PeerClient
from notify.settings import NotifySettings

log = get_logger(__name__)


class ReporterAudience(PeerClient):
    @property
    def configured(self) -> bool:
        return bool(self.settings.feedback_url)

    async def of(self, report_id: UUID) -> list[str] | None:
        """The user ids to tell about this report's group, or None when feedback does not know
        the report. Raises `Unavailable` when feedback or the SSO cannot answer now."""
        http, creds = self._clients()
        url = f"{self.settings.feedback_url.rstrip('/')}/v1/reports/{report_id}/audience"
        deadline = self.settings.peer_timeout_s  # of each call: the token, then the audience
        for attempt in (1, 2):
            try:
                async with asyncio.timeout(deadline):
                    headers = await creds.header()
                async with asyncio.timeout(deadline):
                    r = await http.get(url, headers=headers)
            except TimeoutError as exc:
                raise Unavailable(f"feedback or the SSO took over {deadline} s") from exc
            except httpx.HTTPError as exc:
                raise Unavailable(f"feedback unreachable: {exc!r}") from exc
            if r.status_code == 401 and attempt == 1:
                creds.forget()  # an expired or rotated token: fetch a new one once
                continue
            if r.status_code == 404:
                return None
            if r.status_code != 200:
                log.error("audience_refused", status=r.status_code, body=r.text[:200])
                raise Unavailable(f"feedback answered {r.status_code} for {report_id}")
            return [str(u) for u in r.json()["user_ids"]]
        raise Unavailable("feedback refused notify's credentials")


AUDIENCE = ReporterAudience(NotifySettings)
