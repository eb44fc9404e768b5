"""Every wait on the database has a bound (issue 15): a PostgreSQL host that goes silent, rather
than closing, gives requests a 503 problem within the configured timeouts instead of a hang, the
process stays alive, and the pool recovers once the host answers again. Between the pool and the
test instance's real PostgreSQL sits a TCP proxy that can stop forwarding (silent_proxy)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from helpers import Infra, Sso, serving, settings_for
from silent_proxy import SilentProxy, silent_proxy

from houqin_shared import db
from houqin_shared.bootstrap import bootstrap, service_dsn
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import DbPool, service_app

pytestmark = pytest.mark.infra

ACQUIRE_S, COMMAND_S = 1.0, 2.0
# A hung query costs at most COMMAND_S, then asyncpg's cancel request (also COMMAND_S, also
# unanswered); a request queued behind it at most ACQUIRE_S. Everything past this is a hang.
BOUND_S = 2 * COMMAND_S + ACQUIRE_S + 2.0


def via(dsn: str, port: int) -> str:
    """`dsn` with its host and port replaced by the proxy's."""
    parts = urlsplit(dsn)
    userinfo = parts.netloc.rsplit("@", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}@127.0.0.1:{port}"))


@pytest.fixture
async def proxy(infra: Infra) -> AsyncIterator[SilentProxy]:
    target = urlsplit(infra.admin_dsn)
    async with silent_proxy(target.hostname or "127.0.0.1", target.port or 5432) as p:
        yield p


def bounded_settings(infra: Infra, sso: Sso, proxy: SilentProxy) -> ServiceSettings:
    through_proxy = Infra(via(infra.admin_dsn, proxy.port), infra.kafka)
    return settings_for(
        ServiceSettings,
        through_proxy,
        sso,
        "public",
        db_pool_min=1,
        db_pool_max=2,
        db_acquire_timeout_s=ACQUIRE_S,
        db_connect_timeout_s=COMMAND_S,
        db_command_timeout_s=COMMAND_S,
    )


async def timed(call: object) -> tuple[object, float]:
    start = time.monotonic()
    try:
        result: object = await call  # type: ignore[misc]
    except Exception as exc:
        result = exc
    return result, time.monotonic() - start


async def recovered(ask: object, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        result, _ = await timed(ask())  # type: ignore[operator]
        if not isinstance(result, Exception) and getattr(result, "status_code", 200) == 200:
            return
        assert time.monotonic() < deadline, f"{what} did not recover: {result!r}"
        await asyncio.sleep(0.2)


async def test_queries_on_a_silent_host_time_out_and_the_pool_recovers(
    infra: Infra, sso: Sso, proxy: SilentProxy
) -> None:
    pool = await db.create_pool(bounded_settings(infra, sso, proxy))
    try:
        assert await pool.fetchval("SELECT 1") == 1
        proxy.hang()
        results = await asyncio.wait_for(
            asyncio.gather(*(timed(pool.fetchval("SELECT 1")) for _ in range(5))), 3 * BOUND_S
        )
        for result, took in results:
            assert isinstance(result, TimeoutError), result
            assert took < BOUND_S, f"a query waited {took:.1f} s on a silent host"
        proxy.resume()
        await recovered(lambda: pool.fetchval("SELECT 1"), "the pool")
    finally:
        proxy.resume()
        pool.terminate()


async def test_requests_get_a_503_problem_while_the_host_is_silent(
    infra: Infra, sso: Sso, proxy: SilentProxy
) -> None:
    router = APIRouter()

    @router.get("/v1/now")
    async def now(pool: DbPool) -> dict[str, str]:
        async with pool.acquire() as conn, conn.transaction():
            return {"now": str(await conn.fetchval("SELECT now()"))}

    app = service_app("hung postgres", bounded_settings(infra, sso, proxy), router)
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=3 * BOUND_S) as client:
        assert (await client.get("/v1/now")).status_code == 200
        proxy.hang()
        answers = await asyncio.gather(*(timed(client.get("/v1/now")) for _ in range(6)))
        health, took_health = await timed(client.get("/healthz"))
        for answer, took in answers:
            assert isinstance(answer, httpx.Response), answer
            assert answer.status_code == 503, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert int(answer.headers["retry-after"]) >= 1
            assert took < BOUND_S, f"a request waited {took:.1f} s on a silent host"
        assert isinstance(health, httpx.Response) and health.status_code == 200
        assert took_health < 1, "liveness must not wait on the database"
        ready, took_ready = await timed(client.get("/readyz"))
        assert isinstance(ready, httpx.Response) and ready.status_code == 503
        assert took_ready < BOUND_S
        proxy.resume()
        await recovered(lambda: client.get("/v1/now"), "the API")


async def test_the_server_ends_long_statements_and_abandoned_transactions(infra: Infra) -> None:
    settings = ServiceSettings(
        database_url=infra.admin_dsn,
        db_statement_timeout_ms=300,
        db_idle_in_transaction_timeout_ms=300,
    )
    pool = await db.create_pool(settings, min_size=1, max_size=1)
    try:
        started = time.monotonic()
        with pytest.raises(asyncpg.QueryCanceledError):
            await pool.execute("SELECT pg_sleep(10)")
        assert time.monotonic() - started < 3
        async with pool.acquire() as conn:
            transaction = conn.transaction()
            await transaction.start()
            await asyncio.sleep(1.0)  # idle in transaction past the limit: the server ends it
            with pytest.raises((asyncpg.InterfaceError, asyncpg.PostgresError)):
                await conn.fetchval("SELECT 1")
        assert await pool.fetchval("SELECT 1") == 1  # the pool replaced that connection
    finally:
        await pool.close()


async def test_every_connection_has_keepalives_and_a_tcp_user_timeout(infra: Infra) -> None:
    settings = ServiceSettings(
        database_url=infra.admin_dsn, db_tcp_keepalive_idle_s=7, db_tcp_user_timeout_ms=9000
    )
    pool = await db.create_pool(settings, min_size=1, max_size=1)
    single = await db.connect(infra.admin_dsn, "public", db.Timeouts.of(settings))
    try:
        async with pool.acquire() as pooled:
            for conn in (pooled, single):
                sock = conn._transport.get_extra_info("socket")  # the client's end
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 7
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 9000
                server_end = await conn.fetchrow(
                    "SELECT current_setting('tcp_keepalives_idle') AS idle,"
                    " current_setting('tcp_user_timeout') AS user_timeout,"
                    " current_setting('statement_timeout') AS statement"
                )
                assert server_end is not None
                assert (server_end["idle"], server_end["user_timeout"]) == ("7", "9000")
                assert server_end["statement"] == "30s"
    finally:
        await single.close()
        await pool.close()


async def test_the_service_roles_carry_the_limits_for_any_client(infra: Infra) -> None:
    """Bootstrap sets them on each role, so psql or a migration session is bounded too."""
    await bootstrap(infra.admin_dsn)
    conn = await asyncpg.connect(service_dsn(infra.admin_dsn, "scoring"))
    try:
        limits = await conn.fetchrow(
            "SELECT current_setting('statement_timeout') AS statement,"
            " current_setting('idle_in_transaction_session_timeout') AS idle"
        )
        assert limits is not None and (limits["statement"], limits["idle"]) == ("30s", "1min")
    finally:
        await conn.close()
