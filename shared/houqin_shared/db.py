"""One asyncpg pool per service, on the service's own schema and login role, with a bound on
every wait.

- Acquiring a pooled connection waits at most `DB_ACQUIRE_TIMEOUT_S` (TimeoutError, which the
  API answers 503 with Retry-After), opening one at most `DB_CONNECT_TIMEOUT_S`.
- Every query is limited twice: by the server (`statement_timeout`) and by the client
  (asyncpg's `command_timeout`, for a server that stops answering altogether); a session left
  idle inside a transaction is ended by the server (`idle_in_transaction_session_timeout`).
- TCP keepalives and TCP_USER_TIMEOUT on both ends of every connection. asyncpg has no libpq-style
  `keepalives*` parameters (unknown DSN parameters become server settings), so the client side is
  set on the socket by the connection class below; the server side by the `tcp_keepalives_*` and
  `tcp_user_timeout` settings sent at connect, so PostgreSQL ends the session (and frees its
  locks, such as the relay leader's) when a client host goes silent.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, fields, replace
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolAcquireContext, PoolConnectionProxy

from houqin_shared.settings import ServiceSettings

KEEPALIVE_PROBES = 3


def _default(name: str) -> Any:
    return ServiceSettings.model_fields[name].default


@dataclass(frozen=True)
class Timeouts:
    """The limits of one service's database connections (see ServiceSettings' `db_*`)."""

    acquire_s: float = _default("db_acquire_timeout_s")
    connect_s: float = _default("db_connect_timeout_s")
    command_s: float = _default("db_command_timeout_s")
    statement_ms: int = _default("db_statement_timeout_ms")
    idle_in_transaction_ms: int = _default("db_idle_in_transaction_timeout_ms")
    keepalive_idle_s: int = _default("db_tcp_keepalive_idle_s")
    tcp_user_timeout_ms: int = _default("db_tcp_user_timeout_ms")

    @classmethod
    def of(cls, settings: ServiceSettings) -> Timeouts:
        return cls(**{f.name: getattr(settings, _SETTING[f.name]) for f in fields(cls)})

    def silent_after(self, silence_ms: int) -> Timeouts:
        """These limits, with keepalives and TCP_USER_TIMEOUT tightened so that a peer silent
        for about `silence_ms` is dropped by both ends (probes at idle + 3 intervals, 2.5 idle)."""
        idle_s = max(1, silence_ms * 2 // 5000)
        return replace(self, keepalive_idle_s=idle_s, tcp_user_timeout_ms=silence_ms)

    @property
    def keepalive_interval_s(self) -> int:
        return max(1, self.keepalive_idle_s // 2)

    def server_settings(self) -> dict[str, str]:
        """What the server enforces for the session (sent in the startup packet)."""
        return {
            "statement_timeout": str(self.statement_ms),
            "idle_in_transaction_session_timeout": str(self.idle_in_transaction_ms),
            "tcp_keepalives_idle": str(self.keepalive_idle_s),
            "tcp_keepalives_interval": str(self.keepalive_interval_s),
            "tcp_keepalives_count": str(KEEPALIVE_PROBES),
            "tcp_user_timeout": str(self.tcp_user_timeout_ms),
        }

    def set_socket_options(self, sock: Any) -> None:
        """Keepalives and TCP_USER_TIMEOUT on the client's end (no-op on a Unix socket)."""
        if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        options = {
            "TCP_KEEPIDLE": self.keepalive_idle_s,
            "TCP_KEEPINTVL": self.keepalive_interval_s,
            "TCP_KEEPCNT": KEEPALIVE_PROBES,
            "TCP_USER_TIMEOUT": self.tcp_user_timeout_ms,
        }
        for name, value in options.items():
            if hasattr(socket, name):  # Linux has them all; other systems some
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


