"""SQL of the published time-limit policies and the working calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from houqin_shared.db import Conn
from tickets.calendar_doc import CalendarDoc
from tickets.recurring import TicketRules


async def upsert_policy(
    conn: Conn,
    code: str,
    version: int,
    calendar: str,
    limits: list[dict[str, Any]],
    active: bool,
    at: datetime,
    reply_minutes: int | None = None,
    escalation: dict[str, Any] | None = None,
) -> bool:
    """Store a catalogue entry's limits, reply deadline and chase unless a newer version is
    stored; True when stored."""
    done = await conn.fetchval(
        "INSERT INTO service_policies (code, version, calendar, limits, active, changed_at,"
        " reply_minutes, escalation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (code) DO UPDATE SET version = EXCLUDED.version,"
        " calendar = EXCLUDED.calendar, limits = EXCLUDED.limits, active = EXCLUDED.active,"
        " changed_at = EXCLUDED.changed_at, reply_minutes = EXCLUDED.reply_minutes,"
        " escalation = EXCLUDED.escalation"
        " WHERE service_policies.version < EXCLUDED.version RETURNING true",
        code,
        version,
        calendar,
        limits,
        active,
        at,
        reply_minutes,
        escalation,
    )
    return bool(done)


async def get_policy(conn: Conn, code: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT code, version, calendar, limits, active, reply_minutes, escalation"
        " FROM service_policies WHERE code = $1 AND active",
        code,
    )
    return dict(row) if row else None


async def get_calendar(conn: Conn) -> CalendarDoc:
    doc = await conn.fetchval("SELECT doc FROM working_calendar")
    return CalendarDoc.model_validate(doc) if doc is not None else CalendarDoc()


async def put_calendar(conn: Conn, doc: CalendarDoc) -> None:
    await conn.execute(
        "INSERT INTO working_calendar (one, doc) VALUES (true, $1) ON CONFLICT (one) DO UPDATE SET doc = EXCLUDED.doc",
        doc.model_dump(mode="json"),
    )


async def get_rules(conn: Conn) -> TicketRules:
    doc = await conn.fetchval("SELECT doc FROM ticket_rules")
    return TicketRules.model_validate(doc) if doc is not None else TicketRules()


async def put_rules(conn: Conn, rules: TicketRules) -> None:
    await conn.execute(
        "INSERT INTO ticket_rules (one, doc) VALUES (true, $1) ON CONFLICT (one) DO UPDATE SET doc = EXCLUDED.doc",
        rules.model_dump(),
    )


async def same_places(
    conn: Conn,
    places: list[tuple[str, str]],
    problems: list[str],
    since: list[datetime],
    at_least: int,
) -> dict[tuple[str, str], list[Any]]:
    """For each (place, category), its tickets opened since the matching `since` (oldest first,
    at most 1000), when there are at least `at_least`; in one query. A place whose problem
    (`problems`, in the same order) was detected since then is skipped without reading its
    tickets: `recurring.mark` would not count it again inside the window."""
    rows = await conn.fetch(
        "SELECT k.place_key, k.category, s.ids FROM (SELECT * FROM unnest($1::text[],"
        " $2::text[], $3::text[], $4::timestamptz[]) AS k(place_key, category, problem, since)"
        " WHERE NOT EXISTS (SELECT FROM recurring_problems p WHERE p.problem_id = k.problem"
        " AND p.last_detected_at >= k.since)) AS k CROSS JOIN LATERAL ("
        " SELECT array_agg(id) AS ids FROM (SELECT id FROM tickets t WHERE"
        " t.place_key = k.place_key AND t.category = k.category AND t.opened_at >= k.since"
        " AND t.merged_into IS NULL"
        " ORDER BY t.opened_at, t.id LIMIT 1000) AS x) AS s WHERE cardinality(s.ids) >= $5",
        [p for p, _ in places],
        [c for _, c in places],
        problems,
        since,
        at_least,
    )
    return {(r["place_key"], r["category"]): list(r["ids"]) for r in rows}


async def open_context(conn: Conn, category: str) -> dict[str, Any]:
    """In one round trip, what opening a ticket reads besides the directory: the directory's
    cache key, the calendar, the rules and the category's published limits."""
    row = await conn.fetchrow(
        "SELECT current_schema() AS schema,"
        " COALESCE((SELECT version FROM directory_version), 0) AS version,"
        " (SELECT doc FROM working_calendar) AS calendar, (SELECT doc FROM ticket_rules) AS rules,"
        " (SELECT limits FROM service_policies WHERE code = $1 AND active) AS limits,"
        " (SELECT calendar FROM service_policies WHERE code = $1 AND active) AS policy_calendar,"
        " (SELECT reply_minutes FROM service_policies WHERE code = $1 AND active) AS reply_minutes,"
        " (SELECT escalation FROM service_policies WHERE code = $1 AND active) AS escalation",
        category,
    )
    assert row is not None
    return dict(row)
