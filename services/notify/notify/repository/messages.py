"""Messages (each also a delivery: one per event, recipient and channel) and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from houqin_shared.db import Conn
from notify.domain import Message
from notify.rows import AttemptRow, MessageRow

COLUMNS = (
    "id, event_id, event_type, recipient, channel, subject, body, tracking_no, created_at,"
    " read_at, kind, priority, status, attempts, next_attempt_at, last_error, sent_at, link,"
    " link_label"
)
# What operators and supervisors see: a reporter (perhaps anonymous) is never named.
OPERATOR_COLUMNS = COLUMNS.replace(
    "recipient,", "CASE WHEN to_reporter THEN 'reporter' ELSE recipient END AS recipient,"
)
ATTEMPT_COLUMNS = "attempt, status, error, duration_ms, at"


async def record(conn: Conn, messages: list[tuple[str, str, Message]]) -> int:
    """Store (event id, event type, message) rows in one statement; one message per (event,
    recipient, channel) however often the event arrives. Returns how many were new."""
    if not messages:
        return 0
    ms = [m for _, _, m in messages]
    rows = await conn.fetch(
        "INSERT INTO messages (event_id, event_type, recipient, channel, subject, body,"
        " tracking_no, kind, priority, status, next_attempt_at, address, sent_at, to_reporter,"
        " link, link_code, link_label)"
        " SELECT m.event_id, m.event_type, m.recipient, m.channel, m.subject, m.body,"
        " m.tracking_no, m.kind, m.priority, m.status, coalesce(m.next_attempt_at, now()),"
        " m.address, CASE WHEN m.status = 'sent' THEN now() END, m.to_reporter, m.link,"
        " m.link_code, m.link_label FROM unnest("
        " $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
        " $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::bool[],"
        " $14::text[], $15::text[], $16::text[])"
        " AS m(event_id, event_type, recipient, channel, subject, body, tracking_no, kind,"
        " priority, status, next_attempt_at, address, to_reporter, link, link_code, link_label)"
        " ON CONFLICT (event_id, recipient, channel) DO NOTHING RETURNING id",
        [event_id for event_id, _, _ in messages],
        [event_type for _, event_type, _ in messages],
        [m.recipient for m in ms],
        [m.channel for m in ms],
        [m.subject for m in ms],
        [m.body for m in ms],
        [m.tracking_no for m in ms],
        [m.kind for m in ms],
        [m.priority for m in ms],
        [m.status for m in ms],
        [m.next_attempt_at for m in ms],
        [m.address for m in ms],
        [m.to_reporter for m in ms],
        [m.link for m in ms],
        [m.link_code for m in ms],
        [m.link_label for m in ms],
    )
    return len(rows)


async def inbox(conn: Conn, recipient: str, limit: int, unread_only: bool) -> list[MessageRow]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM messages WHERE recipient = $1 AND channel = 'inbox'"
        " AND (NOT $3 OR read_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT $2",
        recipient,
        limit,
        unread_only,
    )
    return [cast(MessageRow, dict(r)) for r in rows]


async def unread_count(conn: Conn, recipient: str) -> int:
    n = await conn.fetchval(
        "SELECT count(*) FROM messages WHERE recipient = $1 AND channel = 'inbox'"
        " AND read_at IS NULL",
        recipient,
    )
    return int(n)


async def mark_read(conn: Conn, recipient: str, ids: list[int] | None) -> int:
    """Mark the recipient's inbox messages read (all of them when `ids` is None)."""
    rows = await conn.fetch(
        "UPDATE messages SET read_at = now() WHERE recipient = $1 AND channel = 'inbox'"
        " AND read_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY($2)) RETURNING id",
        recipient,
        ids,
    )
    return len(rows)


async def by_tracking_no(conn: Conn, tracking_no: str) -> list[MessageRow]:
    rows = await conn.fetch(
        f"SELECT {OPERATOR_COLUMNS} FROM messages WHERE tracking_no = $1 ORDER BY id", tracking_no
    )
    return [cast(MessageRow, dict(r)) for r in rows]


async def get(conn: Conn, message_id: int) -> MessageRow | None:
    row = await conn.fetchrow(f"SELECT {OPERATOR_COLUMNS} FROM messages WHERE id = $1", message_id)
    return cast(MessageRow, dict(row)) if row else None


async def attempts(conn: Conn, message_id: int) -> list[AttemptRow]:
    rows = await conn.fetch(
        f"SELECT {ATTEMPT_COLUMNS} FROM delivery_attempts WHERE message_id = $1 ORDER BY id",
        message_id,
    )
    return [cast(AttemptRow, dict(r)) for r in rows]


async def deliveries(
    conn: Conn, status: str | None, channel: str | None, limit: int
) -> list[MessageRow]:
    rows = await conn.fetch(
        f"SELECT {OPERATOR_COLUMNS} FROM messages WHERE channel <> 'inbox'"
        " AND ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2)"
        " ORDER BY id DESC LIMIT $3",
        status,
        channel,
        limit,
    )
    return [cast(MessageRow, dict(r)) for r in rows]


async def resend(conn: Conn, message_id: int) -> MessageRow | None:
    """Send a dead (or sent) delivery again from its first attempt; None if it is not one."""
    row = await conn.fetchrow(
        "UPDATE messages SET status = 'pending', attempts = 0, next_attempt_at = now(),"
        " last_error = NULL, claim_token = NULL"
        " WHERE id = $1 AND channel <> 'inbox' AND status IN ('dead', 'sent')"
        f" RETURNING {OPERATOR_COLUMNS}",
        message_id,
    )
    if row is None:
        return None
    await conn.execute(
        "INSERT INTO delivery_attempts (message_id, attempt, status, error)"
        " VALUES ($1, 0, 'resend', 'resend requested by an operator')",
        message_id,
    )
    return cast(MessageRow, dict(row))


async def sent_at_of(conn: Conn, message_id: int) -> datetime | None:
    value: datetime | None = await conn.fetchval(
        "SELECT sent_at FROM messages WHERE id = $1", message_id
    )
    return value
