"""Fixtures of the feedback tests: the API in-process on a fresh schema, its database, a
catalogue to file against."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from helpers import Infra, Sso, api_client, settings_for

from feedback.__main__ import create_app
from feedback.handlers import BATCH_HANDLERS, HANDLERS
from feedback.settings import FeedbackSettings
from houqin_shared import db
from houqin_shared.contracts.base import Envelope, Event

SERVICE = {
    "name": "Plumbing repairs",
    "department_id": "maintenance",
    "limits": [{"urgency": "normal", "accept_minutes": 30, "finish_minutes": 1440}],
}


class Feedback:
    """One feedback API on its own schema."""

    def __init__(self, infra: Infra, sso: Sso, schema: str) -> None:
        self.infra, self.sso, self.schema = infra, sso, schema

    def settings(self, **extra: Any) -> FeedbackSettings:
        return settings_for(FeedbackSettings, self.infra, self.sso, self.schema, **extra)

    @asynccontextmanager
    async def client(self, **extra: Any) -> AsyncIterator[httpx.AsyncClient]:
        async with api_client(create_app(self.settings(**extra))) as client:
            yield client

    @asynccontextmanager
    async def db(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(
            self.infra.admin_dsn, server_settings={"search_path": self.schema}
        )
        try:
            yield conn
        finally:
            await conn.close()

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self.db() as conn:
            return list(await conn.fetch(sql, *args))

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        import json

        rows = await self.fetch(
            "SELECT payload FROM outbox WHERE event_type = $1 ORDER BY id", event_type
        )
        return [json.loads(bytes(r["payload"])) for r in rows]

    @asynccontextmanager
    async def pool(self) -> AsyncIterator[asyncpg.Pool]:
        pool = await db.create_pool(self.settings(), min_size=1, max_size=4)
        try:
            yield pool
        finally:
            await pool.close()

    async def handle(self, *events: Event) -> None:
        """Run the worker's handlers on `events`, each in its own transaction, as the runner does."""
        async with self.pool() as pool:
            for event in events:
                async with pool.acquire() as conn, conn.transaction():
                    await HANDLERS[type(event)](conn, Envelope(event))

    async def handle_run(self, *events: Event) -> None:
        """Run the worker's batch handler on `events` (all of one type) in one transaction."""
        async with self.pool() as pool, pool.acquire() as conn, conn.transaction():
            await BATCH_HANDLERS[type(events[0])](conn, [Envelope(e) for e in events])

    async def publish(self, client: httpx.AsyncClient, *codes: str, **fields: Any) -> None:
        admin = self.sso.auth("admin-1", "admin")
        for code in codes:
            r = await client.put(f"/v1/catalog/{code}", json={**SERVICE, **fields}, headers=admin)
            assert r.status_code in (200, 201), r.text


@pytest.fixture
def feedback(infra: Infra, sso: Sso, service_db: Callable[[str], str]) -> Feedback:
    return Feedback(infra, sso, service_db("feedback"))
