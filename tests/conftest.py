"""Fixtures for the tests that need the real PostgreSQL and Kafka of the `test` instance.

`./houqin test` starts that instance and exports HOUQIN_PG_ADMIN_DSN / HOUQIN_KAFKA_BOOTSTRAP;
run alone, pytest starts it the same way (deploy/local/infra.sh is idempotent).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import psycopg
import pytest
import uvicorn
from helpers import INFRA, INSTANCE, ROOT, Infra, Sso, free_port, unique

from houqin_shared import devsso
from houqin_shared.identity import LocalIssuer
from houqin_shared.kafka import KafkaAuth

# The tests' SSO is the demo one, on http: the services accept an http JWKS only in demo mode
# (and the processes the tests start inherit it).
os.environ.setdefault("HOUQIN_DEMO", "1")


@pytest.fixture(scope="session")
def infra() -> Infra:
    if not os.environ.get("HOUQIN_PG_ADMIN_DSN"):
        subprocess.run([str(INFRA), "start", "--instance", INSTANCE], check=True)
        out = subprocess.run(
            [str(INFRA), "env", "--instance", INSTANCE], check=True, capture_output=True, text=True
        ).stdout
        for line in out.splitlines():
            if "=" in line:
                k, v = line.removeprefix("export ").split("=", 1)
                os.environ[k] = v.strip("'\"")
    return Infra(os.environ["HOUQIN_PG_ADMIN_DSN"], os.environ["HOUQIN_KAFKA_BOOTSTRAP"])


@pytest.fixture
async def scratch_schema(infra: Infra, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh schema with the shared outbox/inbox migrated into it, dropped afterwards."""
    from houqin_shared.migrate import migrate

    schema = unique("t")
    conn = await asyncpg.connect(infra.admin_dsn)
    await conn.execute(f"CREATE SCHEMA {schema}")
    await conn.close()
    (tmp_path / "none").mkdir()
    migrate(infra.admin_dsn, schema, tmp_path / "none")
    yield schema
    conn = await asyncpg.connect(infra.admin_dsn)
    await conn.execute(f"DROP SCHEMA {schema} CASCADE")
    await conn.close()


# --- fixtures for testing one service in-process against the real PostgreSQL and Kafka ---------


# The SSO clients the tests know (client credentials grant): notify calling feedback.
SSO_CLIENTS = [
    {
        "username": "notify",
        "name": "notify",
        "roles": ["service"],
        "client_secret": "notify-s3",
        "scopes": ["houqin.audience.read"],
    }
]


@pytest.fixture(scope="session")
async def sso() -> AsyncIterator[Sso]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    issuer = LocalIssuer(None, issuer=url, audience="houqin")
    server = uvicorn.Server(
        uvicorn.Config(
            devsso.create_app(issuer, SSO_CLIENTS),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield Sso(url, issuer)
    server.should_exit = True
    await task


@pytest.fixture
async def service_db(infra: Infra) -> AsyncIterator[Callable[[str], str]]:
    """`service_db("tickets")` migrates that service into a fresh schema and returns its name
    (dropped after the test), so tests never touch the e2e platform's own schemas."""
    from houqin_shared.migrate import migrate

    made: list[str] = []

    def make(service: str) -> str:
        schema = unique(f"t_{service}")
        made.append(schema)
        with psycopg.connect(infra.admin_dsn, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        migrate(infra.admin_dsn, schema, ROOT / "services" / service / service / "migrations")
        return schema

    yield make
    conn = await asyncpg.connect(infra.admin_dsn)
    for schema in made:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    await conn.close()


# --- the whole platform as real processes (tests/e2e, then tests/security: the fuzzer changes
# rules and data as an admin would, so it runs last) ------------------------------------------

# The fault tests send 1,000 reports from one student and one address in seconds: far past the
# per-reporter and per-address limits a real campus wants, so they are raised here.
E2E_ENV = {
    "FEEDBACK_RATE_REPORTER_PER_MIN": "100000",
    "FEEDBACK_RATE_REPORTER_BURST": "100000",
    "FEEDBACK_RATE_ADDRESS_PER_MIN": "100000",
    "FEEDBACK_RATE_ADDRESS_BURST": "100000",
}


@pytest.fixture(scope="session")
def test_instance(infra: Infra):  # type: ignore[no-untyped-def]
    import launcher

    inst = launcher.Instance(
        INSTANCE,
        infra.admin_dsn,
        infra.kafka,
        port_offset=launcher.PORT_OFFSETS[INSTANCE],
        kafka_protocol=KafkaAuth.from_env().protocol,  # as infra.sh env says
    )
    launcher.migrate_all(inst)
    return inst


@pytest.fixture(scope="session")
def platform(test_instance) -> Iterator[object]:  # type: ignore[no-untyped-def]
    import launcher

    running = launcher.Platform(test_instance, env=E2E_ENV)
    try:
        running.start()
        launcher.load_demo(test_instance)
        yield running
    finally:
        running.stop()
