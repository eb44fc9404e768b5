"""Set-based loading of everything a campaign's scores need, and storing the scores."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from scoring.domain import STAGES, Incident, Metrics
from scoring.domain_ranking import Unit
from scoring.repository import totals

_INT_FIELDS = (
    "volume",
    "closed",
    "passed",
    "ratings",
    "rating_points",
    "confirmed",
    "auto_confirmed",
    "fix_rejected",
    "survey_responses",
    "overdue",
    "transfers",
    "praises",
    "rectifications_passed",
    "rectifications_failed",
    "recurring_problems",
    "recurring_weight",
    "votes",
    "quality_inspections",
    "safety_inspections",
)
_FRACTION_FIELDS = ("survey_points", "inspection_points")


def _fraction(value: Any) -> Fraction:
    return Fraction(Decimal(value)) if isinstance(value, Decimal) else Fraction(value or 0)


async def units(conn: Conn, departments: list[str] | None) -> list[Unit]:
    """Departments evaluated (all when null), their teams and their staff."""
    rows = await conn.fetch(
        "WITH d AS (SELECT id, name FROM departments WHERE $1::text[] IS NULL OR id = ANY($1))"
        " SELECT 'department' AS unit_type, id AS unit_id, name, NULL AS team_id,"
        "        id AS department_id FROM d"
        " UNION ALL SELECT 'team', t.id, t.name, t.id, t.department_id"
        "   FROM teams t JOIN d ON d.id = t.department_id"
        " UNION ALL SELECT 'staff', s.id, s.name, s.team_id, d.id FROM staff s"
        "   LEFT JOIN teams t ON t.id = s.team_id"
        "   JOIN d ON d.id = COALESCE(s.department_id, t.department_id)"
        " ORDER BY 1, 2",
        departments,
    )
    return [
        Unit(r["unit_type"], r["unit_id"], r["name"], r["team_id"], r["department_id"])
        for r in rows
    ]


def _add(m: Metrics, row: dict[str, Any]) -> None:
    for name, value in row.items():
        if not value:  # most columns of a combination are zero
            continue
        if name in _INT_FIELDS:
            setattr(m, name, getattr(m, name) + int(value or 0))
        elif name in _FRACTION_FIELDS:
            setattr(m, name, getattr(m, name) + _fraction(value))
        elif name.endswith(("_done", "_on_time")):
            stage, _, what = name.partition("_")
            if stage in STAGES:
                target = m.stage_done if what == "done" else m.stage_on_time
                target[stage] = target.get(stage, 0) + int(value or 0)


async def team_departments(conn: Conn) -> dict[str, str | None]:
    return {
        r["id"]: r["department_id"] for r in await conn.fetch("SELECT id, department_id FROM teams")
    }


def roll_up(
    totals: dict[tuple[str | None, str | None, str | None], dict[str, Any]],
    team_department: dict[str, str | None],
) -> dict[tuple[str, str], Metrics]:
    """Every unit's metrics from the totals per (department, team, person) combination: each
    combination's counts and sums are added to the department, team and person it names (a
    department missing from a ticket is its team's)."""
    out: dict[tuple[str, str], Metrics] = {}
    for (dept, team, staff), row in totals.items():
        if dept is None and team is not None:
            dept = team_department.get(team)
        for unit_type, unit_id in (("department", dept), ("team", team), ("staff", staff)):
            if unit_id is not None:
                _add(out.setdefault((unit_type, unit_id), Metrics()), row)
    return out


def unit_metrics(rows: list[tuple[str, str, dict[str, Any]]]) -> dict[tuple[str, str], Metrics]:
    """Metrics from totals already added up per unit ((unit_type, unit_id, totals) rows)."""
    out: dict[tuple[str, str], Metrics] = {}
    for unit_type, unit_id, row in rows:
        _add(out.setdefault((unit_type, unit_id), Metrics()), row)
    return out


async def metrics(
    conn: Conn, start: datetime, end: datetime, campaign_id: UUID
) -> dict[tuple[str, str], Metrics]:
    """Every component's totals for every unit straight from the facts: one grouped query per
    component, whose rows (per department, team and person combination) are added up per unit."""
    grouped = await totals.from_facts(conn, start, end, campaign_id)
    return roll_up(grouped, await team_departments(conn))


async def marks(conn: Conn, campaign_id: UUID) -> dict[tuple[str, str], Fraction]:
    rows = await conn.fetch(
        "SELECT unit_type, unit_id, mark FROM work_marks WHERE campaign_id = $1", campaign_id
    )
    return {(r["unit_type"], r["unit_id"]): _fraction(r["mark"]) for r in rows}


