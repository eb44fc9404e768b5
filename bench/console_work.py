"""Benchmark: the workers' pages (issue 16) against the API calls behind them, on a running
platform (`./houqin run`): the team tab of a team with `--open` open tickets, and a ticket page.

    uv run python bench/console_work.py [--instance demo] [--users 100] [--open 500]

The plumbers' team is first given `--open` open tickets (copies of one of its open tickets in
tickets' table, through the instance's admin connection: set-up only, every read is real). Then
`--users` sessions sign in through the real SSO as the team lead and, for each page, alternate
`--rounds` times between the baseline (the page's API calls made directly with the lead's token,
as the page makes them: all at once; the ticket page then reads the report's work view) and the
page itself, `--seconds` each (bench/console.py's loops), printing requests/s, p50, p95 and the
ratio of the page's p95 to the baseline's (target: at most 1.5x). Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import console as bench  # bench/console.py: sign-in, loops, phases

launcher = bench.launcher
LEAD = "plumbing-lead"
OPEN = ["new", "assigned", "accepted", "on_site", "paused", "reopened", "cannot_handle"]


async def seed(dsn: str, want: int) -> int:
    """Open plumbers' tickets up to `want`, copied from one of theirs; how many there are."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET search_path TO tickets")
        have = await conn.fetchval(
            "SELECT count(*) FROM tickets WHERE team_id = 'plumbers' AND status = ANY($1)", OPEN
        )
        cols = [r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tickets'"
            " AND table_name = 'tickets' ORDER BY ordinal_position"
        )]  # fmt: skip
        copied = [c for c in cols if c not in ("id", "report_id", "tracking_no")]
        if have < want:
            await conn.execute(
                f"INSERT INTO tickets (id, report_id, tracking_no, {', '.join(copied)})"
                f" SELECT gen_random_uuid(), gen_random_uuid(), 'BENCH-' || g || '-' ||"
                f" substr(md5(random()::text), 1, 6), {', '.join('t.' + c for c in copied)}"
                " FROM generate_series(1, $1) g, LATERAL (SELECT * FROM tickets WHERE"
                " team_id = 'plumbers' AND status = 'assigned' LIMIT 1) t",
                want - have,
            )
        return int(await conn.fetchval(
            "SELECT count(*) FROM tickets WHERE team_id = 'plumbers' AND status = ANY($1)", OPEN
        ))  # fmt: skip
    finally:
        await conn.close()


def rounds_of(
    session: aiohttp.ClientSession, first: list[str], then: list[str], token: str
) -> Callable[[], Awaitable[int]]:
    """The page's API calls: `first` all at once, then `then` (what needs the first's answers)."""
    headers = {"Authorization": f"Bearer {token}"}

    async def one(url: str) -> int:
        async with session.get(url, headers=headers) as r:
            await r.read()
            return r.status

    async def call() -> int:
        statuses = list(await asyncio.gather(*(one(u) for u in first)))
        statuses += list(await asyncio.gather(*(one(u) for u in then)))
        return next((s for s in statuses if s != 200), 200)

    return call


async def speed(args: argparse.Namespace, inst: launcher.Instance, one: dict[str, str]) -> None:
    console = launcher.console_url(inst)
    feedback, tickets = inst.url("feedback"), inst.url("tickets")
    token = launcher.token(inst, LEAD)
    status = "&".join(f"status={s}" for s in OPEN)
    around = [f"{feedback}/v1/catalog", f"{tickets}/v1/places", f"{tickets}/v1/units",
              f"{tickets}/v1/work/team"]  # fmt: skip
    pages = {
        f"team tab (/work/team), {args.open} open tickets": (
            "/work/team",
            [f"{tickets}/v1/queues/team?limit=200&{status}", f"{tickets}/v1/transfers/incoming",
             *around], [],
        ),
        "ticket page (/work/tickets/{id})": (
            f"/work/tickets/{one['id']}",
            [f"{tickets}/v1/tickets/{one['id']}", f"{tickets}/v1/tickets/{one['id']}/allowed",
             f"{tickets}/v1/tickets/{one['id']}/actions",
             f"{tickets}/v1/tickets/{one['id']}/transfers", *around],
            [f"{feedback}/v1/reports/{one['report_id']}/work"],
        ),
    }  # fmt: skip
    pids = {
        "console": bench.listener_pid(int(console.rsplit(":", 1)[1].strip("/"))),
        "tickets": bench.listener_pid(inst.port("tickets", "api")),
    }
    pids = {k: v for k, v in pids.items() if v is not None}
    bench.USER = LEAD
    t0 = time.perf_counter()
    sessions = [await bench.sign_in(console, inst.sso_url) for _ in range(args.users)]
    print(f"signed in {args.users} sessions as {LEAD!r} in {time.perf_counter() - t0:.1f} s")
    api = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60)
    )
    try:
        for title, (path, first, then) in pages.items():
            for s in sessions[:3]:
                await bench.page_call(s, console + path)()
                await rounds_of(api, first, then, token)()
            n = len(first) + len(then)
            base = bench.Phase(f"  baseline: {n} API calls as the page makes them")
            page = bench.Phase("  page")
            for _ in range(args.rounds):
                base.add(await bench.closed_loop(
                    base.name, [rounds_of(api, first, then, token) for _ in sessions],
                    args.seconds, pids,
                ))  # fmt: skip
                page.add(await bench.closed_loop(
                    page.name, [bench.page_call(s, console + path) for s in sessions],
                    args.seconds, pids,
                ))  # fmt: skip
            p95 = bench.percentile
            ratio = p95(page.latencies, 0.95) / p95(base.latencies, 0.95)
            print(f"{title}, {args.users} concurrent users:")
            print(base.line())
            print(page.line())
            print(f"  page p95 / API p95 = {ratio:.2f}x (target <= 1.5x)")
    finally:
        await api.close()
        for s in sessions:
            await s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--open", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    inst = launcher.instance(args.instance)
    httpx.get(launcher.console_url(inst) + "/healthz", timeout=5).raise_for_status()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"plumbers' open tickets: {asyncio.run(seed(inst.admin_dsn, args.open))}")
    token = launcher.token(inst, LEAD)
    one = httpx.get(
        inst.url("tickets") + "/v1/queues/team?limit=1&status=assigned",
        headers={"Authorization": "Bearer " + token}, timeout=30,
    ).json()["items"][0]  # fmt: skip
    asyncio.run(speed(args, inst, one))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
