"""Low-priority items held for a person's daily digest, and the digest messages made of them."""

from __future__ import annotations

from typing import Any

from houqin_shared.db import Conn
from notify.domain import Message


async def waiting(conn: Conn) -> list[dict[str, Any]]:
    """(recipient, channel) pairs with held items, and the person's digest time and zone."""
    rows = await conn.fetch(
        "SELECT m.recipient, m.channel, coalesce(p.timezone, 'Asia/Shanghai') AS timezone,"
        " coalesce(p.digest_at, '08:30'::time) AS digest_at, p.quiet_start, p.quiet_end,"
        " coalesce(p.lang, 'zh-CN') AS lang,"
        " count(*) AS n FROM messages m LEFT JOIN preferences p ON p.person_id = m.recipient"
        " WHERE m.status = 'digest' GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2"
    )
    return [dict(r) for r in rows]


async def exists(conn: Conn, event_id: str, recipient: str, channel: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM messages WHERE event_id = $1 AND recipient = $2 AND channel = $3",
        event_id,
        recipient,
        channel,
    )
    return found is not None


async def take(conn: Conn, recipient: str, channel: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "UPDATE messages SET status = 'digested' WHERE id IN (SELECT id FROM messages"
        " WHERE recipient = $1 AND channel = $2 AND status = 'digest' ORDER BY id"
        " FOR UPDATE SKIP LOCKED) RETURNING id, subject, tracking_no, address, created_at,"
        " to_reporter",
        recipient,
        channel,
    )
    return sorted((dict(r) for r in rows), key=lambda r: r["id"])


async def add(conn: Conn, event_id: str, m: Message) -> bool:
    made = await conn.fetchval(
        "INSERT INTO messages (event_id, event_type, recipient, channel, subject, body,"
        " tracking_no, kind, priority, status, next_attempt_at, address, to_reporter)"
        " VALUES ($1, 'digest', $2, $3, $4, $5, NULL, $6, $7, 'pending', $8, $9, $10)"
        " ON CONFLICT (event_id, recipient, channel) DO NOTHING RETURNING id",
        event_id,
        m.recipient,
        m.channel,
        m.subject,
        m.body,
        m.kind,
        m.priority,
        m.next_attempt_at,
        m.address,
        m.to_reporter,
    )
    return made is not None
