"""What happened to a report as its reporter sees it, and the report's ticket-side state."""

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


async def ticket_opened(
    conn: Conn, report_id: UUID, ticket_id: UUID, department_id: str | None, team_id: str | None
) -> bool:
    """Record the ticket; False when the report is not ours."""
    found = await conn.fetchval(
        "UPDATE reports SET ticket_id = $2, department_id = $3, team_id = $4,"
        " ticket_status = coalesce(ticket_status, 'new'),"
        " status = CASE WHEN status = 'filed' THEN 'ticket_opened' ELSE status END"
        " WHERE id = $1 RETURNING id",
        report_id,
        ticket_id,
        department_id,
        team_id,
    )
    return found is not None


async def ticket_assigned(
    conn: Conn, report_id: UUID, assignee_id: str, department_id: str | None, team_id: str | None
) -> bool:
    found = await conn.fetchval(
        "UPDATE reports SET assignees = CASE WHEN $2 = ANY(assignees) THEN assignees"
        " ELSE array_append(assignees, $2) END,"
        " department_id = coalesce($3, department_id), team_id = coalesce($4, team_id),"
        " ticket_status = 'assigned',"
        " status = CASE WHEN status IN ('filed', 'ticket_opened') THEN 'assigned' ELSE status END"
        " WHERE id = $1 RETURNING id",
        report_id,
        assignee_id,
        department_id,
        team_id,
    )
    return found is not None


async def ticket_status(
    conn: Conn,
    report_id: UUID,
    status: str,
    note: str | None,
    at: datetime,
    assignee_id: str | None,
    finished_on_time: bool | None = None,
) -> bool:
    """Follow the ticket: `resolved` starts waiting for the reporter's confirmation, anything
    but `closed` afterwards ends that wait; `cannot_handle` keeps its explanation."""
    found = await conn.fetchval(
        "UPDATE reports SET ticket_status = $2, status = $2,"
        " explanation = CASE WHEN $2 = 'cannot_handle' THEN $3 ELSE explanation END,"
        " resolved_at = CASE WHEN $2 = 'resolved' THEN $4 ELSE resolved_at END,"
        " awaiting_confirmation = CASE WHEN $2 = 'resolved' THEN true"
        "   WHEN $2 = 'closed' THEN awaiting_confirmation ELSE false END,"
        " confirmation = CASE WHEN $2 = 'resolved' THEN NULL ELSE confirmation END,"
        " assignees = CASE WHEN $5::text IS NULL OR $5 = ANY(assignees) THEN assignees"
        "   ELSE array_append(assignees, $5) END,"
        " finished_on_time = coalesce($6, finished_on_time)"
        " WHERE id = $1 RETURNING id",
        report_id,
        status,
        note,
        at,
        assignee_id,
        finished_on_time,
    )
    return found is not None


async def ticket_transferred(
    conn: Conn, report_id: UUID, department_id: str | None, team_id: str | None
) -> bool:
    found = await conn.fetchval(
        "UPDATE reports SET department_id = coalesce($2, department_id),"
        " team_id = CASE WHEN $2::text IS NULL AND $3::text IS NULL THEN team_id ELSE $3 END"
        " WHERE id = $1 RETURNING id",
        report_id,
        department_id,
        team_id,
    )
    return found is not None
