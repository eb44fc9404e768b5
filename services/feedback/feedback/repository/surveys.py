"""Surveys, their tokens, responses and results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn, get_row

_SURVEY = (
    "id, campaign_id, title, period_start, period_end, questions, units, created_at, closed_at"
)


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _SURVEY.split(","))


async def insert_survey(conn: Conn, row: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO surveys (id, campaign_id, title, period_start, period_end, questions, units,"
        " created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        row["id"],
        row["campaign_id"],
        row["title"],
        row["period_start"],
        row["period_end"],
        row["questions"],
        row["units"],
        row["created_by"],
        row["created_at"],
    )


async def get_survey(
    conn: Conn, survey_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    return await get_row(conn, "surveys", _SURVEY, "id", survey_id, lock=for_update)


async def issue_tokens(
    conn: Conn, survey_id: UUID, hashes: dict[str, str], at: datetime
) -> list[str]:
    """Store token hashes for users (user -> hash); returns the users who got a new one (a user
    who already has a link keeps it)."""
    rows = await conn.fetch(
        "INSERT INTO survey_tokens (token_hash, survey_id, issued_to, issued_at)"
        " SELECT h, $1, u, $4 FROM unnest($2::text[], $3::text[]) AS t(u, h)"
        " ON CONFLICT DO NOTHING RETURNING issued_to",
        survey_id,
        list(hashes),
        list(hashes.values()),
        at,
    )
    return [r["issued_to"] for r in rows]


async def survey_of_token(
    conn: Conn, token_hash: str, *, for_share: bool = False
) -> dict[str, Any] | None:
    lock = " FOR SHARE OF s" if for_share else ""
    row = await conn.fetchrow(
        f"SELECT {_cols('s')}, t.used"
        f" FROM survey_tokens t JOIN surveys s ON s.id = t.survey_id WHERE t.token_hash = $1{lock}",
        token_hash,
    )
    return dict(row) if row else None


async def use_token(conn: Conn, token_hash: str) -> bool:
    """Spend a token; False when it was already used (one answer each, also under races). The
    token keeps no time of use: joined to a response's time, it would name the respondent."""
    done = await conn.fetchval(
        "UPDATE survey_tokens SET used = true WHERE token_hash = $1 AND NOT used"
        " RETURNING token_hash",
        token_hash,
    )
    return done is not None


async def insert_response(
    conn: Conn, response_id: UUID, survey_id: UUID, at: datetime, scores: list[dict[str, Any]]
) -> None:
    await conn.execute(  # the day only: a precise time would single out who answered
        "INSERT INTO survey_responses (id, survey_id, responded_at)"
        " VALUES ($1, $2, date_trunc('day', $3::timestamptz))",
        response_id,
        survey_id,
        at,
    )
    await conn.executemany(
        "INSERT INTO survey_scores (response_id, survey_id, unit_type, unit_id, score)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(response_id, survey_id, s["unit_type"], s["unit_id"], s["score"]) for s in scores],
    )


async def results(conn: Conn, survey_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT unit_type, unit_id, round(avg(score)::numeric, 2)::float8 AS score,"
        " count(*)::int AS responses FROM survey_scores WHERE survey_id = $1"
        " GROUP BY unit_type, unit_id ORDER BY unit_type, unit_id",
        survey_id,
    )
    return [dict(r) for r in rows]


async def close(conn: Conn, survey_id: UUID, at: datetime) -> bool:
    done = await conn.fetchval(
        "UPDATE surveys SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL RETURNING id",
        survey_id,
        at,
    )
    if done is not None:
        await _reseal_tokens(conn, [survey_id])
    return done is not None


async def _reseal_tokens(conn: Conn, survey_ids: list[UUID]) -> None:
    """Write the used links of closed surveys again, all in this one transaction: a link spent
    in the transaction that stored its answer shared that transaction's id (xmin) with the
    answer, which a database administrator could join; now they all carry this one."""
    await conn.execute(
        "UPDATE survey_tokens SET used = true WHERE survey_id = ANY($1::uuid[]) AND used",
        survey_ids,
    )


async def close_due(
    conn: Conn, ended_before: date, at: datetime, limit: int
) -> list[dict[str, Any]]:
    """Close open surveys whose period ended before `ended_before`; returns them. Rows another
    replica (or a supervisor's close, or an answer being stored) holds are skipped, never taken
    twice."""
    rows = await conn.fetch(
        "UPDATE surveys s SET closed_at = $2"
        " FROM (SELECT id FROM surveys WHERE closed_at IS NULL AND period_end < $1"
        "       ORDER BY period_end, id LIMIT $3 FOR UPDATE SKIP LOCKED) due"
        f" WHERE s.id = due.id AND s.closed_at IS NULL RETURNING {_cols('s')}",
        ended_before,
        at,
        limit,
    )
    if rows:
        await _reseal_tokens(conn, [r["id"] for r in rows])
    return [dict(r) for r in rows]


async def counts(conn: Conn, survey_id: UUID) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT count(*)::int AS issued, count(*) FILTER (WHERE used)::int AS answered"
        " FROM survey_tokens"
        " WHERE survey_id = $1",
        survey_id,
    )
    assert row is not None
    return dict(row)


async def list_surveys(conn: Conn, limit: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT s.id, s.title, s.period_start, s.period_end, jsonb_array_length(s.units) AS units,"
        " s.created_at, s.closed_at,"
        " (SELECT count(*) FROM survey_tokens t WHERE t.survey_id = s.id)::int AS issued,"
        " (SELECT count(*) FROM survey_tokens t WHERE t.survey_id = s.id AND t.used)::int"
        " AS answered FROM surveys s ORDER BY s.created_at DESC, s.id LIMIT $1",
        limit,
    )
    return [dict(r) for r in rows]
