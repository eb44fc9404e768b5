"""Directory SQL that takes things out: a post, an assignment of the area map, a person who
leaves (retired: out of their team, posts, lead and head places, off duty, no roles)."""

from __future__ import annotations

import asyncpg

from houqin_shared.db import Conn

UNITS = {"team": "teams", "department": "departments"}


async def post_exists(conn: Conn, post_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM posts WHERE id = $1", post_id))


async def areas_sent_to_post(conn: Conn, post_id: str) -> int:
    """How many assignments of the area map name the post."""
    return int(
        await conn.fetchval("SELECT count(*) FROM responsibilities WHERE post_id = $1", post_id)
    )


async def delete_post(conn: Conn, post_id: str) -> bool:
    return bool(await conn.fetchval("DELETE FROM posts WHERE id = $1 RETURNING true", post_id))


async def delete_responsibility(conn: Conn, area_id: str | None, category: str) -> bool:
    done = await conn.fetchval(
        "DELETE FROM responsibilities WHERE area_key = $1 AND category = $2 RETURNING true",
        area_id or "",
        category,
    )
    return bool(done)


async def retire_staff(conn: Conn, staff_id: str) -> bool:
    """Take the person out of every post, lead and head place and their team; off duty."""
    await conn.execute("UPDATE posts SET primary_id = NULL WHERE primary_id = $1", staff_id)
    await conn.execute("UPDATE posts SET backup_id = NULL WHERE backup_id = $1", staff_id)
    await conn.execute("UPDATE teams SET lead_id = NULL WHERE lead_id = $1", staff_id)
    await conn.execute("UPDATE departments SET head_id = NULL WHERE head_id = $1", staff_id)
    done = await conn.fetchval(
        "UPDATE staff SET team_id = NULL, roles = '{}', on_duty = false WHERE id = $1"
        " RETURNING true",
        staff_id,
    )
    return bool(done)


async def unit_exists(conn: Conn, unit: str, unit_id: str) -> bool:
    return bool(await conn.fetchval(f"SELECT true FROM {UNITS[unit]} WHERE id = $1", unit_id))


async def delete_unit(conn: Conn, unit: str, unit_id: str) -> str | None:
    """Delete a team or department nothing references; otherwise keep it and say which table
    still references it (the schema's foreign keys decide: people, posts, the area map, tickets,
    records of supervision)."""
    try:
        async with conn.transaction():  # a savepoint: a refused delete leaves the caller's open
            await conn.execute(f"DELETE FROM {UNITS[unit]} WHERE id = $1", unit_id)
    except asyncpg.ForeignKeyViolationError as refused:
        return str(getattr(refused, "table_name", "") or "another table")
    return None
