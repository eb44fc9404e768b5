"""Inspection and incident SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn, get_row
from tickets.access import Scope
from tickets.repository._sql import update_by_id

_INSPECTION = (
    "id, kind, unit_type, unit_id, department_id, score, items, photos, findings, hazards,"
    " inspector_id, inspected_at, recorded_at"
)
_INCIDENT = (
    "id, kind, unit_type, unit_id, department_id, team_id, ticket_id, summary, evidence, occurred_at,"
    " status, verified_by, verified_at, appeal_reason, appealed_by, appealed_at, decided_by,"
    " decided_at, decision_note"
)


def _values(n: int) -> str:
    return ", ".join(f"${i + 1}" for i in range(n))


async def insert_inspection(conn: Conn, x: dict[str, Any]) -> None:
    names = [c.strip() for c in _INSPECTION.split(",")]
    await conn.execute(
        f"INSERT INTO inspections ({_INSPECTION}) VALUES ({_values(len(names))})",
        *(x[n] for n in names),
    )


async def get_inspection(conn: Conn, inspection_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_INSPECTION} FROM inspections WHERE id = $1", inspection_id)
    return dict(row) if row else None


# Within a reader's scope (tickets.access.read_scope; NULL matches nothing): the unit's
# department, its team, or the person it is about.
_IN_SCOPE = (
    " AND (department_id = ${d} OR {team} = ${t} OR (unit_type = 'staff' AND unit_id = ${p}))"
)
_UNIT_TEAM = "(CASE WHEN unit_type = 'team' THEN unit_id END)"  # inspections have no team_id


def _scoped(
    where: str, args: tuple[Any, ...], scope: Scope | None, team: str = _UNIT_TEAM
) -> tuple[str, tuple[Any, ...]]:
    if scope is None or scope.everything:
        return where, args
    n = len(args)
    clause = _IN_SCOPE.format(d=n + 1, team=team, t=n + 2, p=n + 3)
    return where + clause, (*args, scope.department_id, scope.team_id, scope.person_id)


async def inspections(
    conn: Conn, unit_id: str | None, limit: int, offset: int, scope: Scope | None = None
) -> list[dict[str, Any]]:
    where, args = _scoped(" WHERE ($1::text IS NULL OR unit_id = $1)", (unit_id,), scope)
    n = len(args)
    rows = await conn.fetch(
        f"SELECT {_INSPECTION} FROM inspections{where}"
        f" ORDER BY inspected_at DESC, id LIMIT ${n + 1} OFFSET ${n + 2}",
        *args, limit, offset,
    )  # fmt: skip
    return [dict(r) for r in rows]


async def insert_incident(conn: Conn, x: dict[str, Any]) -> None:
    names = [c.strip() for c in _INCIDENT.split(",")]
    await conn.execute(
        f"INSERT INTO incidents ({_INCIDENT}) VALUES ({_values(len(names))})",
        *(x[n] for n in names),
    )


async def get_incident(
    conn: Conn, incident_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    return await get_row(conn, "incidents", _INCIDENT, "id", incident_id, lock=lock)


async def update_incident(conn: Conn, incident_id: UUID, fields: dict[str, Any]) -> None:
    allowed = {
        "status",
        "appeal_reason",
        "appealed_by",
        "appealed_at",
        "decided_by",
        "decided_at",
        "decision_note",
    }
    await update_by_id(conn, "incidents", incident_id, fields, allowed)


async def incidents(
    conn: Conn,
    unit_id: str | None,
    status: str | None,
    since: datetime | None,
    scope: Scope | None = None,
) -> list[dict[str, Any]]:
    where, args = _scoped(
        " WHERE ($1::text IS NULL OR unit_id = $1) AND ($2::text IS NULL OR status = $2)"
        " AND ($3::timestamptz IS NULL OR occurred_at >= $3)",
        (unit_id, status, since),
        scope,
        team="team_id",
    )
    rows = await conn.fetch(
        f"SELECT {_INCIDENT} FROM incidents{where} ORDER BY occurred_at DESC, id LIMIT 500", *args
    )
    return [dict(r) for r in rows]
