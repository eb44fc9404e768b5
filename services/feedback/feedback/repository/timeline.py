"""What happened to a report as its reporter sees it (tickets' events: see ticket_state)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def add_entry(
    conn: Conn,
    report_id: UUID,
    kind: str,
    at: datetime,
    *,
    event_id: str | None = None,
    status: str | None = None,
    note: str | None = None,
    team_id: str | None = None,
    department_id: str | None = None,
    author_id: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO report_events (report_id, event_id, kind, status, note, team_id,"
        " department_id, author_id, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        report_id,
        event_id,
        kind,
        status,
        note,
        team_id,
        department_id,
        author_id,
        at,
    )


async def entries_of(conn: Conn, *report_ids: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT report_id, kind, status, note, team_id, department_id, author_id, at"
        " FROM report_events WHERE report_id = ANY($1::uuid[]) ORDER BY at, id",
        list(report_ids),
    )
    return [dict(r) for r in rows]


async def ticket_transferred(
    conn: Conn, report_id: UUID, department_id: str | None, team_id: str | None
) -> bool:
    """An accepted transfer (a unit given) moves the report to its new unit; one that could not
    be handled where it was starts again there (received); its linked reports follow."""
    found = await conn.fetchval(
        "UPDATE reports SET department_id = coalesce($2, department_id),"
        " team_id = CASE WHEN $2::text IS NULL AND $3::text IS NULL THEN team_id ELSE $3 END,"
        " status = CASE WHEN ($2::text IS NOT NULL OR $3::text IS NOT NULL)"
        "   AND status = 'cannot_handle' THEN 'ticket_opened' ELSE status END,"
        " ticket_status = CASE WHEN ($2::text IS NOT NULL OR $3::text IS NOT NULL)"
        "   AND ticket_status = 'cannot_handle' THEN 'new' ELSE ticket_status END"
        " WHERE (id = $1 AND primary_id IS NULL) OR primary_id = $1 RETURNING id",
        report_id,
        department_id,
        team_id,
    )
    return found is not None
