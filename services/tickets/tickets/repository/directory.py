"""Directory SQL: departments, teams, areas, staff and leave, posts, the responsibility map."""

from __future__ import annotations

from typing import Any

from houqin_shared.db import Conn
from tickets.domain import Directory, Leave, Responsibility

_AREA_DEPTH = {"campus": 0, "building": 1, "floor": 2, "room": 3}  # parents before children
_STAFF_COLS = "id, name, roles, department_id, team_id, email, phone, wecom, dingtalk, feishu"


async def lock(conn: Conn) -> None:
    """Serialise directory writers (the version and the snapshot follow commit order)."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/directory', 7))"
    )


async def upsert(conn: Conn, d: Directory) -> None:
    """Insert or update every row of the document, parents before children."""
    await _upsert_units(conn, d)
    await _upsert_staff(conn, d)
    # Heads and leads are staff: set them once the staff rows exist.
    await conn.executemany(
        "UPDATE departments SET head_id = $2 WHERE id = $1",
        [(x.id, x.head_id) for x in d.departments],
    )
    await conn.executemany(
        "UPDATE teams SET lead_id = $2 WHERE id = $1", [(x.id, x.lead_id) for x in d.teams]
    )
    await _upsert_posts_and_map(conn, d)


async def _upsert_units(conn: Conn, d: Directory) -> None:
    """Departments and teams (without their heads and leads), and areas, parents first."""
    await conn.executemany(
        "INSERT INTO departments (id, name, name_en, head_id) VALUES ($1, $2, $3, NULL)"
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
        "INSERT INTO areas (id, parent_id, kind, name, name_en) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET parent_id = EXCLUDED.parent_id, kind = EXCLUDED.kind,"
        " name = EXCLUDED.name,"
        # a document written before areas had English names leaves them as they are
        " name_en = CASE WHEN $6 THEN EXCLUDED.name_en ELSE areas.name_en END",
        [
            (x.id, x.parent_id, x.kind, x.name, x.name_en, "name_en" in x.model_fields_set)
            for x in sorted(d.areas, key=lambda a: _AREA_DEPTH[a.kind])
        ],
    )


async def _upsert_staff(conn: Conn, d: Directory) -> None:
    """Staff, and the leave of those whose document lists it (it replaces the stored leave)."""
    await conn.executemany(
        f"INSERT INTO staff ({_STAFF_COLS}, on_duty) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, roles = EXCLUDED.roles,"
        " department_id = EXCLUDED.department_id, team_id = EXCLUDED.team_id,"
        " email = EXCLUDED.email, phone = EXCLUDED.phone, wecom = EXCLUDED.wecom,"
        " dingtalk = EXCLUDED.dingtalk, feishu = EXCLUDED.feishu, on_duty = EXCLUDED.on_duty",
        [
            (
                s.id,
                s.name,
                s.roles,
                s.department_id,
                s.team_id,
                s.email,
                s.phone,
                s.wecom,
                s.dingtalk,
                s.feishu,
                s.on_duty,
            )
            for s in d.staff
        ],
    )
    for s in d.staff:
        if s.leave is not None:
            await conn.execute("DELETE FROM staff_leave WHERE staff_id = $1", s.id)
            for lv in s.leave:
                await add_leave(conn, s.id, lv)


async def _upsert_posts_and_map(conn: Conn, d: Directory) -> None:
    """Posts (their staff exist by now) and the responsibility map."""
    await conn.executemany(
        "INSERT INTO posts (id, team_id, name, primary_id, backup_id) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, name = EXCLUDED.name,"
        " primary_id = EXCLUDED.primary_id, backup_id = EXCLUDED.backup_id",
        [(p.id, p.team_id, p.name, p.primary_id, p.backup_id) for p in d.posts],
    )
    await conn.executemany(
        "INSERT INTO responsibilities (area_key, category, team_id, department_id, post_id)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (area_key, category) DO UPDATE SET"
        " team_id = EXCLUDED.team_id, department_id = EXCLUDED.department_id,"
        " post_id = EXCLUDED.post_id",
        [
            (r.area_id or "", r.category, r.team_id, r.department_id, r.post_id)
            for r in d.responsibilities
        ],
    )


async def add_leave(conn: Conn, staff_id: str, lv: Leave) -> int:
    return int(
        await conn.fetchval(
            "INSERT INTO staff_leave (staff_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4)"
            " RETURNING id",
            staff_id,
            lv.start,
            lv.end,
            lv.reason,
        )
    )


async def delete_leave(conn: Conn, staff_id: str, leave_id: int) -> bool:
    done = await conn.fetchval(
        "DELETE FROM staff_leave WHERE id = $1 AND staff_id = $2 RETURNING true", leave_id, staff_id
    )
    return bool(done)


async def set_on_duty(conn: Conn, staff_id: str, on_duty: bool) -> bool:
    done = await conn.fetchval(
        "UPDATE staff SET on_duty = $2 WHERE id = $1 RETURNING true", staff_id, on_duty
    )
    return bool(done)


async def get_staff(conn: Conn, staff_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {_STAFF_COLS}, on_duty FROM staff WHERE id = $1", staff_id)
    return dict(row) if row else None


async def leave_of(conn: Conn, staff_ids: list[str]) -> dict[str, list[Leave]]:
    rows = await conn.fetch(
        "SELECT id, staff_id, starts_at, ends_at, reason FROM staff_leave"
        " WHERE staff_id = ANY($1::text[]) ORDER BY staff_id, starts_at",
        staff_ids,
    )
    out: dict[str, list[Leave]] = {}
    for r in rows:
        out.setdefault(r["staff_id"], []).append(
            Leave(start=r["starts_at"], end=r["ends_at"], reason=r["reason"])
        )
    return out


async def leave_rows(conn: Conn, staff_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, starts_at AS start, ends_at AS end, reason FROM staff_leave"
        " WHERE staff_id = $1 ORDER BY starts_at",
        staff_id,
    )
    return [dict(r) for r in rows]


async def bump_version(conn: Conn) -> int:
    return int(
        await conn.fetchval(
            "INSERT INTO directory_version (one, version) VALUES (true, 1) ON CONFLICT (one)"
            " DO UPDATE SET version = directory_version.version + 1 RETURNING version"
        )
    )


async def read(conn: Conn) -> Directory:
    depts = await conn.fetch("SELECT id, name, name_en, head_id FROM departments ORDER BY id")
    teams = await conn.fetch(
        "SELECT id, department_id, name, name_en, lead_id FROM teams ORDER BY department_id, id"
    )
    areas = await conn.fetch("SELECT id, parent_id, kind, name, name_en FROM areas ORDER BY id")
    staff = [
        dict(r) for r in await conn.fetch(f"SELECT {_STAFF_COLS}, on_duty FROM staff ORDER BY id")
    ]
    leave = await leave_of(conn, [s["id"] for s in staff])
    for s in staff:
        s["leave"] = leave.get(s["id"], [])
    posts = await conn.fetch(
        "SELECT id, team_id, name, primary_id, backup_id FROM posts ORDER BY team_id, id"
    )
    version = await conn.fetchval("SELECT version FROM directory_version")
    return Directory.model_validate(
        {
            "departments": [dict(r) for r in depts],
            "teams": [dict(r) for r in teams],
            "areas": [dict(r) for r in areas],
            "staff": staff,
            "posts": [dict(r) for r in posts],
            "responsibilities": await responsibilities(conn),
            "version": version,
        }
    )


async def responsibilities(conn: Conn) -> list[Responsibility]:
    rows = await conn.fetch(
        "SELECT NULLIF(area_key, '') AS area_id, category, team_id, department_id, post_id"
        " FROM responsibilities ORDER BY area_key, category"
    )
    return [Responsibility.model_validate(dict(r)) for r in rows]


async def routing_data(conn: Conn) -> dict[str, Any]:
    """What routing needs: area parents, rules, team departments and leads, department heads,
    the quality supervisors (by id)."""
    areas = await conn.fetch("SELECT id, parent_id FROM areas")
    teams = await conn.fetch("SELECT id, department_id, lead_id FROM teams")
    heads = await conn.fetch("SELECT id, head_id FROM departments")
    supervisors = await conn.fetch(
        "SELECT id FROM staff WHERE 'supervisor' = ANY(roles) ORDER BY id LIMIT 100"
    )
    return {
        "parents": {r["id"]: r["parent_id"] for r in areas},
        "rules": await responsibilities(conn),
        "team_departments": {r["id"]: r["department_id"] for r in teams},
        "leads": {r["id"]: r["lead_id"] for r in teams},
        "heads": {r["id"]: r["head_id"] for r in heads},
        "supervisors": [r["id"] for r in supervisors],
    }


async def posts_of_team(conn: Conn, team_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, team_id, name, primary_id, backup_id FROM posts WHERE team_id = $1", team_id
    )
    return [dict(r) for r in rows]


async def staff_availability(
    conn: Conn, staff_ids: list[str]
) -> dict[str, tuple[bool, list[Leave]]]:
    """staff id -> (on duty, leave periods)."""
    rows = await conn.fetch("SELECT id, on_duty FROM staff WHERE id = ANY($1::text[])", staff_ids)
    leave = await leave_of(conn, staff_ids)
    return {r["id"]: (r["on_duty"], leave.get(r["id"], [])) for r in rows}


async def unit_leads(
    conn: Conn, team_id: str | None, department_id: str | None
) -> tuple[str | None, str | None]:
    lead = (
        await conn.fetchval("SELECT lead_id FROM teams WHERE id = $1", team_id) if team_id else None
    )
    head = (
        await conn.fetchval("SELECT head_id FROM departments WHERE id = $1", department_id)
        if department_id
        else None
    )
    return lead, head


async def department_of_team(conn: Conn, team_id: str) -> str | None:
    """The team's department, or None for a team the directory does not know."""
    dept: str | None = await conn.fetchval("SELECT department_id FROM teams WHERE id = $1", team_id)
    return dept


