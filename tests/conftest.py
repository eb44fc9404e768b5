"""Fixtures for the tests that need the real PostgreSQL and Kafka of the `test` instance.

`./houqin test` starts that instance and exports HOUQIN_PG_ADMIN_DSN / HOUQIN_KAFKA_BOOTSTRAP;
run alone, pytest starts it the same way (deploy/local/infra.sh is idempotent).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from helpers import INFRA, Infra, unique


@pytest.fixture(scope="session")
def infra() -> Infra:
    if not os.environ.get("HOUQIN_PG_ADMIN_DSN"):
        subprocess.run([str(INFRA), "start", "--instance", "test"], check=True)
        out = subprocess.run(
            [str(INFRA), "env", "--instance", "test"], check=True, capture_output=True, text=True
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
