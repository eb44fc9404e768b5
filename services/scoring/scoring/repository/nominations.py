"""Nominations (推荐表) with their audited sign-offs, and objections during publicity (公示)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from houqin_shared.db import Conn, get_row

COLUMNS = (
    "id, campaign_id, kind, unit_type, unit_id, unit_name, department_id, team_id, deeds,"
    " attachments, status, step, chain, score, nominated_by, created_at, updated_at"
)
OBJECTION_COLUMNS = (
    "o.id, o.campaign_id, o.award_id, o.reason, o.raised_by, o.raised_at, o.upheld, o.answer,"
    " o.answered_by, o.answered_at, a.kind_name, a.unit_name"
)


async def live_per_department(conn: Conn, campaign_id: UUID, kind: str) -> dict[str, int]:
    """Nominations of the kind holding a quota place (not rejected) per department id."""
    rows = await conn.fetch(
        "SELECT COALESCE(department_id, '') AS d, count(*) AS n FROM nominations"
        " WHERE campaign_id = $1 AND kind = $2 AND status <> 'rejected' GROUP BY 1",
        campaign_id,
        kind,
    )
    return {r["d"]: int(r["n"]) for r in rows}


async def lock_kind(conn: Conn, campaign_id: UUID, kind: str) -> None:
    """One nomination of a kind at a time per campaign, so two cannot both take the last place."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('scoring-nominate/' || $1::text || $2, 0))",
        str(campaign_id),
        kind,
    )


async def insert(conn: Conn, n: dict[str, Any]) -> dict[str, Any]:
    row = await conn.fetchrow(
        "INSERT INTO nominations (id, campaign_id, kind, unit_type, unit_id, unit_name,"
        " department_id, team_id, deeds, attachments, status, step, chain, score, nominated_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'in_review', 0, $11, $12, $13)"
        f" ON CONFLICT DO NOTHING RETURNING {COLUMNS}",
        n["id"], n["campaign_id"], n["kind"], n["unit_type"], n["unit_id"], n["unit_name"],
        n["department_id"], n["team_id"], n["deeds"], n["attachments"], n["chain"], n["score"],
        n["nominated_by"],
    )  # fmt: skip
    return dict(row) if row else {}


async def get(conn: Conn, nomination_id: UUID, lock: bool = False) -> dict[str, Any] | None:
    return await get_row(conn, "nominations", COLUMNS, "id", nomination_id, lock=lock)


async def of_campaign(
    conn: Conn, campaign_id: UUID, department_id: str | None, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM nominations WHERE campaign_id = $1"
        " AND ($2::text IS NULL OR department_id = $2) ORDER BY kind, created_at, id LIMIT $3",
        campaign_id,
        department_id,
        limit,
    )
    return [dict(r) for r in rows]


async def move(
    conn: Conn, nomination_id: UUID, status: str, step: int, deeds: str | None = None,
    attachments: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    row = await conn.fetchrow(
        "UPDATE nominations SET status = $2, step = $3, deeds = COALESCE($4, deeds),"
        " attachments = COALESCE($5, attachments), updated_at = now() WHERE id = $1"
        f" RETURNING {COLUMNS}",
        nomination_id, status, step, deeds, attachments,
    )  # fmt: skip
    assert row is not None
    return dict(row)


async def sign(
    conn: Conn, nomination_id: UUID, step: str, decision: str, comment: str, by: str,
    name: str | None,
) -> None:  # fmt: skip
    await conn.execute(
        "INSERT INTO nomination_signoffs (nomination_id, step, decision, comment, signed_by,"
        " signed_name) VALUES ($1, $2, $3, $4, $5, $6)",
        nomination_id, step, decision, comment, by, name,
    )  # fmt: skip


async def signoffs(conn: Conn, nomination_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    rows = await conn.fetch(
        "SELECT nomination_id, step, decision, comment, signed_by, signed_name, signed_at"
        " FROM nomination_signoffs WHERE nomination_id = ANY($1) ORDER BY id",
        nomination_ids,
    )
    out: dict[UUID, list[dict[str, Any]]] = {n: [] for n in nomination_ids}
    for r in rows:
        out[r["nomination_id"]].append(dict(r))
    return out


async def object_to(conn: Conn, o: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO award_objections (id, campaign_id, award_id, reason, raised_by)"
        " VALUES ($1, $2, $3, $4, $5)",
        o["id"], o["campaign_id"], o["award_id"], o["reason"], o["raised_by"],
    )  # fmt: skip


async def objection(conn: Conn, objection_id: UUID, lock: bool = False) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {OBJECTION_COLUMNS} FROM award_objections o JOIN campaign_awards a"
        " ON a.id = o.award_id WHERE o.id = $1" + (" FOR UPDATE OF o" if lock else ""),
        objection_id,
    )
    return dict(row) if row else None


async def objections(conn: Conn, campaign_id: UUID, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {OBJECTION_COLUMNS} FROM award_objections o JOIN campaign_awards a"
        " ON a.id = o.award_id WHERE o.campaign_id = $1 ORDER BY o.raised_at, o.id LIMIT $2",
        campaign_id,
        limit,
    )
    return [dict(r) for r in rows]


async def answer(conn: Conn, objection_id: UUID, upheld: bool, text: str, by: str) -> None:
    await conn.execute(
        "UPDATE award_objections SET upheld = $2, answer = $3, answered_by = $4,"
        " answered_at = now() WHERE id = $1",
        objection_id,
        upheld,
        text,
        by,
    )


async def unanswered(conn: Conn, campaign_id: UUID) -> int:
    n = await conn.fetchval(
        "SELECT count(*) FROM award_objections WHERE campaign_id = $1 AND upheld IS NULL",
        campaign_id,
    )
    return int(n or 0)


async def staff_names(conn: Conn, ids: list[str]) -> dict[str, str]:
    rows = await conn.fetch("SELECT id, name FROM staff WHERE id = ANY($1)", ids)
    return {r["id"]: r["name"] for r in rows}
