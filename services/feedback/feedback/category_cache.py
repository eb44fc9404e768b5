"""The active catalogue codes a replica remembers for a few seconds (the hot path of filing)."""

from __future__ import annotations

import time
from collections.abc import Callable


class CategoryCache:
    """Active catalogue codes, kept for `ttl_s` (a withdrawn service may take new reports for
    that long on other replicas; this replica forgets at once when it changes the catalogue)."""

    def __init__(self, ttl_s: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._known: dict[str, tuple[bool, float]] = {}

    def get(self, code: str) -> bool | None:
        hit = self._known.get(code)
        if hit is None or self.clock() - hit[1] > self.ttl_s:
            return None
        return hit[0]

    def put(self, code: str, active: bool) -> None:
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[code] = (active, self.clock())

    def forget(self) -> None:
        self._known.clear()
