"""Transfer SQL."""

from __future__ import annotations

from datetime import datetime
from typing import cast
from uuid import UUID

from houqin_shared.db import Conn
from tickets.rows import TransferRow

COLUMNS = (
    "id, ticket_id, from_team_id, from_department_id, to_team_id, to_department_id, reason, state,"
    " requested_by, requested_at, decided_by, decided_at, decision_note"
)


async def insert(conn: Conn, t: TransferRow) -> bool:
    """A new request; False when the ticket already has one pending."""
    done = await conn.fetchval(
        "INSERT INTO transfers (id, ticket_id, from_team_id, from_department_id, to_team_id,"
        " to_department_id, reason, state, requested_by, requested_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9)"
        " ON CONFLICT (ticket_id) WHERE state = 'requested' DO NOTHING RETURNING true",
        t["id"], t["ticket_id"], t["from_team_id"], t["from_department_id"], t["to_team_id"],
        t["to_department_id"], t["reason"], t["requested_by"], t["requested_at"],
    )  # fmt: skip
    return bool(done)


async def get(conn: Conn, transfer_id: UUID) -> TransferRow | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM transfers WHERE id = $1", transfer_id)
    return cast(TransferRow, dict(row)) if row else None


async def decide(
    conn: Conn, transfer_id: UUID, state: str, by: str, at: datetime, note: str | None
) -> None:
    await conn.execute(
        "UPDATE transfers SET state = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1",
        transfer_id, state, by, at, note,
    )  # fmt: skip


async def of_ticket(conn: Conn, ticket_id: UUID) -> list[TransferRow]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM transfers WHERE ticket_id = $1 ORDER BY requested_at", ticket_id
    )
    return [cast(TransferRow, dict(r)) for r in rows]


async def pending_of(conn: Conn, ticket_id: UUID) -> list[tuple[str | None, str | None]]:
    """(to_team_id, to_department_id) of the ticket's transfer waiting for an answer, if any."""
    rows = await conn.fetch(
        "SELECT to_team_id, to_department_id FROM transfers"
        " WHERE ticket_id = $1 AND state = 'requested'",
        ticket_id,
    )
    return [(r["to_team_id"], r["to_department_id"]) for r in rows]


async def incoming(conn: Conn, team_id: str | None, department_id: str | None) -> list[TransferRow]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM transfers WHERE state = 'requested'"
        " AND (to_team_id = $1 OR (to_team_id IS NULL AND to_department_id = $2) OR to_department_id = $2)"
        " ORDER BY requested_at LIMIT 200",
        team_id,
        department_id,
    )
    return [cast(TransferRow, dict(r)) for r in rows]
