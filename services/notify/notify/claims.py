"""A worker's hold on the deliveries it claimed. The claim's lease (next_attempt_at) is what
keeps other workers off its rows; a send starts only while enough of the lease is left for the
send to end (it is bounded by the send timeout) and for its outcome to be recorded. When too
little is left, the rows that still carry the claim's token are leased again in one statement;
a row another worker has taken over in the meantime is not sent."""

from __future__ import annotations

import asyncio
import time
from uuid import UUID

import asyncpg

from houqin_shared.logs import get_logger
from notify.repository import deliveries

log = get_logger(__name__)


def margin_s(lease_s: float, timeout_s: float) -> float:
    """Time kept free after the last send may end, for recording the outcomes."""
    return (lease_s - timeout_s) / 2


class Lease:
    def __init__(
        self, pool: asyncpg.Pool, token: UUID, began: float, lease_s: float, timeout_s: float
    ) -> None:
        """`began`: time.monotonic() taken before the claim's transaction started (the lease
        runs from that transaction's start, so `began + lease_s` never overestimates it)."""
        self.pool = pool
        self.token = token
        self.lease_s = lease_s
        self.until = began + lease_s
        self.need_s = timeout_s + margin_s(lease_s, timeout_s)
        self.lost: set[int] = set()
        self.owned: set[int] | None = None  # None: every claimed row (not extended yet)
        self._lock = asyncio.Lock()

    async def hold(self, message_id: int) -> bool:
        """Whether this worker may send `message_id` now (extending the lease if needed)."""
        async with self._lock:
            if time.monotonic() + self.need_s > self.until:
                began = time.monotonic()
                try:
                    async with self.pool.acquire() as conn:
                        self.owned = await deliveries.extend(conn, self.token, self.lease_s)
                except (asyncpg.PostgresError, OSError, TimeoutError) as exc:
                    log.warning("lease_not_extended", token=str(self.token), error=str(exc))
                    return False
                self.until = began + self.lease_s
            if time.monotonic() + self.need_s > self.until:
                return False  # the extension itself took too long: better not send
        if self.owned is not None and message_id not in self.owned:
            self.lost.add(message_id)
            return False
        return True
