"""Awards' SQL (issue 18): a campaign's award setup, the facts candidates need beyond their
scores (votes, vetoes of posts and service windows, head counts), the decided awards and
publicity (公示). Nominations and objections: repository.nominations."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn, get_row
from scoring.repository import campaigns

AWARD_COLUMNS = (
    "id, campaign_id, kind, kind_name, unit_type, unit_id, unit_name, department_id, place,"
    " score, prize, nomination_id, removed_at"
)


async def set_setup(conn: Conn, campaign_id: UUID, setup: dict[str, Any], by: str) -> None:
    await conn.execute(
        "INSERT INTO award_setups (campaign_id, setup, set_by) VALUES ($1, $2, $3)"
        " ON CONFLICT (campaign_id) DO UPDATE SET setup = EXCLUDED.setup,"
        " set_by = EXCLUDED.set_by, set_at = now()",
        campaign_id,
        setup,
        by,
    )


async def setup(conn: Conn, campaign_id: UUID) -> dict[str, Any] | None:
    found = await conn.fetchval(
        "SELECT setup FROM award_setups WHERE campaign_id = $1", campaign_id
    )
    return dict(found) if found is not None else None


async def votes(
    conn: Conn, campaign_id: UUID, start: datetime, end: datetime
) -> dict[tuple[str, str], int]:
    """Votes (我为你投一票) per unit: cast for the campaign, or for none within its period."""
    rows = await conn.fetch(
        "SELECT unit_type, unit_id, count(*) AS n FROM votes WHERE campaign_id = $1"
        " OR (campaign_id IS NULL AND cast_at >= $2 AND cast_at < $3) GROUP BY 1, 2",
        campaign_id,
        start,
        end,
    )
    return {(r["unit_type"], r["unit_id"]): int(r["n"]) for r in rows}


async def vetoed_units(conn: Conn, start: datetime, end: datetime) -> set[tuple[str, str]]:
    """Posts and service windows with a verified, not overturned incident in the period."""
    rows = await conn.fetch(
        "SELECT DISTINCT unit_type, unit_id FROM incidents"
        " WHERE unit_type IN ('post', 'service_window') AND verified_at IS NOT NULL"
        " AND overturned_at IS NULL AND occurred_at >= $1 AND occurred_at < $2",
        start,
        end,
    )
    return {(r["unit_type"], r["unit_id"]) for r in rows}


async def open_publicity(
    conn: Conn, campaign_id: UUID, by: str, at: datetime, closes: datetime
) -> None:
    await conn.execute(
        "INSERT INTO award_publicity (campaign_id, opened_by, opened_at, closes_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id) DO UPDATE SET"
        " opened_by = EXCLUDED.opened_by, opened_at = EXCLUDED.opened_at,"
        " closes_at = EXCLUDED.closes_at",
        campaign_id,
        by,
        at,
        closes,
    )


async def publicity(conn: Conn, campaign_id: UUID, lock: bool = False) -> dict[str, Any] | None:
    columns = "campaign_id, opened_by, opened_at, closes_at, final_at, final_by"
    return await get_row(conn, "award_publicity", columns, "campaign_id", campaign_id, lock=lock)


async def finalize(conn: Conn, campaign_id: UUID, by: str, at: datetime) -> None:
    await conn.execute(
        "UPDATE award_publicity SET final_at = $2, final_by = $3 WHERE campaign_id = $1",
        campaign_id,
        at,
        by,
    )


async def replace_awards(conn: Conn, campaign_id: UUID, awards: list[tuple[Any, ...]]) -> None:
    """(kind, kind_name, unit_type, unit_id, unit_name, department_id, place, score, prize,
    nomination_id) per award; the decision before is dropped with its objections."""
    await conn.execute("DELETE FROM campaign_awards WHERE campaign_id = $1", campaign_id)
    await conn.executemany(
        "INSERT INTO campaign_awards (campaign_id, kind, kind_name, unit_type, unit_id, unit_name,"
        " department_id, place, score, prize, nomination_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [(campaign_id, *a) for a in awards],
    )


async def awards(conn: Conn, campaign_id: UUID, live: bool = False) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {AWARD_COLUMNS} FROM campaign_awards WHERE campaign_id = $1"
        " AND (NOT $2 OR removed_at IS NULL) ORDER BY id",
        campaign_id,
        live,
    )
    return [dict(r) for r in rows]


async def award(conn: Conn, campaign_id: UUID, award_id: int) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {AWARD_COLUMNS} FROM campaign_awards WHERE campaign_id = $1 AND id = $2",
        campaign_id,
        award_id,
    )
    return dict(row) if row else None


async def remove_award(conn: Conn, award_id: int, at: datetime) -> None:
    await conn.execute("UPDATE campaign_awards SET removed_at = $2 WHERE id = $1", award_id, at)


async def publish_campaign(
    conn: Conn, campaign_id: UUID, by: str, at: datetime, awards: list[Any]
) -> None:
    """Freeze the campaign as `campaigns.publish` does; the public list (published_awards)
    keeps one award per unit, its first."""
    rows = [(a.award, a.unit_type, a.unit_id, a.rank, a.composite) for a in awards]
    await campaigns.publish(conn, campaign_id, by, at, rows, first_per_unit=True)
