"""Per-key token buckets: a flood from one reporter or one address is refused (429) without
slowing anyone else. In-process (each API replica limits on its own); no I/O, no locks to wait on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    """`burst` requests at once, refilled at `per_minute` a minute, per key."""

    per_minute: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, else the seconds to wait before retrying."""
        now = self.clock()
        rate = self.per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate if rate > 0 else math.inf

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled (they behave exactly like new ones)."""
        rate = self.per_minute / 60.0
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * rate >= self.burst]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self.max_keys:  # still full of active keys: drop the oldest
            for k in sorted(self._buckets, key=lambda k: self._buckets[k].at)[
                : self.max_keys // 10
            ]:
                del self._buckets[k]


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
