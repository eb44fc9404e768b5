"""The only place the notify service's SQL lives. Callers own the transaction."""

from __future__ import annotations

from typing import Any

from houqin_shared.db import Conn
from notify.domain import Message

_COLUMNS = (
    "id, event_id, event_type, recipient, channel, subject, body, tracking_no, created_at, read_at"
)


async def record(conn: Conn, event_id: str, event_type: str, messages: list[Message]) -> None:
    """Store messages; one per (event, recipient, channel) however often the event arrives."""
    await conn.executemany(
        "INSERT INTO messages (event_id, event_type, recipient, channel, subject, body, tracking_no)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, recipient, channel) DO NOTHING",
        [
            (event_id, event_type, m.recipient, m.channel, m.subject, m.body, m.tracking_no)
            for m in messages
        ],
    )


async def inbox(conn: Conn, recipient: str, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM messages WHERE recipient = $1 AND channel = 'inbox'"
        " ORDER BY created_at DESC, id DESC LIMIT $2",
        recipient,
        limit,
    )
    return [dict(r) for r in rows]


async def by_tracking_no(conn: Conn, tracking_no: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM messages WHERE tracking_no = $1 ORDER BY id", tracking_no
    )
    return [dict(r) for r in rows]
