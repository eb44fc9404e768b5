"""Rules, template overrides, channels and preferences: the data that steers notify."""

from __future__ import annotations

from typing import Any

from houqin_shared.db import Conn
from notify.domain import Rule

_RULE = "id, event_type, match, audience, kind, priority, channels, template, enabled"


def _rule(row: Any) -> Rule:
    return Rule(
        id=row["id"],
        event_type=row["event_type"],
        match=dict(row["match"]),
        audience=row["audience"],
        kind=row["kind"],
        priority=row["priority"],
        channels=tuple(row["channels"]),
        template=row["template"],
        enabled=row["enabled"],
    )


async def snapshot(conn: Conn, event_type: str) -> dict[str, Any]:
    """In one round trip: the event type's enabled rules, the enabled channels, the template
    overrides those rules use."""
    row = await conn.fetchrow(
        "WITH r AS (SELECT * FROM rules WHERE event_type = $1 AND enabled)"
        " SELECT (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]') FROM r) AS rules,"
        " (SELECT coalesce(array_agg(name), '{}') FROM channels WHERE enabled) AS channels,"
        " (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'lang', t.lang,"
        "  'subject', t.subject, 'body', t.body)), '[]') FROM templates t"
        "  WHERE t.name IN (SELECT template FROM r)) AS templates",
        event_type,
    )
    assert row is not None
    return {
        "rules": [_rule(r) for r in row["rules"]],
        "channels": set(row["channels"]),
        "templates": {(t["name"], t["lang"]): t for t in row["templates"]},
    }


async def rules(conn: Conn) -> list[Rule]:
    return [_rule(r) for r in await conn.fetch(f"SELECT {_RULE} FROM rules ORDER BY id")]


async def rule(conn: Conn, rule_id: int) -> Rule | None:
    row = await conn.fetchrow(f"SELECT {_RULE} FROM rules WHERE id = $1", rule_id)
    return _rule(row) if row else None


# A rule's fields in the order add_rule and update_rule bind them (update_rule: after its id).
_RULE_FIELDS = (
    "event_type",
    "match",
    "audience",
    "kind",
    "priority",
    "channels",
    "template",
    "enabled",
)


async def add_rule(conn: Conn, r: dict[str, Any]) -> Rule | None:
    row = await conn.fetchrow(
        "INSERT INTO rules (event_type, match, audience, kind, priority, channels, template,"
        " enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING"
        f" RETURNING {_RULE}",
        *(r[k] for k in _RULE_FIELDS),
    )
    return _rule(row) if row else None


async def update_rule(conn: Conn, rule_id: int, r: dict[str, Any]) -> Rule | None:
    row = await conn.fetchrow(
        "UPDATE rules SET event_type = $2, match = $3, audience = $4, kind = $5, priority = $6,"
        f" channels = $7, template = $8, enabled = $9 WHERE id = $1 RETURNING {_RULE}",
        rule_id,
        *(r[k] for k in _RULE_FIELDS),
    )
    return _rule(row) if row else None


async def rule_clash(conn: Conn, r: dict[str, Any], other_than: int | None) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM rules WHERE event_type = $1 AND match = $2 AND audience = $3"
        " AND id IS DISTINCT FROM $4",
        r["event_type"],
        r["match"],
        r["audience"],
        other_than,
    )
    return found is not None


async def delete_rule(conn: Conn, rule_id: int) -> bool:
    return await conn.fetchval("DELETE FROM rules WHERE id = $1 RETURNING id", rule_id) is not None


async def template_overrides(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT name, lang, subject, body, updated_at FROM templates ORDER BY name, lang"
    )
    return [dict(r) for r in rows]


async def put_template(conn: Conn, name: str, lang: str, subject: str, body: str) -> None:
    await conn.execute(
        "INSERT INTO templates (name, lang, subject, body) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (name, lang) DO UPDATE SET subject = $3, body = $4, updated_at = now()",
        name,
        lang,
        subject,
        body,
    )


async def delete_template(conn: Conn, name: str, lang: str) -> bool:
    done = await conn.fetchval(
        "DELETE FROM templates WHERE name = $1 AND lang = $2 RETURNING name", name, lang
    )
    return done is not None


async def channels(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT name, type, settings, enabled, rate_per_s, burst FROM channels ORDER BY name"
    )
    return [dict(r) for r in rows]


async def channel(conn: Conn, name: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT name, type, settings, enabled, rate_per_s, burst FROM channels WHERE name = $1",
        name,
    )
    return dict(row) if row else None


async def put_channel(
    conn: Conn,
    name: str,
    settings: dict[str, Any],
    enabled: bool,
    rate_per_s: float | None,
    burst: int,
) -> None:
    await conn.execute(
        "INSERT INTO channels (name, type, settings, enabled, rate_per_s, burst, tokens)"
        " VALUES ($1, $1, $2, $3, $4, $5::int, $5::int) ON CONFLICT (name) DO UPDATE"
        " SET settings = $2, enabled = $3, rate_per_s = $4, burst = $5::int, tokens = $5::int,"
        " refilled_at = now()",
        name,
        settings,
        enabled,
        rate_per_s,
        burst,
    )


async def preferences(conn: Conn, person_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT person_id, lang, channels, quiet_start, quiet_end, timezone, digest, digest_at"
        " FROM preferences WHERE person_id = $1",
        person_id,
    )
    return dict(row) if row else None


async def put_preferences(conn: Conn, person_id: str, p: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO preferences (person_id, lang, channels, quiet_start, quiet_end, timezone,"
        " digest, digest_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (person_id)"
        " DO UPDATE SET lang = $2, channels = $3, quiet_start = $4, quiet_end = $5,"
        " timezone = $6, digest = $7, digest_at = $8, updated_at = now()",
        person_id,
        p["lang"],
        p["channels"],
        p["quiet_start"],
        p["quiet_end"],
        p["timezone"],
        p["digest"],
        p["digest_at"],
    )