_INCIDENTS = """
SELECT i.incident_id::text, i.kind, i.unit_type, i.unit_id,
       COALESCE(i.department_id, st.department_id, tm.department_id, tm2.department_id,
                CASE WHEN i.unit_type = 'department' THEN i.unit_id END) AS department_id,
       COALESCE(i.team_id, st.team_id, CASE WHEN i.unit_type = 'team' THEN i.unit_id END)
         AS team_id,
       i.summary, i.occurred_at, i.ticket_id, i.verified_by, i.verified_at, i.overturned_at,
       i.overturn_reason
FROM incidents i
LEFT JOIN staff st ON i.unit_type = 'staff' AND st.id = i.unit_id
LEFT JOIN teams tm ON i.unit_type = 'team' AND tm.id = i.unit_id
LEFT JOIN teams tm2 ON tm2.id = st.team_id
WHERE i.verified_at IS NOT NULL AND i.occurred_at >= $1 AND i.occurred_at < $2
ORDER BY i.occurred_at, i.incident_id
"""


async def incidents(conn: Conn, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Verified incidents that happened in the period (overturned ones too, marked)."""
    return [dict(r) for r in await conn.fetch(_INCIDENTS, start, end)]


def to_incident(r: dict[str, Any]) -> Incident:
    return Incident(
        incident_id=r["incident_id"],
        kind=r["kind"],
        unit_type=r["unit_type"],
        unit_id=r["unit_id"],
        department_id=r["department_id"],
        team_id=r["team_id"],
        summary=r["summary"] or "",
        occurred_at=r["occurred_at"].isoformat(),
        overturned=r["overturned_at"] is not None,
    )


SCORE_FIELDS = (
    "unit_name",
    "department_id",
    "team_id",
    "composite",
    "work_score",
    "inspection_score",
    "satisfaction_score",
    "on_time_rate",
    "pass_rate",
    "rank",
    "award",
    "vetoed",
    "not_ranked_reason",
    "detail",
)


async def stored(conn: Conn, campaign_id: UUID) -> dict[tuple[str, str], dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT unit_type, unit_id, {', '.join(SCORE_FIELDS)}, computed_at FROM scores"
        " WHERE campaign_id = $1",
        campaign_id,
    )
    return {(r["unit_type"], r["unit_id"]): dict(r) for r in rows}


SAVE_CHUNK = 1000


async def save(
    conn: Conn,
    campaign_id: UUID,
    rows: list[dict[str, Any]],
    gone: list[tuple[str, str]],
    at: datetime,
) -> None:
    """Upsert changed score rows (keys unit_type, unit_id and SCORE_FIELDS); drop units that
    are no longer evaluated."""
    cols = ("unit_type", "unit_id", *SCORE_FIELDS)
    for start in range(0, len(rows), SAVE_CHUNK):  # chunks: the event loop runs between them
        await conn.executemany(
            f"INSERT INTO scores (campaign_id, {', '.join(cols)}, computed_at)"
            f" VALUES ($1, {', '.join(f'${i}' for i in range(2, len(cols) + 2))}, ${len(cols) + 2})"
            " ON CONFLICT (campaign_id, unit_type, unit_id) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*SCORE_FIELDS, "computed_at")),
            [(campaign_id, *(r[c] for c in cols), at) for r in rows[start : start + SAVE_CHUNK]],
        )
    if gone:
        await conn.execute(
            "DELETE FROM scores s USING unnest($2::text[], $3::text[]) AS g(unit_type, unit_id)"
            " WHERE s.campaign_id = $1 AND s.unit_type = g.unit_type AND s.unit_id = g.unit_id",
            campaign_id,
            [g[0] for g in gone],
            [g[1] for g in gone],
        )


async def delete_all(conn: Conn, campaign_id: UUID) -> None:
    await conn.execute("DELETE FROM scores WHERE campaign_id = $1", campaign_id)


async def ranking(
    conn: Conn, campaign_id: UUID, unit_type: str | None = None, unit_id: str | None = None
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT unit_type, unit_id, unit_name, department_id, team_id, composite, work_score,"
        " inspection_score, satisfaction_score, on_time_rate, pass_rate, rank, award, vetoed,"
        " not_ranked_reason, detail, computed_at FROM scores"
        " WHERE campaign_id = $1 AND ($2::text IS NULL OR unit_type = $2)"
        " AND ($3::text IS NULL OR unit_id = $3)"
        " ORDER BY array_position(ARRAY['department', 'team', 'staff'], unit_type),"
        " rank NULLS LAST, composite IS NULL, composite DESC, unit_id",
        campaign_id,
        unit_type,
        unit_id,
    )
    return [dict(r) for r in rows]


async def one(conn: Conn, campaign_id: UUID, unit_type: str, unit_id: str) -> dict[str, Any] | None:
    rows = await ranking(conn, campaign_id, unit_type, unit_id)
    return rows[0] if rows else None
