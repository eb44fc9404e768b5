"""SQL of the workers' and team leads' views: pause requests and a team's roster."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from houqin_shared.db import Conn, get_row

_PR = (
    "id, ticket_id, team_id, asked_by, asked_at, pause_reason, pause_days, note, state,"
    " decided_by, decided_at, decision_note"
)


async def add_pause_request(conn: Conn, row: dict[str, Any]) -> dict[str, Any] | None:
    """The new pending request, or None when the ticket already has one."""
    got = await conn.fetchrow(
        "INSERT INTO pause_requests (id, ticket_id, team_id, asked_by, asked_at, pause_reason,"
        " pause_days, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
        f" ON CONFLICT (ticket_id) WHERE state = 'pending' DO NOTHING RETURNING {_PR}",
        uuid.uuid4(), row["ticket_id"], row["team_id"], row["asked_by"], row["asked_at"],
        row["pause_reason"], row["pause_days"], row["note"],
    )  # fmt: skip
    return dict(got) if got else None


async def get_pause_request(
    conn: Conn, request_id: uuid.UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    return await get_row(conn, "pause_requests", _PR, "id", request_id, lock=lock)


async def pending_pause_of(conn: Conn, ticket_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_PR} FROM pause_requests WHERE ticket_id = $1 AND state = 'pending'", ticket_id
    )
    return dict(row) if row else None


async def pending_pauses_of_team(conn: Conn, team_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_PR} FROM pause_requests WHERE team_id = $1 AND state = 'pending'"
        " ORDER BY asked_at LIMIT 200",
        team_id,
    )
    return [dict(r) for r in rows]


async def decide_pause_request(
    conn: Conn, request_id: uuid.UUID, state: str, by: str, at: datetime, note: str | None
) -> None:
    await conn.execute(
        "UPDATE pause_requests SET state = $2, decided_by = $3, decided_at = $4,"
        " decision_note = $5 WHERE id = $1",
        request_id, state, by, at, note,
    )  # fmt: skip


async def roster(conn: Conn, team_id: str, now: datetime) -> list[dict[str, Any]]:
    """The team's people: name, roles, on duty, and their leave that has not ended."""
    people = await conn.fetch(
        "SELECT id, name, roles, on_duty FROM staff WHERE team_id = $1 ORDER BY id LIMIT 500",
        team_id,
    )
    leave = await conn.fetch(
        "SELECT l.id, l.staff_id, l.starts_at AS start, l.ends_at AS end, l.reason"
        " FROM staff_leave l JOIN staff s ON s.id = l.staff_id"
        " WHERE s.team_id = $1 AND l.ends_at > $2 ORDER BY l.starts_at",
        team_id,
        now,
    )
    by_person: dict[str, list[dict[str, Any]]] = {}
    for lv in leave:
        by_person.setdefault(lv["staff_id"], []).append(
            {k: lv[k] for k in ("id", "start", "end", "reason")}
        )
    return [{**dict(p), "leave": by_person.get(p["id"], [])} for p in people]
