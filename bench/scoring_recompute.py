"""Benchmark: full recompute of a campaign over 1,000,000 tickets and 200,000 ratings, and the
latency from a consumed event to the updated score, beside a baseline from the same run.

    uv run python bench/scoring_recompute.py [--tickets 1000000] [--ratings 200000] [--events 20]

Builds a fresh schema with the scoring migrations and fills it set-based: 4 departments, 22
teams, 400 people; the tickets of one month with their accept and finish stages, closures,
reopens, ratings and confirmations (10% naming only the report), survey answers, votes,
inspections, overdue items and transfers. Then:
- baseline: one plain SELECT that scans and counts the same period's rows of every fact table
  the recompute reads (what any set-based recompute must at least do);
- full recompute: `compute.recompute` from empty scores (every component's grouped query, kept
  as the campaign's running totals, the pure rules, storing and announcing every unit), three
  times;
- latency: the worker's periodic task runs (every `INTERVAL` s, as in the service) while
  ratings are recorded one per transaction through the real handler (which adds them to the
  running totals), each after a random pause of up to one interval (seeded), so arrivals are
  not in step with the periodic task; each latency is from the start of the handler's
  transaction to the commit of the score that reflects it, and the handler's own time is shown
  too. Kafka's delivery to the consumer is not included (see the backbone benchmark).
Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
from bench_infra import infra

from houqin_shared import db
from houqin_shared.contracts import SatisfactionRated
from houqin_shared.contracts.base import Envelope
from houqin_shared.migrate import migrate
from houqin_shared.service import Periodic, run_periodic
from scoring import compute, repository
from scoring.__main__ import SPEC
from scoring.handlers import HANDLERS
from scoring.schemas import RulesIn
from scoring.settings import ScoringSettings

ROOT = Path(__file__).resolve().parents[1]
MONTH = 30 * 86400
INTERVAL = SPEC.periodic[0].every_s  # the service's recompute period

FILL = """
INSERT INTO departments SELECT 'd' || i, '部门' || i, NULL FROM generate_series(1, 4) i;
INSERT INTO teams SELECT 't' || i, '班组' || i, 'd' || (1 + i % 4), NULL FROM generate_series(1, 22) i;
INSERT INTO staff SELECT 's' || i, '员工' || i, NULL, 't' || (1 + i % 22), '{staff}'
  FROM generate_series(1, 400) i;
INSERT INTO ticket_facts (ticket_id, report_id, tracking_no, category, department_id, team_id,
                          assignee_id, opened_at, status, closed_at, reopened_at, updated_at,
                          accept_at, accept_due_at, accept_on_time, finish_at, finish_due_at,
                          finish_on_time)
SELECT md5('t' || i)::uuid, md5('r' || i)::uuid, 'T' || i, 'plumbing',
       'd' || (1 + (1 + (1 + i % 400) % 22) % 4), 't' || (1 + (1 + i % 400) % 22), 's' || (1 + i % 400),
       o, CASE WHEN i % 10 <> 0 THEN 'closed' ELSE 'accepted' END,
       CASE WHEN i % 10 <> 0 THEN o + interval '5 hours' END,
       CASE WHEN i % 33 = 0 THEN o + interval '3 hours' END, o,
       o + interval '1 hour', o + interval '2 hours', i % 7 <> 0,
       CASE WHEN i % 10 <> 0 THEN o + interval '4 hours' END,
       CASE WHEN i % 10 <> 0 THEN o + interval '6 hours' END,
       CASE WHEN i % 10 <> 0 THEN i % 5 <> 0 END
FROM generate_series(1, $1::int) i, LATERAL (SELECT $3::timestamptz + (i % $4::int) * interval '1 second' AS o) x;
INSERT INTO ratings
SELECT md5('rating' || i)::uuid, md5('r' || (i * 5))::uuid, CASE WHEN i % 10 = 0 THEN NULL ELSE md5('t' || (i * 5))::uuid END,
       'T' || (i * 5), 1 + i % 5, 1 + (i / 5) % 5, 1 + (i / 25) % 5, NULL,
       $3::timestamptz + ((i * 5) % $4::int) * interval '1 second' + interval '6 hours'
