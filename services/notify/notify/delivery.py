"""The delivery loop the worker runs (a houqin_shared.service.Periodic): claim due deliveries
per channel within its rate limit, send them concurrently, record every attempt; retry with
exponential backoff and jitter; dead after the last attempt (an operator may resend). A message
is sent at most once per claim, and never by two workers: see notify.claims."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
from prometheus_client import Counter, Histogram

from houqin_shared.backoff import backoff_s
from houqin_shared.logs import get_logger
from notify import links, outbound, redact, senders
from notify.claims import Lease
from notify.domain import refill
from notify.repository import deliveries
from notify.repository.deliveries import Outcome
from notify.settings import NotifySettings

log = get_logger(__name__)
DELIVERIES = Counter(
    "houqin_notify_deliveries_total",
    "Delivery attempts by channel and outcome (sent, failed, dead)",
    ["channel", "outcome"],
)
SEND_SECONDS = Histogram(
    "houqin_notify_send_seconds",
    "Time of one send attempt",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ROUND_BUDGET_S = 1.0  # keep claiming while there is work, for at most this long per round


class Deliverer:
    def __init__(self, settings: NotifySettings | Callable[[], NotifySettings]) -> None:
        self._settings = settings
        self._client: httpx.AsyncClient | None = None
        self._senders: dict[str, tuple[dict[str, Any], senders.Sender]] = {}
        self.sent = 0

    @property
    def settings(self) -> NotifySettings:
        if not isinstance(self._settings, NotifySettings):
            self._settings = self._settings()
        return self._settings

    async def run(self, pool: asyncpg.Pool) -> None:
        """One round of the Periodic: as long as there is due work (and the budget lasts)."""
        start = time.monotonic()
        while await self.run_once(pool) and time.monotonic() - start < ROUND_BUDGET_S:
            pass

    async def run_once(self, pool: asyncpg.Pool) -> int:
        """Claim, send and record one batch per channel; returns how many were attempted."""
        s = self.settings
        began = time.monotonic()  # before the transaction whose start the leases count from
        work: list[tuple[str, senders.Sender, list[dict[str, Any]], Lease]] = []
        async with pool.acquire() as conn, conn.transaction():
            for ch in await deliveries.channels_to_serve(conn):
                tokens = refill(ch["tokens"], ch["burst"], ch["rate_per_s"], ch["elapsed_s"])
                limit = (
                    s.delivery_batch if math.isinf(tokens) else min(s.delivery_batch, int(tokens))
                )
                if limit <= 0:
                    continue
                token = uuid.uuid4()
                claimed = await deliveries.claim(conn, ch["name"], limit, s.delivery_lease_s, token)
                if not math.isinf(tokens):
                    await deliveries.spend(conn, ch["name"], tokens - len(claimed))
                if claimed:
                    sender = await self._sender(ch["name"], ch["settings"])
                    lease = Lease(pool, token, began, s.delivery_lease_s, s.delivery_timeout_s)
                    work.append((ch["name"], sender, claimed, lease))
        if not work:
            return 0
        results = await asyncio.gather(
            *(self._send_all(sender, rows, lease) for _, sender, rows, lease in work)
        )
        outcomes = [o for batch in results for o in batch]
        for (channel, _, _, lease), batch in zip(work, results, strict=True):
            for o in batch:
                DELIVERIES.labels(channel, o.status).inc()
                SEND_SECONDS.labels(channel).observe(o.duration_ms / 1000)
            if lease.lost:
                log.warning("deliveries_taken_over", channel=channel, count=len(lease.lost))
        async with pool.acquire() as conn, conn.transaction():
            recorded = await deliveries.finish(conn, outcomes)
        if recorded < len(outcomes):
            log.warning("outcomes_not_recorded", count=len(outcomes) - recorded)
        self.sent += sum(o.status == "sent" for o in outcomes)
        return len(outcomes) + sum(len(lease.lost) for *_, lease in work)

    async def _send_all(
        self, sender: senders.Sender, rows: list[dict[str, Any]], lease: Lease
    ) -> list[Outcome]:
        # no more at once than the sender can take: a send waiting for an SMTP connection
        # would spend its deadline waiting
        limit = min(self.settings.delivery_concurrency, getattr(sender, "capacity", 1 << 30))
        gate = asyncio.Semaphore(limit)

        async def one(row: dict[str, Any]) -> Outcome | None:
            async with gate:
                if not await lease.hold(row["id"]):
                    return None  # another worker holds it now (or the lease could not last)
                return await self._send(sender, row, lease.token)

        return [o for o in await asyncio.gather(*(one(r) for r in rows)) if o is not None]

    async def _send(self, sender: senders.Sender, row: dict[str, Any], token: uuid.UUID) -> Outcome:
        s = self.settings
        attempt = int(row["attempts"])
        m = senders.Outgoing(
            id=row["id"],
            event_type=row["event_type"],
            recipient=row["recipient"],
            address=row["address"],
            subject=row["subject"],
            body=row["body"],
            tracking_no=row["tracking_no"],
            kind=row["kind"],
            priority=row["priority"],
            to_reporter=row["to_reporter"],
            link=links.absolute(s.console_url, row["link"]) if row.get("link") else "",
            short_link=(
                links.absolute(s.console_url, "/go/" + row["link_code"])
                if row.get("link_code")
                else ""
            ),
            link_label=row.get("link_label") or "",
        )
        began = time.perf_counter()
        try:
            await asyncio.wait_for(sender.send(m), s.delivery_timeout_s)
        except (senders.SendError, TimeoutError) as exc:
            took = (time.perf_counter() - began) * 1000
            error = _logged(str(exc) or type(exc).__name__, m)
            permanent = isinstance(exc, senders.SendError) and exc.permanent
            if permanent or attempt >= s.delivery_max_attempts:
                log.warning("delivery_dead", id=m.id, attempt=attempt, error=error)
                return Outcome(m.id, attempt, "dead", error, took, 0.0, token)
            delay = backoff_s(attempt, s.delivery_backoff_ms / 1000, s.delivery_backoff_cap_s)
            return Outcome(m.id, attempt, "failed", error, took, delay, token)
        except Exception as exc:  # a bug in a sender must not stop the loop
            took = (time.perf_counter() - began) * 1000
            log.exception("delivery_crashed", id=m.id)
            delay = backoff_s(attempt, s.delivery_backoff_ms / 1000, s.delivery_backoff_cap_s)
            status = "dead" if attempt >= s.delivery_max_attempts else "failed"
            error = _logged(f"{type(exc).__name__}: {exc}", m)
            return Outcome(m.id, attempt, status, error, took, delay, token)
        took = (time.perf_counter() - began) * 1000
        return Outcome(m.id, attempt, "sent", None, took, 0.0, token)

    async def _sender(self, channel: str, raw: dict[str, Any]) -> senders.Sender:
        """The channel's sender, rebuilt (and the old one closed) when its settings change."""
        held = self._senders.get(channel)
        if held is not None and held[0] == raw:
            return held[1]
        if held is not None:
            with contextlib.suppress(Exception):
                await held[1].close()
        s = self.settings
        if self._client is None:
            self._client = outbound.client(
                s.allow(), s.delivery_timeout_s, s.delivery_connect_timeout_s
            )
        sender = await senders.build(
            channel,
            raw,
            self._client,
            s.allow(),
            s.delivery_timeout_s,
            s.delivery_connect_timeout_s,
        )
        self._senders[channel] = (raw, sender)
        return sender

    async def close(self) -> None:
        for _, sender in self._senders.values():
            with contextlib.suppress(Exception):
                await sender.close()
        self._senders.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _logged(error: str, m: senders.Outgoing) -> str:
    """The error as the delivery log and the logs keep it (no reporter's id or address)."""
    return redact.error_text(error, m.to_reporter, m.address, m.recipient)
