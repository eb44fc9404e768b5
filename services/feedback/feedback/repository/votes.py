"""Ballots, their options and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from houqin_shared.db import Conn


async def insert_ballot(conn: Conn, row: dict[str, Any], options: list[dict[str, Any]]) -> None:
    await conn.execute(
        "INSERT INTO ballots (id, campaign_id, title, opens_at, closes_at, created_by, created_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7)",
        row["id"],
        row["campaign_id"],
        row["title"],
        row["opens_at"],
        row["closes_at"],
        row["created_by"],
        row["created_at"],
    )
    await conn.executemany(
        "INSERT INTO ballot_options (ballot_id, unit_type, unit_id, label) VALUES ($1,$2,$3,$4)",
        [(row["id"], o["unit_type"], o["unit_id"], o["label"]) for o in options],
    )


async def get_ballot(
    conn: Conn, ballot_id: UUID, *, lock: Literal["", "share", "update"] = ""
) -> dict[str, Any] | None:
    """The ballot; `lock` "share" (a vote) waits for a close in progress, "update" (a close)
    for the votes being stored."""
    suffix = f" FOR {lock.upper()}" if lock else ""
    row = await conn.fetchrow(
        f"SELECT id, campaign_id, title, opens_at, closes_at FROM ballots WHERE id = $1{suffix}",
        ballot_id,
    )
    return dict(row) if row else None


async def close_ballot(conn: Conn, ballot_id: UUID, at: datetime) -> dict[str, Any]:
    """Close it at `at` (one not yet open: it opens and closes then, with no votes)."""
    row = await conn.fetchrow(
        "UPDATE ballots SET closes_at = $2, opens_at = least(opens_at, $2) WHERE id = $1"
        " RETURNING id, campaign_id, title, opens_at, closes_at",
        ballot_id,
        at,
    )
    assert row is not None
    return dict(row)


async def list_ballots(conn: Conn, open_at: datetime | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, campaign_id, title, opens_at, closes_at FROM ballots"
        " WHERE $1::timestamptz IS NULL OR (opens_at <= $1 AND closes_at > $1)"
        " ORDER BY opens_at DESC LIMIT 200",
        open_at,
    )
    return [dict(r) for r in rows]


async def options_of(conn: Conn, ballot_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT o.unit_type, o.unit_id, o.label, count(v.id) AS votes FROM ballot_options o"
        " LEFT JOIN votes v ON v.ballot_id = o.ballot_id AND v.unit_type = o.unit_type"
        "  AND v.unit_id = o.unit_id WHERE o.ballot_id = $1"
        " GROUP BY o.unit_type, o.unit_id, o.label ORDER BY votes DESC, o.unit_type, o.unit_id",
        ballot_id,
    )
    return [dict(r) for r in rows]


async def insert_vote(conn: Conn, row: dict[str, Any]) -> bool:
    """False when this person already voted in this ballot (under the keyed voter key, or under
    the unkeyed one of a vote cast before keys were keyed)."""
    done = await conn.fetchval(
        "INSERT INTO votes (id, ballot_id, voter_key, unit_type, unit_id, cast_at, keyed)"
        " SELECT $1,$2,$3,$4,$5,$6,true WHERE EXISTS (SELECT 1 FROM ballot_options"
        "  WHERE ballot_id = $2 AND unit_type = $4 AND unit_id = $5)"
        " AND NOT EXISTS (SELECT 1 FROM votes WHERE ballot_id = $2 AND voter_key = $7)"
        " ON CONFLICT (ballot_id, voter_key) DO NOTHING RETURNING id",
        row["id"],
        row["ballot_id"],
        row["voter_key"],
        row["unit_type"],
        row["unit_id"],
        row["cast_at"],
        row["legacy_key"],
    )
    return done is not None


async def has_option(conn: Conn, ballot_id: UUID, unit_type: str, unit_id: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM ballot_options WHERE ballot_id = $1 AND unit_type = $2 AND unit_id = $3",
        ballot_id,
        unit_type,
        unit_id,
    )
    return found is not None
