"""Computing a campaign's scores: load the running totals per unit, score (pure), store what
changed and announce it.

The running totals (`repository.totals`) are the rows of the grouped queries over the facts,
kept by the event handlers (`add_event_totals`) in the transaction that records each fact. A
full recompute (API, publication) first rebuilds them from the stored facts with those grouped
queries, and so does the worker when a campaign's totals are missing or stale (a new or edited
campaign, a new directory). Both then run the same code from the totals on, so the incremental
path and the full recompute give the same numbers exactly when the kept totals equal the
rebuilt ones, which the tests check."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from houqin_shared import outbox
from houqin_shared.contracts import AwardsPublished, ScoreComputed
from houqin_shared.contracts.scoring import Award
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from scoring import repository
from scoring.domain import STAGES, Incident, Metrics, inherit_team_inspections, round_half_up
from scoring.domain_ranking import Result, score_campaign
from scoring.schemas import to_rules

log = get_logger(__name__)
# Changes of these fields are announced with ScoreComputed; the rest is detail.
ANNOUNCED = (
    "composite",
    "work_score",
    "inspection_score",
    "satisfaction_score",
    "on_time_rate",
    "pass_rate",
    "rank",
    "vetoed",
    "not_ranked_reason",
)


def period_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the campaign's time zone."""
    zone = ZoneInfo(tz)
    return (
        datetime.combine(start, time(), zone),
        datetime.combine(end + timedelta(days=1), time(), zone),
    )


def metrics_detail(m: Metrics) -> dict[str, Any]:
    return {
        "volume": m.volume,
        "on_time": {
            s: {
                "done": m.stage_done.get(s, 0),
                "on_time": m.stage_on_time.get(s, 0),
                "rate": round_half_up(m.stage_rate(s), 4),
            }
            for s in STAGES
        },
        "closed": m.closed,
        "passed": m.passed,
        "ratings": m.ratings,
        "average_rating": round_half_up(m.average_rating(), 2),
        "confirmed": m.confirmed,
        "auto_confirmed": m.auto_confirmed,
        "fix_rejected": m.fix_rejected,
        "satisfied_rate": round_half_up(m.satisfied_rate(), 4),
        "survey_responses": m.survey_responses,
        "survey_average": round_half_up(
            m.survey_points / m.survey_responses if m.survey_responses else None
        ),
        "satisfaction_samples": m.satisfaction_samples(),
        "overdue": m.overdue,
        "transfers": m.transfers,
        "praises": m.praises,
        "rectifications_passed": m.rectifications_passed,
        "rectifications_failed": m.rectifications_failed,
        "recurring_problems": m.recurring_problems,
        "recurring_weight": m.recurring_weight,
        "votes": m.votes,
        "quality_inspections": m.quality_inspections,
        "safety_inspections": m.safety_inspections,
    }


def incident_detail(i: Incident) -> dict[str, Any]:
    return {
        "incident_id": i.incident_id,
        "kind": i.kind,
        "unit_type": i.unit_type,
        "unit_id": i.unit_id,
        "summary": i.summary,
        "occurred_at": i.occurred_at,
    }


def score_row(r: Result) -> dict[str, Any]:
    detail = {
        "metrics": metrics_detail(r.metrics),
        "work_source": r.work_source,
        "not_ranked_reasons": r.not_ranked_reasons,
        "vetoed_by": [incident_detail(i) for i in r.vetoed_by],
    }
    return {
        "unit_type": r.unit.unit_type,
        "unit_id": r.unit.unit_id,
        "unit_name": r.unit.name,
        "department_id": r.unit.department_id,
        "team_id": r.unit.team_id,
        "composite": r.composite,
        "work_score": r.work,
        "inspection_score": r.inspection,
        "satisfaction_score": r.satisfaction,
        "on_time_rate": r.on_time_rate,
        "pass_rate": r.pass_rate,
        "rank": r.rank,
        "award": r.award,
        "vetoed": r.vetoed,
        "not_ranked_reason": r.not_ranked_reason,
        "detail": json.loads(json.dumps(detail)),  # as it reads back from jsonb
    }


