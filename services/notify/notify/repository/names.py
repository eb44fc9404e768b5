"""The names messages use (table `names`, the directory read model) and what each ticket is
about (`ticket_facts`, from TicketOpened)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.contracts.base import Event
from houqin_shared.db import Conn
from notify.names import Names, Wanted, ticket_of


async def store(conn: Conn, kind: str, rows: Iterable[tuple[str, str, str | None]]) -> int:
    """Take (code, name, English name) rows of one kind, as fetched; returns how many."""
    batch = list(rows)
    if batch:
        await conn.execute(
            "INSERT INTO names (kind, code, name, name_en)"
            " SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])"
            " ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name,"
            " name_en = excluded.name_en, updated_at = now()"
            " WHERE (names.name, names.name_en) IS DISTINCT FROM (excluded.name, excluded.name_en)",
            kind,
            [r[0] for r in batch],
            [r[1] for r in batch],
            [r[2] for r in batch],
        )
    return len(batch)


async def mark_fetched(conn: Conn) -> None:
    await conn.execute(
        "INSERT INTO names_state (fetched_at) VALUES (now())"
        " ON CONFLICT (only_row) DO UPDATE SET fetched_at = now()"
    )


async def ever_fetched(conn: Conn) -> bool:
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM names_state)"))


async def fetched_at(conn: Conn) -> datetime | None:
    """When the names were last fetched (None: never)."""
    value: datetime | None = await conn.fetchval("SELECT max(fetched_at) FROM names_state")
    return value


async def load(conn: Conn, wanted: Wanted) -> Names:
    """The names of what `wanted` lists, in one round trip."""
    units = sorted(wanted.units)
    row = await conn.fetchrow(
        "SELECT"
        " (SELECT coalesce(jsonb_agg(jsonb_build_array(code, name, name_en)), '[]') FROM names"
        "  WHERE kind = 'category' AND code = ANY($1::text[])) AS categories,"
        " (SELECT coalesce(jsonb_agg(jsonb_build_array(code, name, name_en)), '[]') FROM names"
        "  WHERE kind = 'area' AND code = ANY($2::text[])) AS areas,"
        " (SELECT coalesce(jsonb_agg(jsonb_build_array(u.kind, u.id, coalesce(d.name, n.name),"
        "   n.name_en)), '[]')"
        "  FROM unnest($3::text[], $4::text[]) AS u(kind, id)"
        "  LEFT JOIN directory_units d ON d.kind = u.kind AND d.id = u.id"
        "  LEFT JOIN names n ON n.kind = u.kind AND n.code = u.id"
        "  WHERE coalesce(d.name, n.name) IS NOT NULL) AS units,"
        " (SELECT coalesce(jsonb_agg(jsonb_build_array(id, name)), '[]') FROM directory_staff"
        "  WHERE id = ANY($5::text[])) AS people",
        sorted(wanted.categories),
        sorted(wanted.areas),
        [u[0] for u in units],
        [u[1] for u in units],
        sorted(wanted.people),
    )
    assert row is not None

    def rows(column: str) -> list[list[Any]]:
        value = row[column]
        return list(json.loads(value) if isinstance(value, str) else value)

    categories = {c: (zh, en or zh) for c, zh, en in rows("categories")}
    areas = {c: (zh, en or zh) for c, zh, en in rows("areas")}
    return Names(
        categories=categories,
        areas=areas,
        units={(k, i): (zh, en or zh) for k, i, zh, en in rows("units")},
        people={i: zh for i, zh in rows("people")},
        missing=frozenset((wanted.categories - categories.keys()) | (wanted.areas - areas.keys())),
    )


async def remember_tickets(conn: Conn, opened: list[dict[str, Any]]) -> None:
    """What each newly opened ticket is about (TicketOpened's fields as JSON values)."""
    if not opened:
        return
    await conn.execute(
        "INSERT INTO ticket_facts (ticket_id, report_id, tracking_no, kind, category, urgency,"
        " location) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],"
        " $5::text[], $6::text[], $7::jsonb[]) ON CONFLICT (ticket_id) DO NOTHING",
        [o["ticket_id"] for o in opened],
        [o.get("report_id") for o in opened],
        [o.get("tracking_no") for o in opened],
        [o.get("kind") for o in opened],
        [o["category"] for o in opened],
        [o.get("urgency") for o in opened],
        [o.get("location") or {} for o in opened],
    )


async def ticket_facts(conn: Conn, ticket_ids: list[UUID]) -> dict[str, dict[str, Any]]:
    """ticket id (text) -> {kind, category, urgency, location} of the tickets notify saw open."""
    if not ticket_ids:
        return {}
    rows = await conn.fetch(
        "SELECT ticket_id, kind, category, urgency, location FROM ticket_facts"
        " WHERE ticket_id = ANY($1::uuid[])",
        ticket_ids,
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        loc = r["location"]
        out[str(r["ticket_id"])] = {
            "kind": r["kind"],
            "category": r["category"],
            "urgency": r["urgency"],
            "location": json.loads(loc) if isinstance(loc, str) else loc,
        }
    return out


async def for_events(
    conn: Conn, events: Iterable[Event]
) -> tuple[Names, dict[str, dict[str, Any]]]:
    """The names the events' messages need, and what their tickets are about (by ticket id)."""
    evs = list(events)
    facts = await ticket_facts(conn, [t for e in evs if (t := ticket_of(e)) is not None])
    wanted = Wanted()
    for e in evs:
        wanted.add(e.model_dump(mode="json"))
    for f in facts.values():
        wanted.add(f)
    return await load(conn, wanted), facts
