"""Benchmark: the tickets overdue sweeper and ticket opening, on this machine, beside pgbench.

    uv run python bench/tickets_sweep.py [--tickets 1000000] [--due 10000] [--events 5000]

Fills a scratch schema with `--tickets` open tickets whose next check lies in the future, then
prints (1) the baseline: pgbench's rate for a one-row insert transaction on the same server in
the same run, (2) the cost of a sweep when nothing is due (median of 20), (3) the time to fire
the level-1 escalation of `--due` tickets that fall due together (RectificationOverdue rows in
the outbox, one transaction per 1,000), and (4) tickets opened per second by the ComplaintFiled
batch handler (routing, assignment, due times, recurring check, outbox; 500 events per
transaction and per call, as the worker hands them over; Kafka itself is not in this figure). Figures only; nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_infra import infra, one_row_insert, pgbench

from houqin_shared import db
from houqin_shared.contracts import ComplaintFiled, Location
from houqin_shared.contracts.base import Envelope
from houqin_shared.migrate import migrate
from houqin_shared.settings import ServiceSettings
from tickets.domain import Directory
from tickets.opening import open_tickets
from tickets.repository import directory
from tickets.sweeper import sweep

FILL = """
INSERT INTO tickets (id, report_id, tracking_no, kind, category, urgency, location, description,
    status, department_id, team_id, opened_at, assignee_id, assigned_via, policy, clock_started_at,
    esc_stage, esc_step, next_check_at)
SELECT gen_random_uuid(), gen_random_uuid(), 'B' || g, 'repair', 'plumbing', 'urgent',
    '{"building": "north-dorm-7"}', 'bench', 'assigned', 'maintenance', 'plumbers', $1::timestamptz, 'plumber',
    'primary', '{"accept_s": 1800, "arrive_s": 7200, "finish_s": 28800, "calendar": "round_the_clock"}',
    $1, 'accept', 1, $1::timestamptz + interval '20 minutes'
FROM generate_series($2::bigint, $3::bigint) AS g
"""


async def fill(pool: asyncpg.Pool, n: int, now: datetime) -> None:
    step = 100_000
    for lo in range(1, n + 1, step):
        await pool.execute(FILL, now, lo, min(n, lo + step - 1))
    await pool.execute("ANALYZE tickets")


async def make_due(pool: asyncpg.Pool, k: int, now: datetime) -> None:
    """k tickets opened 31 minutes ago whose warning already fired: level 1 is due now."""
    await pool.execute(
        "UPDATE tickets SET clock_started_at = $1, opened_at = $1, next_check_at = $2"
        " WHERE id IN (SELECT id FROM tickets ORDER BY id LIMIT $3)",
        now - timedelta(minutes=31),
        now - timedelta(minutes=1),
        k,
    )


def complaint(i: int) -> ComplaintFiled:
    return ComplaintFiled(
        report_id=uuid.uuid4(), tracking_no=f"BF{i}", kind="repair", category="plumbing", channel="web",
        location=Location(campus="north", building="north-dorm-7", floor=str(i % 6), room=str(i % 40)),
        description="bench", anonymous=True, filed_at=datetime.now(UTC),
    )  # fmt: skip


async def open_rate(pool: asyncpg.Pool, n: int) -> float:
    envs = [Envelope(complaint(i)) for i in range(n)]
    started = time.perf_counter()
    for lo in range(0, n, 500):
        async with pool.acquire() as conn, conn.transaction():
            await open_tickets(conn, envs[lo : lo + 500])
    return n / (time.perf_counter() - started)


async def main(args: argparse.Namespace) -> None:
    dsn, _ = infra()
    schema = f"bench_tickets_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    await admin.execute(
        f"CREATE TABLE {schema}.pgb (id bigserial PRIMARY KEY, payload jsonb, at timestamptz DEFAULT now())"
    )
    try:
        migrate(dsn, schema, ROOT / "services/tickets/tickets/migrations")
        pool = await db.create_pool(
            ServiceSettings(database_url=dsn, db_schema=schema), min_size=2, max_size=4
        )
        doc = Directory.model_validate(
            yaml.safe_load((ROOT / "deploy/demo/directory.yaml").read_text())
        )
        async with pool.acquire() as conn, conn.transaction():
            await directory.upsert(conn, doc)
        baseline = pgbench(dsn, one_row_insert(schema), 5)
        print(f"baseline  pgbench one-row insert transactions: {baseline:,.0f} tx/s (8 clients)")
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        await fill(pool, args.tickets, now)
        print(f"filled    {args.tickets:,} open tickets in {time.perf_counter() - t0:.1f} s")
        idle = []
        for _ in range(20):
            t = time.perf_counter()
            fired = await sweep(pool, now)
            idle.append((time.perf_counter() - t) * 1000)
            assert fired == 0
        print(
            f"idle      sweep with nothing due among {args.tickets:,}: median {statistics.median(idle):.2f} ms, max {max(idle):.2f} ms"
        )
        await make_due(pool, args.due, now)
        t = time.perf_counter()
        fired = await sweep(pool, now)
        took = time.perf_counter() - t
        events = await pool.fetchval(
            "SELECT count(*) FROM outbox WHERE event_type LIKE '%RectificationOverdue%'"
        )
        print(
            f"escalate  {args.due:,} due together: {fired:,} escalations ({events:,} events) in {took:.2f} s ({fired / took:,.0f}/s)"
        )
        rate = await open_rate(pool, args.events)
        print(
            f"open      ComplaintFiled -> routed, assigned ticket: {rate:,.0f} tickets/s ({rate / baseline:.2f}x pgbench tx/s)"
        )
        await pool.close()
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--due", type=int, default=10_000)
    p.add_argument("--events", type=int, default=5_000)
    asyncio.run(main(p.parse_args()))