_SETTING = {
    "acquire_s": "db_acquire_timeout_s",
    "connect_s": "db_connect_timeout_s",
    "command_s": "db_command_timeout_s",
    "statement_ms": "db_statement_timeout_ms",
    "idle_in_transaction_ms": "db_idle_in_transaction_timeout_ms",
    "keepalive_idle_s": "db_tcp_keepalive_idle_s",
    "tcp_user_timeout_ms": "db_tcp_user_timeout_ms",
}


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


class BoundedConnection(asyncpg.Connection):
    """A connection whose socket gets TCP keepalives and TCP_USER_TIMEOUT as soon as it exists.
    (`timeouts` is set on the class by `_connection_class`, one subclass per Timeouts.)"""

    timeouts = Timeouts()

    def __init__(self, protocol: Any, transport: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(protocol, transport, *args, **kwargs)
        self.timeouts.set_socket_options(transport.get_extra_info("socket"))


class PooledConnection(BoundedConnection):
    """A pooled connection given back without asyncpg's reset query (advisory unlock, CLOSE ALL,
    UNLISTEN, RESET ALL: a round trip on every release). Nothing here leaves session state on
    a pooled connection: locks are transaction-scoped, there is no LISTEN or SET, and the relay's
    leader lock lives on a connection of its own. An open transaction is still rolled back."""

    def get_reset_query(self) -> str:
        return ""


def _connection_class(base: type[BoundedConnection], timeouts: Timeouts) -> type[Any]:
    return type(base.__name__, (base,), {"timeouts": timeouts})


class BoundedPool(asyncpg.Pool):
    """A pool whose `acquire()` gives up after `acquire_timeout_s` unless told otherwise (the
    pool's own fetch/execute helpers use it too), raising TimeoutError."""

    acquire_timeout_s: float = Timeouts.acquire_s

    def acquire(self, *, timeout: float | None = None) -> PoolAcquireContext:
        return super().acquire(timeout=self.acquire_timeout_s if timeout is None else timeout)


async def connect(
    database_url: str, schema: str, timeouts: Timeouts | None = None
) -> asyncpg.Connection:
    """A single connection outside the pool (the relay's leader connection)."""
    t = timeouts or Timeouts()
    conn: asyncpg.Connection = await asyncpg.connect(
        database_url,
        timeout=t.connect_s,
        command_timeout=t.command_s,
        connection_class=_connection_class(BoundedConnection, t),
        server_settings={"search_path": schema, **t.server_settings()},
    )
    await _init_connection(conn)
    return conn


async def create_pool(settings: ServiceSettings, **overrides: Any) -> asyncpg.Pool:
    t = Timeouts.of(settings)
    pool = BoundedPool(
        settings.database_url,
        connection_class=_connection_class(PooledConnection, t),
        record_class=asyncpg.Record,
        min_size=overrides.pop("min_size", settings.db_pool_min),
        max_size=overrides.pop("max_size", settings.db_pool_max),
        max_queries=50000,
        max_inactive_connection_lifetime=300.0,
        connect=None,
        setup=None,
        init=_init_connection,
        reset=None,
        loop=None,
        timeout=t.connect_s,
        command_timeout=t.command_s,
        server_settings={
            "search_path": settings.db_schema,
            "application_name": settings.db_schema,
            **t.server_settings(),
        },
        **overrides,
    )
    pool.acquire_timeout_s = t.acquire_s
    await pool  # connects min_size connections
    return pool


# A connection as handlers and repositories receive it: plain, or borrowed from the pool.
Conn: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"


async def get_row(
    conn: Conn, table: str, columns: str, key: str, value: Any, *, lock: bool = False
) -> dict[str, Any] | None:
    """`SELECT columns FROM table WHERE key = value` (one row or None); with `lock`, the row is
    locked FOR UPDATE until the transaction ends. The repository's constants name the table,
    columns and key (they become SQL); the value is always a parameter."""
    sql = f"SELECT {columns} FROM {table} WHERE {key} = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, value)
    return dict(row) if row else None
