"""Fixtures for the tickets service in-process: a fresh schema with the demo directory loaded,
the app's HTTP client and a pool for calling handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from helpers import Infra, Sso, api_client, settings_for
from tickets_support import DEMO, Env

from houqin_shared import db
from tickets.__main__ import create_app
from tickets.settings import TicketsSettings


@pytest.fixture
async def tickets_env(
    infra: Infra, sso: Sso, service_db: Callable[[str], str]
) -> AsyncIterator[Env]:
    schema = service_db("tickets")
    settings = settings_for(TicketsSettings, infra, sso, schema)
    pool = await db.create_pool(settings, min_size=1, max_size=4)
    try:
        async with api_client(create_app(settings)) as client:
            e = Env(client, pool, sso, schema)
            r = await client.put("/v1/directory", json=DEMO, headers=e.as_user("admin"))
            assert r.status_code == 200, r.text
            yield e
    finally:
        await pool.close()
