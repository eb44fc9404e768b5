"""Retry delays: exponential backoff with jitter, the one rule for every retry loop (the
consumer's failing events, notify's deliveries and its follower look-ups)."""

from __future__ import annotations

import math
import random


def backoff_s(
    attempt: int, base_s: float, cap_s: float = math.inf, rng: random.Random | None = None
) -> float:
    """Delay before attempt `attempt + 1`: base * 2^(attempt-1), capped, with ±50% jitter (so
    that retries started together spread out)."""
    r = rng or random
    raw = min(cap_s, base_s * (2 ** max(attempt - 1, 0)))
    return float(raw * (0.5 + r.random()))
