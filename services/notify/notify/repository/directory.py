"""The directory read model (from DirectoryChanged), reporters of reports, and recipients."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from houqin_shared.db import Conn


async def replace(
    conn: Conn,
    version: int,
    changed_at: datetime,
    departments: list[UnitEntry],
    teams: list[UnitEntry],
    staff: list[StaffEntry],
) -> bool:
    """Replace the copy with this snapshot unless a newer (or the same) one is already held."""
    current = await version_for_update(conn)
    if current is not None and current >= version:
        return False
    await store(conn, version, changed_at, departments, teams, staff, reset=True)
    return True


async def version_for_update(conn: Conn) -> int | None:
    """The copy's version, locked until the transaction ends (None: no copy yet)."""
    v = await conn.fetchval("SELECT version FROM directory_state FOR UPDATE")
    return int(v) if v is not None else None


async def store(
    conn: Conn,
    version: int,
    changed_at: datetime,
    departments: list[UnitEntry],
    teams: list[UnitEntry],
    staff: list[StaffEntry],
    reset: bool,
) -> None:
    """Take these entries (added or changed; after emptying the copy when `reset`) and `version`."""
    await conn.execute(
        "INSERT INTO directory_state (version, changed_at) VALUES ($1, $2)"
        " ON CONFLICT (only_row) DO UPDATE SET version = $1, changed_at = $2",
        version,
        changed_at,
    )
    if reset:
        await conn.execute("DELETE FROM directory_units")
        await conn.execute("DELETE FROM directory_staff")
    await conn.executemany(
        "INSERT INTO directory_units (kind, id, name, department_id, lead_id)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, id) DO UPDATE SET name = $3,"
        " department_id = $4, lead_id = $5",
        [("department", u.id, u.name, u.department_id, u.lead_id) for u in departments]
        + [("team", u.id, u.name, u.department_id, u.lead_id) for u in teams],
    )
    await conn.executemany(
        "INSERT INTO directory_staff (id, name, department_id, team_id, roles, email, phone,"
        " wecom, dingtalk, feishu) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (id) DO UPDATE SET name = $2, department_id = $3, team_id = $4,"
        " roles = $5, email = $6, phone = $7, wecom = $8, dingtalk = $9, feishu = $10",
        [
            (
                s.id,
                s.name,
                s.department_id,
                s.team_id,
                list(s.roles),
                s.email,
                s.phone,
                s.wecom,
                s.dingtalk,
                s.feishu,
            )
            for s in staff
        ],
    )


async def version(conn: Conn) -> int | None:
    v = await conn.fetchval("SELECT version FROM directory_state")
    return int(v) if v is not None else None


async def unit_lead(conn: Conn, kind: str, unit_id: str | None) -> list[str]:
    if not unit_id:
        return []
    lead = await conn.fetchval(
        "SELECT lead_id FROM directory_units WHERE kind = $1 AND id = $2", kind, unit_id
    )
    return [lead] if lead else []


async def department_of(conn: Conn, unit_type: str, unit_id: str) -> str | None:
    if unit_type == "department":
        return unit_id
    if unit_type == "team":
        dept = await conn.fetchval(
            "SELECT department_id FROM directory_units WHERE kind = 'team' AND id = $1", unit_id
        )
    else:
        dept = await conn.fetchval(
            "SELECT department_id FROM directory_staff WHERE id = $1", unit_id
        )
    return str(dept) if dept else None


async def department_heads(conn: Conn) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT lead_id FROM directory_units"
        " WHERE kind = 'department' AND lead_id IS NOT NULL ORDER BY lead_id"
    )
    return [r["lead_id"] for r in rows]


async def with_role(conn: Conn, role: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT id FROM directory_staff WHERE $1 = ANY(roles) ORDER BY id", role
    )
    return [r["id"] for r in rows]


async def remember_reporters(conn: Conn, filed: list[tuple[UUID, str, str]]) -> None:
    """(report id, reporter id, tracking number) of non-anonymous reports, for later news."""
    if not filed:
        return
    await conn.execute(
        "INSERT INTO reporters (report_id, reporter_id, tracking_no)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])"
        " ON CONFLICT (report_id) DO NOTHING",
        [f[0] for f in filed],
        [f[1] for f in filed],
        [f[2] for f in filed],
    )


async def reporter_of(conn: Conn, report_id: UUID) -> list[str]:
    who = await conn.fetchval("SELECT reporter_id FROM reporters WHERE report_id = $1", report_id)
    return [who] if who else []


async def people(conn: Conn, ids: list[str]) -> list[dict[str, Any]]:
    """Each id with its directory entry (if any) and its preferences (if any), in id order."""
    rows = await conn.fetch(
        "SELECT r.id, s.name, s.email, s.phone, s.wecom, s.dingtalk, s.feishu,"
        " p.lang, p.channels, p.quiet_start, p.quiet_end, p.timezone, p.digest"
        " FROM unnest($1::text[]) WITH ORDINALITY AS r(id, n)"
        " LEFT JOIN directory_staff s ON s.id = r.id"
        " LEFT JOIN preferences p ON p.person_id = r.id ORDER BY r.n",
        ids,
    )
    return [dict(r) for r in rows]


async def staff(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, name, department_id, team_id, roles, email, phone, wecom, dingtalk, feishu"
        " FROM directory_staff ORDER BY id"
    )
    return [dict(r) for r in rows]