def campaign_bounds(campaign: dict[str, Any]) -> tuple[datetime, datetime]:
    return period_bounds(campaign["period_start"], campaign["period_end"], campaign["timezone"])


async def rebuild_totals(conn: Conn, campaign_id: UUID) -> None:
    """Replace the campaign's running totals with the totals of its stored facts. Waits for the
    handlers in flight and holds new ones back until the caller's transaction ends."""
    await repository.totals.lock_exclusive(conn)
    campaign = await repository.campaigns.get(conn, campaign_id)  # as it is now, after the lock
    if campaign is None:
        return
    start, end = campaign_bounds(campaign)
    grouped = await repository.totals.from_facts(conn, start, end, campaign_id)
    await repository.totals.replace(conn, campaign, grouped, datetime.now(UTC))


async def add_event_totals(
    conn: Conn, scope: repository.totals.Scope, record: Callable[[], Awaitable[None]]
) -> None:
    """Record one fact (`record`) and add what it changed to the running totals of every
    campaign that keeps them, in the caller's (the handler's) transaction: the totals of the
    facts in `scope` (every fact the event can change) are read before and after recording,
    and the difference is added. A redelivered fact changes nothing, so adds nothing."""
    await repository.totals.lock_shared(conn)
    if scope.empty():
        await record()
        return
    await repository.totals.lock_scope(conn, scope)
    await repository.totals.widen_ticket_scope(conn, scope)
    campaigns = await repository.totals.built_campaigns(conn)
    deltas: list[tuple[UUID, tuple[datetime, datetime], repository.totals.Totals]] = []
    for c in campaigns:
        bounds = campaign_bounds(c)
        before = await repository.totals.from_facts(conn, *bounds, c["id"], scope, sign=-1)
        deltas.append((c["id"], bounds, before))
    await record()
    for cid, bounds, delta in deltas:
        await repository.totals.from_facts(conn, *bounds, cid, scope, into=delta)
        await repository.totals.add(conn, cid, delta)


async def compute(conn: Conn, campaign: dict[str, Any]) -> list[Result]:
    """Every unit's result from the campaign's running totals (reads only). The scoring itself
    (pure, seconds of CPU for a large campus) runs in a thread, so the event loop keeps
    answering meanwhile."""
    cid = campaign["id"]
    start, end = campaign_bounds(campaign)
    units = await repository.scores.units(conn, campaign["departments"])
    totals = await repository.totals.load_units(conn, cid)
    marks = await repository.scores.marks(conn, cid)
    incidents = await repository.scores.incidents(conn, start, end)
    rules = to_rules(campaign["rules"])

    def score() -> list[Result]:
        metrics = repository.scores.unit_metrics(totals)
        inherit_team_inspections(
            metrics, {u.unit_id: u.team_id for u in units if u.unit_type == "staff"}
        )
        found = [repository.scores.to_incident(r) for r in incidents]
        return score_campaign(units, metrics, marks, found, rules)

    return await asyncio.to_thread(score)


def changes(
    campaign: dict[str, Any],
    results: list[Result],
    before: dict[tuple[str, str], dict[str, Any]],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[ScoreComputed]]:
    """The score rows that changed, and the events announcing the announced fields' changes;
    what remains in `before` afterwards is gone (pure; `before` is consumed)."""
    rows, events = [], []
    for result in results:
        row = score_row(result)
        old = before.pop((row["unit_type"], row["unit_id"]), None)
        if old is not None and all(old[f] == row[f] for f in repository.scores.SCORE_FIELDS):
            continue
        rows.append(row)
        if old is None or any(old[f] != row[f] for f in ANNOUNCED):
            events.append(score_event(campaign, row, now))
    return rows, events


