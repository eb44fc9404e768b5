"""Ticket SQL: tickets, their audit trail, queues. Callers own the transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from houqin_shared.db import Conn, get_row
from tickets.access import Scope
from tickets.repository._sql import update_by_id
from tickets.rows import TicketRow

_OPEN_COLUMNS = (
    "id, report_id, tracking_no, kind, category, urgency, location, description, status,"
    " department_id, team_id, opened_at, assignee_id, assigned_via, policy, clock_started_at,"
    " accept_due_at, arrive_due_at, finish_due_at, updated_at, esc_stage, esc_step, next_check_at,"
    " place_key, track, about_team_id"
)
COLUMNS = (
    _OPEN_COLUMNS + ", credit_s, paused_at, paused_from, accepted_at, arrived_at, resolved_at,"
    " closed_at, transfer_count, cycle, outcome, stuck_at, closed_as, reason_accepted_by,"
    " reason_accepted_at, pause_reason, pause_until, merged_into"
)
_UPDATABLE = frozenset(
    {
        "status", "department_id", "team_id", "assignee_id", "assigned_via", "clock_started_at",
        "accept_due_at", "arrive_due_at", "finish_due_at", "updated_at", "credit_s", "paused_at",
        "paused_from", "accepted_at", "arrived_at", "resolved_at", "closed_at", "transfer_count",
        "cycle", "esc_stage", "esc_step", "next_check_at", "outcome", "stuck_at", "closed_as",
        "reason_accepted_by", "reason_accepted_at", "pause_reason", "pause_until",
        "merged_into",
    }
)  # fmt: skip


async def open_tickets(conn: Conn, tickets: list[dict[str, Any]]) -> set[Any]:
    """Insert tickets (one per report, at most) unless their report already has one; returns
    the ids inserted. One statement for the whole batch: rows travel as one JSON array."""
    if not tickets:
        return set()
    rows = await conn.fetch(
        f"INSERT INTO tickets ({_OPEN_COLUMNS}) SELECT {_OPEN_COLUMNS}"
        " FROM jsonb_populate_recordset(NULL::tickets, $1::text::jsonb)"
        " ON CONFLICT (report_id) DO NOTHING RETURNING id",
        json.dumps(tickets, default=_json_value),
    )
    return {r["id"] for r in rows}


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # UUIDs


async def get_ticket(conn: Conn, ticket_id: UUID, *, lock: bool = False) -> TicketRow | None:
    return cast(
        TicketRow | None, await get_row(conn, "tickets", COLUMNS, "id", ticket_id, lock=lock)
    )


async def find_ticket_by_report(
    conn: Conn, report_id: UUID, *, lock: bool = False
) -> TicketRow | None:
    row = await get_row(conn, "tickets", COLUMNS, "report_id", report_id, lock=lock)
    return cast(TicketRow | None, row)


async def update_ticket(conn: Conn, ticket_id: UUID, fields: dict[str, Any]) -> None:
    await update_by_id(conn, "tickets", ticket_id, fields, _UPDATABLE)


async def add_action(
    conn: Conn,
    ticket_id: UUID,
    at: datetime,
    actor_id: str | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO ticket_actions (ticket_id, at, actor_id, action, from_status, to_status, note, detail)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ticket_id, at, actor_id, action, from_status, to_status, note, detail,
    )  # fmt: skip


async def pause_days_since(conn: Conn, ticket_id: UUID, since: datetime) -> int:
    """Working days the ticket's pauses since `since` asked for (the audit's pause_days)."""
    got = await conn.fetchval(
        "SELECT coalesce(sum((detail->>'pause_days')::int), 0) FROM ticket_actions"
        " WHERE ticket_id = $1 AND action = 'pause' AND at >= $2",
        ticket_id,
        since,
    )
    return int(got)


async def actions_of(conn: Conn, ticket_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, at, actor_id, action, from_status, to_status, note, detail FROM ticket_actions"
        " WHERE ticket_id = $1 ORDER BY id",
        ticket_id,
    )
    return [dict(r) for r in rows]


_FILTER = (
    " WHERE ($1::text IS NULL OR assignee_id = $1) AND ($2::text IS NULL OR team_id = $2)"
    " AND ($3::text IS NULL OR department_id = $3) AND ($4::text[] IS NULL OR status = ANY($4))"
    " AND ($5::text IS NULL OR category = $5) AND ($6::text IS NULL OR urgency = $6)"
    " AND ($7::timestamptz IS NULL OR (status IN ('new', 'assigned', 'accepted', 'on_site', 'reopened')"
    " AND (accept_due_at < $7 AND accepted_at IS NULL OR arrive_due_at < $7 AND arrived_at IS NULL"
    " OR finish_due_at < $7 AND resolved_at IS NULL)))"
)


# Only what the caller may read (see tickets.access.Scope): one department, one team, one
# assignee; NULL matches nothing.
_SCOPED = " AND (department_id = $8 OR team_id = $9 OR assignee_id = $10)"


async def queue(
    conn: Conn,
    *,
    assignee_id: str | None = None,
    team_id: str | None = None,
    department_id: str | None = None,
    statuses: list[str] | None = None,
    category: str | None = None,
    urgency: str | None = None,
    overdue_at: datetime | None = None,
    scope: Scope | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One page of matching tickets (oldest due first) and the count per status of all matches,
    within `scope` when one is given."""
    args: tuple[Any, ...] = (
        assignee_id, team_id, department_id, statuses, category, urgency, overdue_at,
    )  # fmt: skip
    where = _FILTER
    if scope is not None and not scope.everything:
        where += _SCOPED
        args += (scope.department_id, scope.team_id, scope.person_id)
    n = len(args)
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM tickets{where}"
        " ORDER BY LEAST(accept_due_at, arrive_due_at, finish_due_at) NULLS LAST, opened_at, id"
        f" LIMIT ${n + 1} OFFSET ${n + 2}",
        *args,
        limit,
        offset,
    )
    counts = await conn.fetch(
        f"SELECT status, count(*) AS n FROM tickets{where} GROUP BY status", *args
    )
    return [dict(r) for r in rows], {r["status"]: r["n"] for r in counts}


