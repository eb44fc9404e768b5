"""One asyncpg pool per service, on the service's own schema and login role."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from houqin_shared.settings import ServiceSettings


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect(database_url: str, schema: str) -> asyncpg.Connection:
    """A single connection outside the pool (the relay's leader connection)."""
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    await _init_connection(conn)
    return conn


class PooledConnection(asyncpg.Connection):
    """A pooled connection given back without asyncpg's reset query (advisory unlock, CLOSE ALL,
    UNLISTEN, RESET ALL: a round trip on every release). Nothing here leaves session state on
    a pooled connection: locks are transaction-scoped, there is no LISTEN or SET, and the relay's
    leader lock lives on a connection of its own. An open transaction is still rolled back."""

    def get_reset_query(self) -> str:
        return ""


async def create_pool(settings: ServiceSettings, **overrides: Any) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_url,
        connection_class=PooledConnection,
        min_size=overrides.pop("min_size", settings.db_pool_min),
        max_size=overrides.pop("max_size", settings.db_pool_max),
        server_settings={"search_path": settings.db_schema, "application_name": settings.db_schema},
        init=_init_connection,
        **overrides,
    )
    assert pool is not None
    return pool


# A connection as handlers and repositories receive it: plain, or borrowed from the pool.
Conn: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