async def recompute(
    conn: Conn, campaign_id: UUID, wait: bool = True, full: bool = True
) -> int | None:
    """Compute and store one campaign, announcing each unit whose score changed: `full` from
    the stored facts (rebuilding the running totals), else from the running totals (rebuilt
    only when missing or stale). Returns the number announced, or None when another recompute
    holds the campaign (wait=False) or the campaign is published (frozen) or gone. Runs in the
    caller's transaction."""
    if not await repository.campaigns.lock(conn, campaign_id, wait):
        return None
    campaign = await repository.campaigns.get(conn, campaign_id)
    if campaign is None or campaign["published_at"] is not None:
        return None
    if full or not await repository.totals.is_built(conn, campaign_id):
        await rebuild_totals(conn, campaign_id)
        campaign = await repository.campaigns.get(conn, campaign_id)  # as rebuilt
        assert campaign is not None
    now = datetime.now(UTC)
    before = await repository.scores.stored(conn, campaign_id)
    results = await compute(conn, campaign)
    rows, events = await asyncio.to_thread(changes, campaign, results, before, now)
    await repository.scores.save(conn, campaign_id, rows, list(before), now)
    if events:
        await outbox.add(conn, *events)
    return len(events)


def score_event(campaign: dict[str, Any], row: dict[str, Any], at: datetime) -> ScoreComputed:
    return ScoreComputed(
        campaign_id=campaign["id"],
        unit_type=row["unit_type"],
        unit_id=row["unit_id"],
        period_start=campaign["period_start"],
        period_end=campaign["period_end"],
        composite=row["composite"],
        work_score=row["work_score"],
        inspection_score=row["inspection_score"],
        satisfaction_score=row["satisfaction_score"],
        on_time_rate=row["on_time_rate"],
        pass_rate=row["pass_rate"],
        rank=row["rank"],
        vetoed=row["vetoed"],
        not_ranked_reason=row["not_ranked_reason"],
        computed_at=at,
    )


async def recompute_touched(pool: asyncpg.Pool) -> int:
    """The worker's periodic task: recompute campaigns with facts newer than their scores.
    Safe with several replicas (a campaign locked by one is skipped by the others)."""
    done = 0
    async with pool.acquire() as conn:
        touched = await repository.campaigns.touched(conn)
    for campaign_id, seq in touched:
        async with pool.acquire() as conn, conn.transaction():
            announced = await recompute(conn, campaign_id, wait=False, full=False)
            if announced is None and await repository.campaigns.lock(conn, campaign_id, False):
                await repository.campaigns.clear_touch(conn, campaign_id, seq)  # frozen or gone
                continue
            if announced is not None:
                await repository.campaigns.clear_touch(conn, campaign_id, seq)
                done += 1
                log.info("campaign_recomputed", campaign_id=str(campaign_id), announced=announced)
    return done


async def publish(conn: Conn, campaign_id: UUID, by: str) -> list[Award]:
    """公示: recompute once more, freeze the campaign, keep and announce its award list."""
    await recompute(conn, campaign_id, wait=True)
    campaign = await repository.campaigns.get(conn, campaign_id)
    assert campaign is not None
    ranking = await repository.scores.ranking(conn, campaign_id)
    awards = [
        Award(
            award=r["award"],
            unit_type=r["unit_type"],
            unit_id=r["unit_id"],
            rank=r["rank"],
            composite=r["composite"],
        )
        for r in ranking
        if r["award"]
    ]
    now = datetime.now(UTC)
    await repository.campaigns.publish(
        conn,
        campaign_id,
        by,
        now,
        [(a.award, a.unit_type, a.unit_id, a.rank, a.composite) for a in awards],
    )
    await outbox.add(
        conn,
        AwardsPublished(
            campaign_id=campaign_id, campaign_name=campaign["name"], awards=awards, published_at=now
        ),
    )
    return awards


async def run_touched(pool: asyncpg.Pool) -> None:
    """`recompute_touched` as the worker's Periodic."""
    await recompute_touched(pool)
