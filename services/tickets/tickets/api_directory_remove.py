"""Take things out of the directory (admins): a post, an assignment of the area map, a person
who leaves (retired), a team or department nothing references. Each change bumps the directory version (routing reads the new map at
once) and publishes DirectoryUpdated with what changed (a post or an assignment is not in the
events: an update with no entries keeps readers' copies in step)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from tickets import directory_events
from tickets.deps import Admin
from tickets.domain import CODE
from tickets.repository import directory as repo
from tickets.repository import directory_remove as remove_repo

router = APIRouter()
Code = Annotated[str, Path(pattern=CODE, max_length=64)]
AreaParam = Annotated[
    str | None, Query(pattern=CODE, max_length=64, description="The area; absent: everywhere.")
]
CategoryParam = Annotated[
    str,
    Query(pattern=r"^(\*|[a-z0-9][a-z0-9_.-]{0,63})$", description="A service code, or * (any)."),
]


@router.delete(
    "/posts/{post_id}",
    status_code=204,
    responses=refusals("post-not-found", "post-in-use", "validation"),
)
async def delete_post(post_id: Code, _: Admin, pool: DbPool) -> Response:
    """Remove a post (主辅岗) the area map no longer sends work to."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        if not await remove_repo.post_exists(conn, post_id):
            raise problem("post-not-found", f"no post {post_id}")
        used = await remove_repo.areas_sent_to_post(conn, post_id)
        if used:
            raise problem("post-in-use", f"{used} assignments of the area map name {post_id}")
        await remove_repo.delete_post(conn, post_id)
        await directory_events.publish_version(conn)
    return Response(status_code=204)


@router.delete(
    "/responsibilities",
    status_code=204,
    responses=refusals("responsibility-not-found", "validation"),
)
async def delete_responsibility(
    category: CategoryParam, _: Admin, pool: DbPool, area_id: AreaParam = None
) -> Response:
    """Remove one assignment of the area map (area x category); routing falls back to the
    next wider area, or the wildcard category."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        if not await remove_repo.delete_responsibility(conn, area_id, category):
            raise problem(
                "responsibility-not-found", f"no assignment {area_id or '*'} x {category}"
            )
        await directory_events.publish_version(conn)
    return Response(status_code=204)


async def _remove_unit(pool: Any, unit: str, unit_id: str) -> Response:
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        if not await remove_repo.unit_exists(conn, unit, unit_id):
            raise problem(f"{unit}-not-found", f"no {unit} {unit_id}")
        used_by = await remove_repo.delete_unit(conn, unit, unit_id)
        if used_by is not None:
            raise problem(f"{unit}-in-use", f"{used_by} still names {unit} {unit_id}")
        await directory_events.publish_version(conn)
    return Response(status_code=204)


@router.delete(
    "/teams/{team_id}",
    status_code=204,
    responses=refusals("team-not-found", "team-in-use", "validation"),
)
async def delete_team(team_id: Code, _: Admin, pool: DbPool) -> Response:
    """Remove a team no one, no post, no assignment of the area map and no ticket or record
    names (409 team-in-use otherwise: move or retire those first)."""
    return await _remove_unit(pool, "team", team_id)


@router.delete(
    "/departments/{department_id}",
    status_code=204,
    responses=refusals("department-not-found", "department-in-use", "validation"),
)
async def delete_department(department_id: Code, _: Admin, pool: DbPool) -> Response:
    """Remove a department no team, person, service, ticket or record names (409
    department-in-use otherwise)."""
    return await _remove_unit(pool, "department", department_id)


@router.post(
    "/staff/{staff_id}/retire",
    responses=refusals("staff-not-found", "validation"),
)
async def retire_staff(staff_id: Code, _: Admin, pool: DbPool) -> dict[str, Any]:
    """A person who leaves: out of their team, every post (its backup then takes the work),
    lead and head place, off duty, no roles. Their record stays for the history of tickets."""
    async with pool.acquire() as conn, conn.transaction():
        await repo.lock(conn)
        before = await repo.read(conn)
        if not await remove_repo.retire_staff(conn, staff_id):
            raise problem("staff-not-found", f"no staff {staff_id}")
        await directory_events.publish(conn, before)
        found = await repo.get_staff(conn, staff_id)
        return {**(found or {}), "leave": await repo.leave_rows(conn, staff_id)}
