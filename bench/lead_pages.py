"""Benchmark: the leaders' rankings page and a team's explanation on a campaign over 1,000,000
tickets, against the scoring API calls behind them, in the same run, on a running platform
(`./houqin run --instance <name>`; the demo instance unless `--instance` or
HOUQIN_BENCH_INSTANCE names another).

    eval "$(deploy/local/infra.sh env --instance demo)"
    uv run python bench/lead_pages.py [--instance demo] [--users 10] [--seconds 10] [--rounds 2]

Fills the platform's scoring schema once with the scoring benchmark's month of facts
(bench/scoring_recompute.py's FILL: 1,000,000 tickets, 200,000 ratings and confirmations,
survey answers, votes, inspections, overdue items, transfers; 4 departments d1-d4, 22 teams,
400 people, in October 2026; skipped when its tickets are there), makes a campaign over that
month through the API as the leader, enters the four departments' work marks and recomputes.
Then `--users` sessions signed in through the real SSO as the demo leader alternate `--rounds`
times between
- the baseline: the page's own round of scoring API calls made directly with the leader's
  token, at once as the page makes them (rankings: the campaign and its rankings; explanation:
  the campaign, the team's explanation, the rankings, tickets' unit names and feedback's
  catalogue; a page of facts: the facts, the unit's score, unit names and catalogue), and
- the page: GET /lead/campaigns/{id}?unit_type=team, GET /lead/campaigns/{id}/units/team/t1
  (the summary: components, inputs, reasons), and the first page of the team's tickets behind
  it (GET .../units/team/t1/facts/tickets, 50 of some 45,000),
each for `--seconds`, and prints p50 and p95 of each and the ratio of the page's p95 to the
baseline's (target: at most 1.5x). Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy" / "local"))
import launcher
from scoring_recompute import FILL, MONTH

from scoring import compute


def _console_bench() -> Any:
    """bench/console.py's closed loop and sign-in (its module name would shadow the console
    package, so it is loaded from its path)."""
    spec = importlib.util.spec_from_file_location("console_bench", ROOT / "bench" / "console.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["console_bench"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.USER = "leader"
    return module


async def fill(dsn: str) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "scoring"})
    try:
        if await conn.fetchval("SELECT count(*) FROM ticket_facts WHERE tracking_no = 'T1'"):
            print("the benchmark's facts are there already")
            return
        start, _ = compute.period_bounds(date(2026, 10, 1), date(2026, 10, 31), "Asia/Shanghai")
        values = {"$1": "1000000", "$2": "200000", "$3": f"'{start.isoformat()}'", "$4": str(MONTH)}
        t0 = asyncio.get_running_loop().time()
        for statement in FILL.strip().split(";\n"):
            for name, value in values.items():  # the bench's own numbers, not input
                statement = statement.replace(name, value)
            await conn.execute(statement)
        await conn.execute("ANALYZE")
        print(f"filled in {asyncio.get_running_loop().time() - t0:.1f} s")
    finally:
        await conn.close()


def campaign(inst: launcher.Instance) -> str:
    """The benchmark's campaign over October 2026 with its marks, recomputed."""
    scoring = inst.url("scoring")
    headers = {"Authorization": "Bearer " + launcher.token(inst, "leader")}
    with httpx.Client(base_url=scoring, headers=headers, timeout=300) as http:
        found = [
            c for c in http.get("/v1/campaigns").json() if c["name"] == "基准测试 bench 2026-10"
        ]
        if found:
            return str(found[0]["id"])
        body = {
            "name": "基准测试 bench 2026-10", "period_start": "2026-10-01",
            "period_end": "2026-10-31", "departments": ["d1", "d2", "d3", "d4"],
        }  # fmt: skip
        cid = str(http.post("/v1/campaigns", json=body).raise_for_status().json()["id"])
        for d in range(1, 5):
            http.put(
                f"/v1/campaigns/{cid}/work-marks/department/d{d}",
                json={"mark": 80 + d, "justification": "bench"},
            ).raise_for_status()
        http.post(f"/v1/campaigns/{cid}/recompute").raise_for_status()
        return cid


async def speed(args: argparse.Namespace, inst: launcher.Instance, cid: str) -> None:
    cb = _console_bench()
    console = launcher.console_url(inst)
    scoring, tickets, feedback = inst.url("scoring"), inst.url("tickets"), inst.url("feedback")
    token = launcher.token(inst, "leader")
    pids = {
        "console": cb.listener_pid(int(console.rsplit(":", 1)[1].strip("/"))),
        "scoring": cb.listener_pid(inst.port("scoring", "api")),
    }
    pids = {k: v for k, v in pids.items() if v is not None}
    sessions = [await cb.sign_in(console, inst.sso_url) for _ in range(args.users)]
    api = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120)
    )
    base = f"{scoring}/v1/campaigns/{cid}"
    pages = {
        "rankings (/lead/campaigns/{id}?unit_type=team)": (
            f"/lead/campaigns/{cid}?unit_type=team",
            [(base, 200), (f"{base}/rankings", 200)],
        ),
        "a team's explanation (/lead/campaigns/{id}/units/team/t1)": (
            f"/lead/campaigns/{cid}/units/team/t1",
            [(base, 200), (f"{base}/scores/team/t1/explanation", 200),
             (f"{base}/rankings", 200), (f"{tickets}/v1/units", 200),
             (f"{feedback}/v1/catalog", 200)],
        ),
        "a page of its facts (/lead/campaigns/{id}/units/team/t1/facts/tickets)": (
            f"/lead/campaigns/{cid}/units/team/t1/facts/tickets",
            [(f"{base}/scores/team/t1/facts/tickets?limit=50", 200),
             (f"{base}/scores/team/t1", 200), (f"{tickets}/v1/units", 200),
             (f"{feedback}/v1/catalog", 200)],
        ),
    }  # fmt: skip
    try:
        for title, (path, urls) in pages.items():
            for s in sessions[:2]:  # warm: connections, caches, JWKS
                await cb.page_call(s, console + path)()
                await cb.api_calls(api, urls, token)()
            baseline = cb.Phase(f"  baseline: {len(urls)} API calls at once")
            page = cb.Phase("  page")
            for _ in range(args.rounds):
                baseline.add(await cb.closed_loop(
                    baseline.name, [cb.api_calls(api, urls, token) for _ in sessions],
                    args.seconds, pids,
                ))  # fmt: skip
                page.add(await cb.closed_loop(
                    page.name, [cb.page_call(s, console + path) for s in sessions],
                    args.seconds, pids,
                ))  # fmt: skip
            ratio = cb.percentile(page.latencies, 0.95) / cb.percentile(baseline.latencies, 0.95)
            print(f"{title}, {args.users} concurrent users:")
            print(baseline.line())
            print(page.line())
            print(f"  page p95 / API p95 = {ratio:.2f}x (target <= 1.5x)")
    finally:
        await api.close()
        for s in sessions:
            await s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--instance",
        default=os.environ.get("HOUQIN_BENCH_INSTANCE", "demo"),
        choices=sorted(launcher.PORT_OFFSETS),
    )
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    dsn = os.environ["HOUQIN_PG_ADMIN_DSN"]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    asyncio.run(fill(dsn))
    cid = campaign(inst)
    asyncio.run(speed(args, inst, cid))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
