"""Route a ticket with what the directory holds (reads through the repository; no SQL here).

The directory is read once per (schema, version) and kept: every directory change (import,
duty, leave) bumps the version in its transaction, so a handler never routes on stale data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from houqin_shared.contracts import Location
from houqin_shared.db import Conn
from tickets.domain import Post, Responsibility
from tickets.repository import directory as repo
from tickets.routing import Availability, Route, assignee, pick_post, route


@dataclass(frozen=True)
class DirectoryView:
    parents: dict[str, str | None]
    rules: list[Responsibility]
    team_departments: dict[str, str]
    posts: list[Post]
    staff: dict[str, Availability]
    leads: dict[str, str | None] = field(default_factory=dict)
    heads: dict[str, str | None] = field(default_factory=dict)
    supervisors: list[str] = field(default_factory=list)


_CACHE: dict[str, tuple[int, DirectoryView]] = {}


async def view(conn: Conn, key: tuple[str, int] | None = None) -> DirectoryView:
    """The directory for routing; `key` (schema, version) when the caller already read it."""
    schema, version = key or await repo.version(conn)
    cached = _CACHE.get(schema)
    if cached is not None and cached[0] == version:
        return cached[1]
    data = await repo.routing_data(conn)
    v = DirectoryView(
        parents=data["parents"],
        rules=data["rules"],
        team_departments=data["team_departments"],
        posts=[Post.model_validate(p) for p in await repo.all_posts(conn)],
        staff={
            k: Availability(on, lv) for k, (on, lv) in (await repo.all_availability(conn)).items()
        },
        leads=data["leads"],
        heads=data["heads"],
        supervisors=data["supervisors"],
    )
    if len(_CACHE) > 64:  # test runs make many schemas
        _CACHE.clear()
    _CACHE[schema] = (version, v)
    return v


async def find_route(conn: Conn, loc: Location, category: str) -> Route:
    v = await view(conn)
    return route(loc, category, v.parents, v.rules, v.team_departments)


async def find_assignee(
    conn: Conn, team_id: str | None, post_id: str | None, at: datetime
) -> tuple[str, Literal["primary", "backup"]] | None:
    if team_id is None:
        return None
    v = await view(conn)
    return assignee(pick_post(team_id, post_id, v.posts), v.staff, at)
