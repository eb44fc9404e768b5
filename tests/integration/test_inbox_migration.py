"""The inbox's key grows from (consumer, id) to (consumer, source, id) and keeps every row: an
event handled before the migration is still recognised when Kafka delivers it again after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from helpers import Infra, unique
from yoyo import get_backend, read_migrations

from houqin_shared.migrate import SHARED_MIGRATIONS, migrate, yoyo_url

pytestmark = pytest.mark.infra

ROWS = [  # consumer, event id, type, outcome: as the inbox held them before
    ("houqin.notify", "e-1", "houqin.tickets.TicketOpened.v1", "handled"),
    ("houqin.notify", "e-2", "houqin.feedback.ComplaintFiled.v1", "handled"),
    ("houqin.feedback", "1001", "houqin.inbound.ReportSubmitted.v1", "handled"),
    ("houqin.feedback", "houqin.inbound.reports/0/7", None, "dead_lettered"),
]


@pytest.fixture
async def old_schema(infra: Infra) -> AsyncIterator[str]:
    """A schema with only the first shared migration applied, and inbox rows in it."""
    schema = unique("t")
    conn = await asyncpg.connect(infra.admin_dsn)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        backend = get_backend(yoyo_url(infra.admin_dsn, schema))
        first = read_migrations(str(SHARED_MIGRATIONS)).filter(
            lambda m: m.id == "shared_0001_outbox_inbox"
        )
        with backend.lock():
            backend.apply_migrations(backend.to_apply(first))
        await conn.executemany(
            f"INSERT INTO {schema}.inbox (consumer, event_id, event_type, topic, kafka_partition,"
            " kafka_offset, outcome) VALUES ($1, $2, $3, 't', 0, 0, $4)",
            ROWS,
        )
        yield schema
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


async def test_inbox_rows_are_kept_with_their_source(
    infra: Infra, old_schema: str, tmp_path: Path
) -> None:
    assert "shared_0002_inbox_source" in migrate(infra.admin_dsn, old_schema, tmp_path)
    conn = await asyncpg.connect(infra.admin_dsn, server_settings={"search_path": old_schema})
    try:
        rows = await conn.fetch("SELECT consumer, source, event_id FROM inbox ORDER BY event_id")
        assert [tuple(r) for r in rows] == [
            ("houqin.feedback", "", "1001"),
            ("houqin.notify", "/houqin/tickets", "e-1"),
            ("houqin.notify", "/houqin/feedback", "e-2"),
            ("houqin.feedback", "", "houqin.inbound.reports/0/7"),
        ]
        again = await conn.fetchval(
            "INSERT INTO inbox (consumer, source, event_id, topic, kafka_partition, kafka_offset,"
            " outcome) VALUES ('houqin.notify', '/houqin/tickets', 'e-1', 't', 0, 1, 'handled')"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )
        assert again is None  # handled before the migration: still a duplicate after it
        other = await conn.fetchval(
            "INSERT INTO inbox (consumer, source, event_id, topic, kafka_partition, kafka_offset,"
            " outcome) VALUES ('houqin.feedback', '/campus/app', '1001', 't', 0, 2, 'handled')"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        )
        assert other == "1001"  # another system's event 1001 is another event
    finally:
        await conn.close()
