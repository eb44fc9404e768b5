"""Rectification SQL: items, progress notes, and the sweeper's claim of what is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from houqin_shared.db import Conn, get_row
from tickets.access import Scope
from tickets.repository._sql import update_by_id
from tickets.rows import RectificationRow

COLUMNS = (
    "id, origin, origin_id, problem, measures, responsible_id, department_id, team_id, deadline,"
    " status, round, round_started_at, opened_by, opened_at, accepted_by, accepted_at, esc_step,"
    " next_check_at"
)


async def insert(conn: Conn, r: dict[str, Any]) -> None:
    names = [c.strip() for c in COLUMNS.split(",")]
    await conn.execute(
        f"INSERT INTO rectifications ({COLUMNS}) VALUES ({', '.join(f'${i + 1}' for i in range(len(names)))})",
        *(r[n] for n in names),
    )


async def get(conn: Conn, item_id: UUID, *, lock: bool = False) -> RectificationRow | None:
    row = await get_row(conn, "rectifications", COLUMNS, "id", item_id, lock=lock)
    return cast(RectificationRow | None, row)


async def update(conn: Conn, item_id: UUID, fields: dict[str, Any]) -> None:
    allowed = {
        "status",
        "deadline",
        "round",
        "round_started_at",
        "accepted_by",
        "accepted_at",
        "esc_step",
        "next_check_at",
    }
    await update_by_id(conn, "rectifications", item_id, fields, allowed)


async def add_note(
    conn: Conn, item_id: UUID, at: datetime, author: str, kind: str, note: str
) -> None:
    await conn.execute(
        "INSERT INTO rectification_notes (item_id, at, author_id, kind, note) VALUES ($1, $2, $3, $4, $5)",
        item_id, at, author, kind, note,
    )  # fmt: skip


async def notes(conn: Conn, item_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, at, author_id, kind, note FROM rectification_notes WHERE item_id = $1 ORDER BY id",
        item_id,
    )
    return [dict(r) for r in rows]


async def page(
    conn: Conn,
    status: str | None,
    department_id: str | None,
    team_id: str | None,
    limit: int,
    offset: int,
    scope: Scope | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of matching items (earliest deadline first) and their total, within `scope`."""
    where = (
        " WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR department_id = $2)"
        " AND ($3::text IS NULL OR team_id = $3)"
    )
    args: tuple[Any, ...] = (status, department_id, team_id)
    if scope is not None and not scope.everything:  # NULL matches nothing
        where += " AND (department_id = $4 OR team_id = $5 OR responsible_id = $6)"
        args += (scope.department_id, scope.team_id, scope.person_id)
    n = len(args)
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM rectifications{where} ORDER BY deadline, id"
        f" LIMIT ${n + 1} OFFSET ${n + 2}",
        *args, limit, offset,
    )  # fmt: skip
    total = await conn.fetchval(f"SELECT count(*) FROM rectifications{where}", *args)
    return [dict(r) for r in rows], int(total)


async def claim_due(conn: Conn, now: datetime, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM rectifications WHERE next_check_at <= $1 ORDER BY next_check_at"
        " LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [dict(r) for r in rows]


async def reschedule(conn: Conn, rows: list[tuple[Any, int, datetime | None]]) -> None:
    if rows:
        await conn.execute(
            "UPDATE rectifications SET esc_step = u.step, next_check_at = u.next_at"
            " FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS u (id, step, next_at)"
            " WHERE rectifications.id = u.id",
            *(list(c) for c in zip(*rows, strict=True)),
        )