async def unit_exists(
    conn: Conn, team_id: str | None, department_id: str | None
) -> dict[str, Any] | None:
    """The team (with its department) or the department, if it exists."""
    if team_id:
        row = await conn.fetchrow(
            "SELECT id AS team_id, department_id FROM teams WHERE id = $1", team_id
        )
        if row is None or (department_id and row["department_id"] != department_id):
            return None
        return dict(row)
    row = await conn.fetchrow(
        "SELECT NULL::text AS team_id, id AS department_id FROM departments WHERE id = $1",
        department_id,
    )
    return dict(row) if row else None


async def version(conn: Conn) -> tuple[str, int]:
    """(schema, directory version): what a cache of the directory is keyed by."""
    row = await conn.fetchrow(
        "SELECT current_schema() AS schema, COALESCE((SELECT version FROM directory_version), 0) AS version"
    )
    assert row is not None
    return str(row["schema"]), int(row["version"])


async def all_posts(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch("SELECT id, team_id, name, primary_id, backup_id FROM posts")
    return [dict(r) for r in rows]


async def all_availability(conn: Conn) -> dict[str, tuple[bool, list[Leave]]]:
    rows = await conn.fetch("SELECT id, on_duty FROM staff")
    leave = await leave_of(conn, [r["id"] for r in rows])
    return {r["id"]: (r["on_duty"], leave.get(r["id"], [])) for r in rows}
