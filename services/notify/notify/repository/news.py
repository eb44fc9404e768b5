"""News for a report's followers, waiting for feedback to say who they are."""

from __future__ import annotations

from typing import Any, NamedTuple
from uuid import UUID

from houqin_shared.db import Conn


class Item(NamedTuple):
    """A reporter's message waiting for feedback to say who follows the report."""

    event_id: str
    event_type: str
    rule_id: int
    report_id: UUID
    event: dict[str, Any]
    correlation_id: str | None


async def add(conn: Conn, rows: list[Item]) -> None:
    """Once per event and rule."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO reporter_news (event_id, event_type, rule_id, report_id, event,"
        " correlation_id) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[],"
        " $4::uuid[], $5::jsonb[], $6::text[]) ON CONFLICT (event_id, rule_id) DO NOTHING",
        *([r[i] for r in rows] for i in range(6)),
    )


async def claim(conn: Conn, limit: int, lease_s: float) -> list[dict[str, Any]]:
    """Take up to `limit` due items; each is leased (not due again for `lease_s`, should this
    worker die) and its attempt counter goes up."""
    rows = await conn.fetch(
        "UPDATE reporter_news n SET attempts = n.attempts + 1,"
        " next_attempt_at = now() + make_interval(secs => $2)"
        " FROM (SELECT id FROM reporter_news WHERE next_attempt_at <= now()"
        "  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due"
        " WHERE n.id = due.id RETURNING n.id, n.event_id, n.event_type, n.rule_id,"
        " n.report_id, n.event, n.attempts, n.correlation_id",
        limit,
        float(lease_s),
    )
    return [dict(r) for r in rows]


async def done(conn: Conn, item_id: int) -> None:
    await conn.execute("DELETE FROM reporter_news WHERE id = $1", item_id)


async def retry(conn: Conn, item_id: int, after_s: float, error: str) -> None:
    await conn.execute(
        "UPDATE reporter_news SET next_attempt_at = now() + make_interval(secs => $2),"
        " last_error = $3 WHERE id = $1",
        item_id,
        float(after_s),
        error[:1000],
    )


async def waiting(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, event_id, event_type, rule_id, report_id, attempts, next_attempt_at,"
        " last_error FROM reporter_news ORDER BY id"
    )
    return [dict(r) for r in rows]
