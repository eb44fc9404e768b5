"""The report cache and the renderer's bookkeeping: the cache is bounded in entries, bytes and
age; identical requests under way share one job, and a cached output is not made again; a job
waits a bounded time for a worker (the worker processes themselves are exercised by the
integration tests)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from houqin_shared.problems import ProblemError
from scoring import rendering
from scoring.rendering import OutputCache, Renderer, digest


def make(n: int) -> bytes:
    return b"x" * n


def test_the_cache_is_bounded_in_entries_bytes_and_age(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = OutputCache(entries=2, max_bytes=100, seconds=10)
    cache.put("a", make(10))
    cache.put("b", make(10))
    assert cache.get("a") == make(10)  # a is now the most recently used
    cache.put("c", make(10))
    assert cache.get("b") is None and len(cache) == 2
    cache.put("d", make(95))  # over the byte budget: the oldest go
    assert cache.get("a") is None and cache.get("c") is None and cache.get("d") == make(95)
    cache.put("huge", make(101))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and cache.get("d") == make(95)
    now = rendering.time.monotonic()
    monkeypatch.setattr(rendering.time, "monotonic", lambda: now + 11)
    assert cache.get("d") is None and len(cache) == 0


def test_the_digest_follows_the_inputs() -> None:
    assert digest(make, (1,)) == digest(make, (1,))
    assert digest(make, (1,)) != digest(make, (2,))
    assert digest(make, ({"a": 1},)) != digest(bytes, ({"a": 1},))


class Counting(Renderer):
    """The renderer with its worker call replaced by a slow fake."""

    calls: int = 0

    async def _run(self, fn: Any, args: tuple[Any, ...]) -> bytes:
        self.calls += 1
        await asyncio.sleep(0.2)
        return bytes(fn(*args))


async def test_identical_requests_share_one_job_and_the_cache() -> None:
    renderer = Counting()
    outs = await asyncio.gather(*(renderer.output("c1", make, 3) for _ in range(5)))
    assert outs == [make(3)] * 5 and renderer.calls == 1
    assert await renderer.output("c1", make, 3) == make(3) and renderer.calls == 1
    assert await renderer.output("c2", make, 3) == make(3) and renderer.calls == 2  # other scope
    assert await renderer.output("c1", make, 4) == make(4) and renderer.calls == 3  # other data


async def test_a_job_waits_a_bounded_time_for_a_worker() -> None:
    renderer = Counting(workers=1, queue_wait=0.05)
    first = asyncio.create_task(renderer.output("c", make, 1))
    await asyncio.sleep(0.01)
    with pytest.raises(ProblemError) as refused:
        await renderer.output("c", make, 2)
    assert refused.value.status == 503 and refused.value.type_.endswith("/render-busy")
    assert await first == make(1)