FROM generate_series(1, $2::int) i;
INSERT INTO confirmations
SELECT md5('r' || (i * 5))::uuid, $3::timestamptz + ((i * 5) % $4::int) * interval '1 second' + interval '7 hours',
       (ARRAY['confirmed', 'auto_confirmed', 'rejected', 'confirmed'])[1 + i % 4],
       CASE WHEN i % 10 = 0 THEN NULL ELSE md5('t' || (i * 5))::uuid END, 'T' || (i * 5)
FROM generate_series(1, $2::int) i;
INSERT INTO survey_answers
SELECT md5('survey' || (i % 10))::uuid, 'resp' || i, 'team', 't' || (1 + i % 22), NULL, 50 + i % 50, 1,
       $3::timestamptz + (i % $4::int) * interval '1 second'
FROM generate_series(1, 5000) i;
INSERT INTO votes
SELECT md5('vote' || i)::uuid, md5('ballot')::uuid, NULL, 'team', 't' || (1 + i % 22),
       $3::timestamptz + (i % $4::int) * interval '1 second'
FROM generate_series(1, 20000) i;
INSERT INTO inspections
SELECT md5('insp' || i)::uuid, CASE WHEN i % 6 = 0 THEN 'safety' ELSE 'quality' END, 'team', 't' || (1 + i % 22),
       NULL, 60 + i % 40, i % 3, 0, 'qa', $3::timestamptz + (i * 3600) * interval '1 second'
FROM generate_series(1, 600) i;
INSERT INTO overdue
SELECT md5('t' || (i * 20))::uuid, 'accept', $3::timestamptz + i * interval '1 second', 'ticket', NULL,
       NULL, 't' || (1 + i % 22), 's' || (1 + i % 400), $3::timestamptz + (i % $4::int) * interval '1 second'
FROM generate_series(1, 50000) i;
INSERT INTO transfers
SELECT md5('transfer' || i)::uuid, md5('t' || (i * 50))::uuid, 'accepted', NULL, 't' || (1 + i % 22),
       NULL, 't' || (1 + (i + 1) % 22), 'not ours', $3::timestamptz + (i % $4::int) * interval '1 second'
