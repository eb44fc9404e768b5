"""Routing without I/O: area responsibility (区域包干) and primary/backup posts (主辅岗)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from houqin_shared.contracts import Location
from tickets.domain import ANY_CATEGORY, Leave, Post, Responsibility


def area_chain(loc: Location, parents: Mapping[str, str | None]) -> list[str]:
    """Known area ids of a location, most specific first (room, floor, building, campus).

    Floor and room areas are named `<building>-<floor>` and `<building>-<floor>-<room>` (a room
    given without its floor matches a room area of that name under any floor of the building).
    """
    b, f, r = loc.building, loc.floor, loc.room
    candidates = []
    if b and f and r:
        candidates.append(f"{b}-{f}-{r}")
    if b and f:
        candidates.append(f"{b}-{f}")
    if b:
        candidates.append(b)
    if b and r and not f:  # a room given without its floor: <building>-<any floor>-<room>
        candidates[:0] = sorted(
            a for a in parents if a.endswith(f"-{r}") and parents.get(parents.get(a) or "") == b
        )
    start = next((c for c in candidates if c in parents), None)
    chain: list[str] = []
    while start is not None and start not in chain:
        chain.append(start)
        start = parents.get(start)
    if loc.campus and loc.campus in parents and loc.campus not in chain:
        chain.append(loc.campus)
    return chain


@dataclass(frozen=True)
class Route:
    department_id: str | None
    team_id: str | None
    post_id: str | None
    rule: Responsibility | None


def route(
    loc: Location,
    category: str,
    parents: Mapping[str, str | None],
    rules: Sequence[Responsibility],
    team_departments: Mapping[str, str],
) -> Route:
    """The most specific area wins, then an exact category over the wildcard; a rule without a
    team sends the ticket to its department's dispatch queue; no rule: unrouted."""
    chain: list[str | None] = [*area_chain(loc, parents), None]
    best: tuple[int, int] | None = None
    found: Responsibility | None = None
    for r in rules:
        if r.area_id not in chain or r.category not in (category, ANY_CATEGORY):
            continue
        rank = (chain.index(r.area_id), 0 if r.category == category else 1)
        if best is None or rank < best:
            best, found = rank, r
    if found is None:
        return Route(None, None, None, None)
    dept = team_departments.get(found.team_id) if found.team_id else None
    return Route(dept or found.department_id, found.team_id, found.post_id, found)


@dataclass(frozen=True)
class Availability:
    on_duty: bool
    leave: Sequence[Leave]

    def available(self, at: datetime) -> bool:
        return self.on_duty and not any(lv.start <= at < lv.end for lv in self.leave)


def pick_post(team_id: str, post_id: str | None, posts: Sequence[Post]) -> Post | None:
    """The named post, else the team's first post by id."""
    mine = sorted((p for p in posts if p.team_id == team_id), key=lambda p: p.id)
    if post_id:
        return next((p for p in mine if p.id == post_id), None)
    return mine[0] if mine else None


def assignee(
    post: Post | None, staff: Mapping[str, Availability], at: datetime
) -> tuple[str, Literal["primary", "backup"]] | None:
    """The on-duty primary; the backup when the primary is on leave or off duty; else nobody
    (the ticket waits in the team's queue for its lead)."""
    if post is None:
        return None
    options: tuple[tuple[str | None, Literal["primary", "backup"]], ...] = (
        (post.primary_id, "primary"),
        (post.backup_id, "backup"),
    )
    for who, via in options:
        s = staff.get(who) if who else None
        if who and s is not None and s.available(at):
            return who, via
    return None
