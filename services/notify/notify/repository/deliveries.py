"""Claiming due deliveries (per channel, within its rate limit, safe across replicas) and
recording each attempt's outcome. A claim has a token: its lease is extended, and its outcomes
recorded, only while the rows still carry that token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


@dataclass(frozen=True)
class Outcome:
    message_id: int
    attempt: int
    status: str  # sent | failed | dead
    error: str | None
    duration_ms: float
    retry_in_s: float  # for failed: when to try again
    token: UUID  # the claim it was sent under


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


async def claim(
    conn: Conn, channel: str, limit: int, lease_s: float, token: UUID
) -> list[dict[str, Any]]:
    """Take up to `limit` due deliveries of `channel` under `token`: each one's attempt counter
    goes up and it is leased (not due again until `lease_s` from the transaction's start)."""
    rows = await conn.fetch(
        "UPDATE messages m SET attempts = m.attempts + 1, claim_token = $4,"
        " next_attempt_at = now() + make_interval(secs => $3)"
        " FROM (SELECT id FROM messages WHERE channel = $1 AND status = 'pending'"
        "  AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $2"
        "  FOR UPDATE SKIP LOCKED) due"
        " WHERE m.id = due.id RETURNING m.id, m.event_type, m.recipient, m.address, m.subject,"
        " m.body, m.tracking_no, m.kind, m.priority, m.attempts, m.to_reporter, m.link,"
        " m.link_code, m.link_label",
        channel,
        limit,
        float(lease_s),
        token,
    )
    return [dict(r) for r in rows]


async def extend(conn: Conn, token: UUID, lease_s: float) -> set[int]:
    """Lease the claim's rows that still carry its token (and are not recorded yet) for
    `lease_s` more; returns their ids (the others were taken over or finished)."""
    rows = await conn.fetch(
        "UPDATE messages SET next_attempt_at = now() + make_interval(secs => $2)"
        " WHERE claim_token = $1 AND status = 'pending' RETURNING id",
        token,
        float(lease_s),
    )
    return {r["id"] for r in rows}


async def spend(conn: Conn, channel: str, tokens: float) -> None:
    await conn.execute(
        "UPDATE channels SET tokens = $2, refilled_at = clock_timestamp() WHERE name = $1",
        channel,
        tokens,
    )


async def finish(conn: Conn, outcomes: list[Outcome]) -> int:
    """Record the outcomes whose rows still carry the claim's token (a row taken over by
    another worker is that worker's to record); returns how many were recorded."""
    if not outcomes:
        return 0
    recorded: int = await conn.fetchval(
        "WITH o AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[],"
        "  $5::uuid[], $6::int[], $7::float8[])"
        "  AS o(id, status, error, retry_in_s, token, attempt, duration_ms)),"
        " done AS (UPDATE messages m SET status = CASE o.status WHEN 'failed' THEN 'pending'"
        "  ELSE o.status END,"
        " sent_at = CASE WHEN o.status = 'sent' THEN clock_timestamp() ELSE m.sent_at END,"
        " last_error = o.error,"
        " next_attempt_at = CASE WHEN o.status = 'failed'"
        "  THEN clock_timestamp() + make_interval(secs => o.retry_in_s) ELSE m.next_attempt_at END"
        " FROM o WHERE m.id = o.id AND m.claim_token = o.token AND m.status = 'pending'"
        " RETURNING m.id),"
        " logged AS (INSERT INTO delivery_attempts (message_id, attempt, status, error,"
        "  duration_ms) SELECT o.id, o.attempt, o.status, o.error, o.duration_ms"
        "  FROM o JOIN done USING (id) RETURNING 1)"
        " SELECT count(*) FROM logged",
        [o.message_id for o in outcomes],
        [o.status for o in outcomes],
        [o.error for o in outcomes],
        [o.retry_in_s for o in outcomes],
        [o.token for o in outcomes],
        [o.attempt for o in outcomes],
        [o.duration_ms for o in outcomes],
    )
    return recorded