FROM generate_series(1, 20000) i;
"""

BASELINE = """
SELECT (SELECT count(*) FROM ticket_facts WHERE opened_at >= $1 AND opened_at < $2)
     + (SELECT count(*) FROM ticket_facts WHERE closed_at >= $1 AND closed_at < $2)
     + (SELECT count(*) FROM ratings WHERE rated_at >= $1 AND rated_at < $2)
     + (SELECT count(*) FROM confirmations WHERE at >= $1 AND at < $2)
     + (SELECT count(*) FROM survey_answers) + (SELECT count(*) FROM votes)
     + (SELECT count(*) FROM inspections) + (SELECT count(*) FROM overdue)
     + (SELECT count(*) FROM transfers)
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latency(
    pool: asyncpg.Pool, campaign_id: uuid.UUID, events: int
) -> tuple[list[float], list[float]]:
    """Rating events through the real handler, one per transaction, while the periodic task
    runs; each from the start of its transaction to the commit of the score that reflects it,
    and the handler transactions' own times."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_periodic(Periodic("recompute", INTERVAL, compute.run_touched), pool, stop)
    )
    pauses = random.Random(5)
    out: list[float] = []
    handler: list[float] = []
    try:
        for i in range(events):
            person = f"s{1 + (i * 37) % 400}"
            await asyncio.sleep(pauses.uniform(0, INTERVAL))
            async with pool.acquire() as conn:
                before = await conn.fetchval(
                    "SELECT satisfaction_score FROM scores WHERE campaign_id = $1 AND unit_type = 'staff'"
                    " AND unit_id = $2",
                    campaign_id,
                    person,
                )
                ticket = await conn.fetchrow(
                    "SELECT ticket_id, report_id FROM ticket_facts WHERE assignee_id = $1 LIMIT 1",
                    person,
                )
            event = SatisfactionRated(
                rating_id=uuid.uuid4(), report_id=ticket["report_id"], ticket_id=ticket["ticket_id"],
                tracking_no="bench", category="plumbing", quality=1, timeliness=1, attitude=1,
                rated_at=datetime(2026, 10, 15, tzinfo=UTC),
            )  # fmt: skip
            started = time.monotonic()
            async with pool.acquire() as conn, conn.transaction():
                await HANDLERS[SatisfactionRated](conn, Envelope(event))
            handler.append(time.monotonic() - started)
            while True:
                async with pool.acquire() as conn:
                    now = await conn.fetchval(
                        "SELECT satisfaction_score FROM scores WHERE campaign_id = $1"
                        " AND unit_type = 'staff' AND unit_id = $2",
                        campaign_id,
                        person,
                    )
                if now != before:
                    out.append(time.monotonic() - started)
                    break
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await task
    return out, handler


async def main(tickets: int, ratings: int, events: int) -> None:
    dsn = infra()[0]
    schema = f"bench_scoring_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        migrate(dsn, schema, ROOT / "services" / "scoring" / "scoring" / "migrations")
        settings = ScoringSettings(database_url=dsn, db_schema=schema)
        pool = await db.create_pool(settings, max_size=4)
        start, end = compute.period_bounds(date(2026, 10, 1), date(2026, 10, 31), "Asia/Shanghai")
        t0 = time.monotonic()
        async with pool.acquire() as conn:
            values = {
                "$1": str(tickets),
                "$2": str(ratings),
                "$3": f"'{start.isoformat()}'",
                "$4": str(MONTH),
            }
            for statement in FILL.strip().split(";\n"):
                for name, value in values.items():  # the bench's own numbers, not input
                    statement = statement.replace(name, value)
                await conn.execute(statement)
            await conn.execute("ANALYZE")
            campaign_id = uuid.uuid4()
            await repository.campaigns.create(
                conn, campaign_id, "bench", date(2026, 10, 1), date(2026, 10, 31), "Asia/Shanghai",
                None, RulesIn().model_dump(), "bench",
            )  # fmt: skip
            for d in range(1, 5):
                await repository.campaigns.set_mark(
                    conn, campaign_id, "department", f"d{d}", 80 + d, "bench", "bench"
                )
            counts = {
                t: await conn.fetchval(f"SELECT count(*) FROM {t}")
                for t in ("ticket_facts", "ratings", "confirmations")
            }
        print(
            f"machine: {os.cpu_count()} cores; schema {schema}; filled in {time.monotonic() - t0:.1f} s"
        )
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))

        base = []
        for _ in range(3):
            async with pool.acquire() as conn:
                t = time.monotonic()
                await conn.fetchval(BASELINE, start, end)
                base.append(time.monotonic() - t)
        print(
            f"baseline  plain scan+count of the same rows: best {min(base):.2f} s, median {statistics.median(base):.2f} s"
        )

        full = []
        for _ in range(3):
            async with pool.acquire() as conn, conn.transaction():
                await repository.scores.delete_all(conn, campaign_id)
                t = time.monotonic()
                announced = await compute.recompute(conn, campaign_id)
                full.append(time.monotonic() - t)
        print(
            f"full recompute ({announced} units scored and announced): best {min(full):.2f} s,"
            f" median {statistics.median(full):.2f} s ({statistics.median(full) / statistics.median(base):.1f}x baseline)"
        )
        async with pool.acquire() as conn:
            await repository.campaigns.clear_touch(conn, campaign_id)
        lat, handler = await latency(pool, campaign_id, events)
        print(
            f"event -> updated score ({len(lat)} ratings, periodic every {INTERVAL} s): p50 {pct(lat, 50):.2f} s,"
            f" p99 {pct(lat, 99):.2f} s, max {max(lat):.2f} s"
            f" ({pct(lat, 50) / statistics.median(base):.2f}x / {pct(lat, 99) / statistics.median(base):.2f}x baseline);"
            f" handler transaction p50 {1000 * pct(handler, 50):.1f} ms, max {1000 * max(handler):.1f} ms"
        )
        await pool.close()
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=20)
    a = parser.parse_args()
    asyncio.run(main(a.tickets, a.ratings, a.events))
