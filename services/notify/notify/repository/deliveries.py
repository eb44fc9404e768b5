"""Claiming due deliveries (per channel, within its rate limit, safe across replicas) and
recording each attempt's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from houqin_shared.db import Conn


@dataclass(frozen=True)
class Outcome:
    message_id: int
    attempt: int
    status: str  # sent | failed | dead
    error: str | None
    duration_ms: float
    retry_in_s: float  # for failed: when to try again


async def channels_to_serve(conn: Conn) -> list[dict[str, Any]]:
    """Enabled outgoing channels with due work, locked so one replica claims a channel at a
    time (the others skip it this round)."""
    rows = await conn.fetch(
        "SELECT c.name, c.settings, c.rate_per_s, c.burst, c.tokens,"
        " extract(epoch FROM clock_timestamp() - c.refilled_at)::float8 AS elapsed_s"
        " FROM channels c WHERE c.enabled AND c.name <> 'inbox' AND EXISTS ("
        "  SELECT 1 FROM messages m WHERE m.channel = c.name AND m.status = 'pending'"
        "  AND m.next_attempt_at <= now())"
        " ORDER BY c.name FOR UPDATE OF c SKIP LOCKED"
    )
    return [dict(r) for r in rows]


async def claim(conn: Conn, channel: str, limit: int, lease_s: float) -> list[dict[str, Any]]:
    """Take up to `limit` due deliveries of `channel`: each one's attempt counter goes up and
    it is leased (not due again until `lease_s` from now, should this worker die)."""
    rows = await conn.fetch(
        "UPDATE messages m SET attempts = m.attempts + 1,"
        " next_attempt_at = now() + make_interval(secs => $3)"
        " FROM (SELECT id FROM messages WHERE channel = $1 AND status = 'pending'"
        "  AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $2"
        "  FOR UPDATE SKIP LOCKED) due"
        " WHERE m.id = due.id RETURNING m.id, m.event_type, m.recipient, m.address, m.subject,"
        " m.body, m.tracking_no, m.kind, m.priority, m.attempts",
        channel,
        limit,
        float(lease_s),
    )
    return [dict(r) for r in rows]


async def spend(conn: Conn, channel: str, tokens: float) -> None:
    await conn.execute(
        "UPDATE channels SET tokens = $2, refilled_at = clock_timestamp() WHERE name = $1",
        channel,
        tokens,
    )


async def finish(conn: Conn, outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    await conn.execute(
        "UPDATE messages m SET status = CASE o.status WHEN 'failed' THEN 'pending'"
        "  ELSE o.status END,"
        " sent_at = CASE WHEN o.status = 'sent' THEN clock_timestamp() ELSE m.sent_at END,"
        " last_error = o.error,"
        " next_attempt_at = CASE WHEN o.status = 'failed'"
        "  THEN clock_timestamp() + make_interval(secs => o.retry_in_s) ELSE m.next_attempt_at END"
        " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[])"
        "  AS o(id, status, error, retry_in_s)"
        " WHERE m.id = o.id",
        [o.message_id for o in outcomes],
        [o.status for o in outcomes],
        [o.error for o in outcomes],
        [o.retry_in_s for o in outcomes],
    )
    await conn.execute(
        "INSERT INTO delivery_attempts (message_id, attempt, status, error, duration_ms)"
        " SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::float8[])",
        [o.message_id for o in outcomes],
        [o.attempt for o in outcomes],
        [o.status for o in outcomes],
        [o.error for o in outcomes],
        [o.duration_ms for o in outcomes],
    )
