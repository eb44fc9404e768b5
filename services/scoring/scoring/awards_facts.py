"""What the award rules need to know of a campaign's units, read from the stored scores, the
votes, the incidents and the campaign's own units (posts, service windows): each unit as an
award `Candidate` with its name, team and the score snapshot a nomination carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from houqin_shared.db import Conn
from scoring import repository
from scoring.compute import period_bounds
from scoring.domain_awards import Candidate, Kind
from scoring.domain_explain import components
from scoring.repository import awards as awards_repo
from scoring.schemas_awards import AwardSetupIn

Key = tuple[str, str]


@dataclass(frozen=True)
class UnitFacts:
    candidate: Candidate
    name: str
    team_id: str | None
    score: dict[str, Any]


def _samples(metrics: dict[str, Any]) -> int:
    return int(metrics.get("ratings") or 0) + int(metrics.get("survey_responses") or 0)


def _scored(row: dict[str, Any], votes: int) -> UnitFacts:
    metrics = (row.get("detail") or {}).get("metrics") or {}
    c = Candidate(
        row["unit_type"], row["unit_id"], row["department_id"], row["composite"],
        _samples(metrics), votes, bool(row["vetoed"]),
    )  # fmt: skip
    score = {
        k: row[k]
        for k in ("composite", "work_score", "inspection_score", "satisfaction_score", "rank")
    }
    score |= {
        "vetoed": c.vetoed, "not_ranked_reason": row["not_ranked_reason"], "votes": votes,
        "samples": c.samples, "explanation": components(metrics),
    }  # fmt: skip
    return UnitFacts(c, row["unit_name"], row["team_id"], score)


async def units(conn: Conn, campaign: dict[str, Any], setup: AwardSetupIn) -> dict[Key, UnitFacts]:
    """Every unit of the campaign by (unit_type, unit_id)."""
    start, end = period_bounds(
        campaign["period_start"], campaign["period_end"], campaign["timezone"]
    )
    votes = await awards_repo.votes(conn, campaign["id"], start, end)
    out = {
        (r["unit_type"], r["unit_id"]): _scored(r, votes.get((r["unit_type"], r["unit_id"]), 0))
        for r in await repository.scores.ranking(conn, campaign["id"])
    }
    vetoed = await awards_repo.vetoed_units(conn, start, end)
    for u in setup.units:
        key = (u.unit_type, u.unit_id)
        c = Candidate(u.unit_type, u.unit_id, u.department_id, None, 0, votes.get(key, 0),
                      key in vetoed)  # fmt: skip
        score: dict[str, Any] = {
            "composite": None,
            "votes": c.votes,
            "vetoed": c.vetoed,
            "explanation": [],
        }
        out[key] = UnitFacts(c, u.name, None, score)
    return out


def bases(kind: Kind, facts: dict[Key, UnitFacts]) -> dict[str, int]:
    """The kind's units per department (for people: the head count)."""
    out: dict[str, int] = {}
    for f in facts.values():
        if f.candidate.unit_type == kind.unit_type:
            dept = f.candidate.department_id or ""
            out[dept] = out.get(dept, 0) + 1
    return out
