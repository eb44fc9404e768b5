"""The only place the tickets service's SQL lives. Callers own the transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from tickets.domain import Directory

_AREA_DEPTH = {"campus": 0, "building": 1, "floor": 2, "room": 3}  # parents before children
_TICKET_COLUMNS = (
    "id, report_id, tracking_no, kind, category, urgency, location, description, status, "
    "department_id, team_id, opened_at"
)


async def open_ticket(conn: Conn, t: dict[str, Any]) -> bool:
    """Insert the ticket unless the report already has one; True when inserted."""
    inserted = await conn.fetchval(
        f"INSERT INTO tickets ({_TICKET_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
        " ON CONFLICT (report_id) DO NOTHING RETURNING true",
        t["id"],
        t["report_id"],
        t["tracking_no"],
        t["kind"],
        t["category"],
        t["urgency"],
        t["location"],
        t["description"],
        t["status"],
        t["department_id"],
        t["team_id"],
        t["opened_at"],
    )
    return bool(inserted)


async def get_ticket(conn: Conn, ticket_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = $1", ticket_id)
    return dict(row) if row else None


async def find_ticket_by_report(conn: Conn, report_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE report_id = $1", report_id
    )
    return dict(row) if row else None


async def list_tickets(
    conn: Conn, team_id: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE ($1::text IS NULL OR team_id = $1)"
        " ORDER BY opened_at DESC, id LIMIT $2 OFFSET $3",
        team_id,
        limit,
        offset,
    )
    return [dict(r) for r in rows]


async def upsert_directory(conn: Conn, d: Directory) -> None:
    await conn.executemany(
        "INSERT INTO departments (id, name, name_en) VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en",
        [(x.id, x.name, x.name_en) for x in d.departments],
    )
    await conn.executemany(
        "INSERT INTO teams (id, department_id, name, name_en) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (id) DO UPDATE SET department_id = EXCLUDED.department_id,"
        " name = EXCLUDED.name, name_en = EXCLUDED.name_en",
        [(x.id, x.department_id, x.name, x.name_en) for x in d.teams],
    )
    await conn.executemany(
        "INSERT INTO areas (id, parent_id, kind, name) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (id) DO UPDATE SET parent_id = EXCLUDED.parent_id, kind = EXCLUDED.kind,"
        " name = EXCLUDED.name",
        [
            (x.id, x.parent_id, x.kind, x.name)
            for x in sorted(d.areas, key=lambda a: _AREA_DEPTH[a.kind])
        ],
    )


async def read_directory(conn: Conn) -> Directory:
    depts = await conn.fetch("SELECT id, name, name_en FROM departments ORDER BY id")
    teams = await conn.fetch(
        "SELECT id, department_id, name, name_en FROM teams ORDER BY department_id, id"
    )
    areas = await conn.fetch("SELECT id, parent_id, kind, name FROM areas ORDER BY id")
    return Directory.model_validate(
        {
            "departments": [dict(r) for r in depts],
            "teams": [dict(r) for r in teams],
            "areas": [dict(r) for r in areas],
        }
    )
