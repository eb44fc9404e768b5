"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from houqin_shared.identity import LocalIssuer
from houqin_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "deploy" / "local" / "infra.sh"
# Which infrastructure instance the tests use: `test`, or `fault` to run beside a busy `test`.
INSTANCE = os.environ.get("HOUQIN_TEST_INSTANCE", "test")


@dataclass(frozen=True)
class Infra:
    """Where the test instance's PostgreSQL (as superuser) and Kafka are."""

    admin_dsn: str
    kafka: str


ServiceSettingsT = TypeVar("ServiceSettingsT", bound=ServiceSettings)
T = TypeVar("T")


def eventually(
    fetch: Callable[[], T | None], what: str, timeout_s: float = 90, every_s: float = 0.2
) -> T:
    """The first truthy value `fetch` returns; AssertionError naming `what` after `timeout_s`
    (for tests that watch running processes)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fetch()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(every_s)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sso:
    """The demo SSO on a free port; `token()` mints bearer tokens the services accept."""

    url: str
    issuer: LocalIssuer

    @property
    def jwks_url(self) -> str:
        return self.url + "/.well-known/jwks.json"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    def token(
        self,
        subject: str,
        *roles: str,
        dept: str | None = None,
        team: str | None = None,
        name: str | None = None,
    ) -> str:
        return self.issuer.issue(subject, list(roles), name=name, department_id=dept, team_id=team)

    def auth(
        self, subject: str, *roles: str, dept: str | None = None, team: str | None = None
    ) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.token(subject, *roles, dept=dept, team=team)}


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free loopback port, for peers that call it over HTTP;
    yields its base URL."""
    import asyncio

    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def api_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to `app` in-process, with the app's lifespan (its pool) running."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def settings_for(
    settings_cls: type[ServiceSettingsT], infra: Infra, sso: Sso, schema: str, **extra: object
) -> ServiceSettingsT:
    """A service's settings pointing at the test instance, a scratch schema and the test SSO
    (Kafka as the environment's user, admin: the tests use scratch topics and groups)."""
    from houqin_shared.kafka import KafkaAuth

    kafka = KafkaAuth.from_env()
    return settings_cls(
        database_url=infra.admin_dsn,
        db_schema=schema,
        kafka_bootstrap=infra.kafka,
        kafka_security_protocol=kafka.protocol,
        kafka_sasl_username=kafka.username,
        kafka_sasl_password=kafka.password,
        jwt_issuer=sso.url,
        jwt_jwks_url=sso.jwks_url,
        jwt_audience="houqin",
        **extra,
    )


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, also where this thread already runs an event loop (Playwright's sync API
    leaves one running after the browser tests): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
