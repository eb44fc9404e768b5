"""CPU-heavy output (PNG charts, CSV and XLSX exports) made off the event loop.

Each job runs in a small pool of worker processes (forkserver, with the renderers preloaded):
at most WORKERS at a time, a request waits QUEUE_WAIT seconds at most for a free worker (else
503 `render-busy`), a job that runs longer than TIME_LIMIT is killed with its pool (503
`render-timeout`) and an output larger than MAX_OUTPUT is refused (422 `output-too-large`).
Outputs are cached by what they are made of: the campaign, the kind of output and a digest of
its inputs (the rows or series read for the caller), so a campaign's new version, or another
caller's view of it, is rendered anew and the same one is not; the cache is bounded in entries,
bytes and age. Identical requests under way share one job.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from houqin_shared.problems import ProblemError, problem

WORKERS = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RENDERED = ("render-busy", "render-timeout", "output-too-large")  # the problems of a render
QUEUE_WAIT = 5.0  # seconds
TIME_LIMIT = 60.0  # seconds, from submission (a cold pool first starts its forkserver)
MAX_OUTPUT = 20 * 1024 * 1024  # bytes
CACHE_ENTRIES = 64
CACHE_BYTES = 64 * 1024 * 1024
CACHE_SECONDS = 600.0
PRELOAD = ["scoring.charts", "scoring.reports", "scoring.award_documents", "scoring.award_prizes"]


class OutputTooLarge(Exception):
    """Raised in the worker: the output is larger than allowed (picklable: plain args)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(size, limit)
        self.size, self.limit = size, limit


def _bounded(fn: Callable[..., bytes], args: tuple[Any, ...], max_bytes: int) -> bytes:
    """Runs in a worker process."""
    out = fn(*args)
    if len(out) > max_bytes:
        raise OutputTooLarge(len(out), max_bytes)
    return out


def busy() -> ProblemError:
    return problem(
        "render-busy",
        f"every report worker is busy; retry in a few seconds ({WORKERS} at a time)",
        headers={"Retry-After": "5"},
    )


def timed_out(limit: float) -> ProblemError:
    return problem(
        "render-timeout",
        f"the report took longer than {limit:g} s to make and was stopped",
        headers={"Retry-After": "30"},
    )


def too_large(size: int, limit: int) -> ProblemError:
    return problem(
        "output-too-large",
        f"the report would be {size} (bytes or rows), more than the {limit} allowed: choose"
        " fewer departments for the campaign",
    )


@dataclass
class OutputCache:
    """Least recently used outputs, bounded in entries, bytes and age."""

    entries: int = CACHE_ENTRIES
    max_bytes: int = CACHE_BYTES
    seconds: float = CACHE_SECONDS
    _items: OrderedDict[Hashable, tuple[float, bytes]] = field(default_factory=OrderedDict)
    _size: int = 0

    def get(self, key: Hashable) -> bytes | None:
        item = self._items.get(key)
        if item is None:
            return None
        if time.monotonic() - item[0] > self.seconds:
            self._drop(key)
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: Hashable, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        if key in self._items:
            self._drop(key)
        self._items[key] = (time.monotonic(), value)
        self._size += len(value)
        while len(self._items) > self.entries or self._size > self.max_bytes:
            self._drop(next(iter(self._items)))

    def _drop(self, key: Hashable) -> None:
        _, value = self._items.pop(key)
        self._size -= len(value)

    def __len__(self) -> int:
        return len(self._items)


def digest(fn: Callable[..., bytes], args: tuple[Any, ...]) -> str:
    return hashlib.sha256(pickle.dumps((fn.__module__, fn.__qualname__, args))).hexdigest()


@dataclass
class Renderer:
    workers: int = WORKERS
    queue_wait: float = QUEUE_WAIT
    time_limit: float = TIME_LIMIT
    max_output: int = MAX_OUTPUT
    cache: OutputCache = field(default_factory=OutputCache)
    _pool: ProcessPoolExecutor | None = None
    _slots: asyncio.Semaphore | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _running: dict[Hashable, asyncio.Task[bytes]] = field(default_factory=dict)

    async def output(self, scope: Hashable, fn: Callable[..., bytes], *args: Any) -> bytes:
        """`fn(*args)` in a worker process, or the cached output of the same; `scope` (the
        campaign and the kind of output) is part of the key."""
        key = (scope, digest(fn, args))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        job = self._running.get(key)
        if job is None:
            job = asyncio.create_task(self._job(key, fn, args))
            self._running[key] = job
            job.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(job)  # a caller that goes away leaves the job running

    async def _job(self, key: Hashable, fn: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._slots, self._loop = asyncio.Semaphore(self.workers), loop
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), self.queue_wait)
        except TimeoutError as exc:
            raise busy() from exc
        try:
            out = await self._run(fn, args)
        finally:
            slots.release()
        self.cache.put(key, out)
        return out

    async def _run(self, fn: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
        pool = self._ensure_pool()

        async def submit() -> Future[bytes]:
            # starting a worker talks to the forkserver (which may first import matplotlib)
            return await asyncio.to_thread(pool.submit, _bounded, fn, args, self.max_output)

        async def submitted() -> bytes:
            nonlocal pool
            try:
                future = await submit()
            except RuntimeError:  # the pool was just stopped with another job: a new one
                pool = self._ensure_pool()
                future = await submit()
            return await asyncio.wrap_future(future)

        try:
            return await asyncio.wait_for(submitted(), self.time_limit)
        except TimeoutError as exc:
            self._kill(pool)
            raise timed_out(self.time_limit) from exc
        except OutputTooLarge as exc:
            raise too_large(exc.size, exc.limit) from exc
        except BrokenProcessPool as exc:  # a worker died, or was stopped with another job
            self._kill(pool)
            raise busy() from exc

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        """Stop the pool's workers at once (a job cannot be cancelled otherwise); the next job
        starts a new pool."""
        if self._pool is pool:
            self._pool = None
        for process in list((pool._processes or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._kill(self._pool)


RENDERER = Renderer()