async def queue_version(
    conn: Conn,
    *,
    assignee_id: str | None = None,
    team_id: str | None = None,
    statuses: Sequence[str] | None = None,
    category: str | None = None,
    urgency: str | None = None,
) -> tuple[str, int]:
    """What `queue` with the same filters (one assignee's or one team's) would match, summed
    up: a digest of each matching ticket's id and row version (xmin, the transaction that last
    wrote it) and their count. Any write to a matching ticket, one joining or one leaving
    changes the digest, whatever column changed and in whatever order the writes committed (a
    maximum of updated_at would miss a write that commits after a later one, and the escalation
    steps do not set it). One query on tickets_assignee_status or tickets_team_status: the
    owner's column and the status filter are written out, so even a generic plan of the
    prepared statement keeps both in the index condition (`$1 IS NULL OR ...` would not)."""
    column, owner = (
        ("assignee_id", assignee_id) if assignee_id is not None else ("team_id", team_id)
    )
    if owner is None:
        raise ValueError("a queue version is of one assignee's or one team's queue")
    status = "status = ANY($2::text[])" if statuses else "$2::text[] IS NULL"  # both: indexed
    row = await conn.fetchrow(
        "SELECT count(*) AS n, md5(coalesce(string_agg(id::text || ':' || xmin::text, ','"
        f" ORDER BY id), '')) AS digest FROM tickets WHERE {column} = $1"
        f" AND {status} AND ($3::text IS NULL OR category = $3)"
        " AND ($4::text IS NULL OR urgency = $4)",
        owner, statuses, category, urgency,
    )  # fmt: skip
    assert row is not None
    return str(row["digest"]), int(row["n"])
