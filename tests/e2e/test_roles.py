"""Each service's login role owns its schema and can touch nothing else."""

from __future__ import annotations

import asyncpg
import launcher
import pytest

from houqin_shared.bootstrap import SERVICES

pytestmark = pytest.mark.infra


def dsn(inst: launcher.Instance, service: str) -> str:
    return launcher.service_env(inst, service)[f"{service.upper()}_DATABASE_URL"]


@pytest.mark.parametrize("service", SERVICES)
async def test_role_reads_its_own_schema_and_no_other(
    test_instance: launcher.Instance, service: str
) -> None:
    conn = await asyncpg.connect(dsn(test_instance, service))
    try:
        assert await conn.fetchval("SELECT current_schema()") == service
        assert await conn.fetchval("SELECT count(*) FROM outbox") >= 0
        for other in set(SERVICES) - {service}:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM {other}.outbox LIMIT 1")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(f"CREATE TABLE {other}.sneaky (x int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.sneaky (x int)")
        assert not await conn.fetchval(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
    finally:
        await conn.close()


async def test_feedback_cannot_read_tickets(test_instance: launcher.Instance) -> None:
    conn = await asyncpg.connect(dsn(test_instance, "feedback"))
    try:
        with pytest.raises(
            asyncpg.InsufficientPrivilegeError, match="permission denied for schema tickets"
        ):
            await conn.fetch("SELECT * FROM tickets.tickets")
    finally:
        await conn.close()
