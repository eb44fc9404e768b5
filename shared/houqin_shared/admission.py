"""Bounded concurrency per API process: beyond `limit` requests in hand, a quick 503.

Past its capacity a server that queues every request answers all of them late (seconds in
uvicorn's and the pool's queues, then client timeouts). `Admission` keeps at most `limit`
requests of this process in hand at once and answers the others at once with 503
problem+json `overloaded` and `Retry-After`, before reading their body: what it accepted is
served at the usual speed, and what it accepted stays accepted (a report's outbox row buffers
its event whatever the rest of the platform does). Health, readiness and metrics are never
refused, so an overloaded process is not restarted by its liveness probe.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from houqin_shared import metrics
from houqin_shared.problem_types import language
from houqin_shared.problems import PROBLEM_JSON, problem

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})


class Admission:
    """Pure ASGI middleware: at most `limit` HTTP requests in hand (0: no limit)."""

    def __init__(self, app: ASGIApp, limit: int, retry_after_s: int = 1) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = str(retry_after_s).encode()
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limit or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            metrics.REQUESTS_SHED.inc()
            await self._refuse(scope, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, scope: Scope, send: Send) -> None:
        refusal = problem(
            "overloaded", f"this process has {self.limit} requests in hand: retry shortly"
        )
        accept = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        body = json.dumps(refusal.body(lang=language(accept)), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": refusal.status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"retry-after", self.retry_after),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
