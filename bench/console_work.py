"""Benchmark: the workers' pages (issue 16) against the API calls behind them, on a running
platform (`./houqin run`): the team tab of a team with `--open` open tickets, and a ticket page.

    uv run python bench/console_work.py [--instance demo] [--users 100] [--open 500]

The plumbers' team is first given `--open` open tickets (copies of one of its open tickets in
tickets' table, assigned to the backup plumber, through the instance's admin connection:
set-up only, every read is real), and the plumber's tickets of reports that earlier runs filed
are closed (the same way), so that the plumber's queue stays within the 200 a page lists. Then
`--users` sessions sign in through the real SSO as the team lead and, for each page, alternate
`--rounds` times between the baseline (the page's API calls made directly with the lead's token,
as the page makes them: all at once; the ticket page then reads the report's work view) and the
page itself, `--seconds` each (bench/console.py's loops), printing requests/s, p50, p95 and the
ratio of the page's p95 to the baseline's (target: at most 1.5x). Figures only.

Then how soon a new ticket reaches an open queue (target: within 2 s at p99): `--pages`
sessions signed in as the plumber (the worker the demo's plumbing reports at 北校区学生公寓7号楼
are routed to) poll /work/cards every `--poll` seconds, as the open 我的工单 page does (htmx,
`every 1s`); `--reports` reports are filed through feedback's API, one every `--gap` seconds
(the demo student and teacher in turn, under feedback's per-reporter limit). For each report and
each open page: from the API's acceptance of the report (its answer) to the first poll answer
that lists its tracking number. Prints p50, p95 and p99 in seconds, the worst, the reports never
seen within `--wait` seconds, and p99 / 2 s. `--measure updates` runs only this part.

The pages poll in two ways, in turn in the same run (`--polls both`, `--update-rounds` times):
first sending no version (every poll gets the cards: before conditional polls, the console's
path of the old code, which rendered them each time; now the render of that version the console
already made for this queue is used again), then as the page does (it opens /work, and each poll
sends the version of the cards it shows: 204 while unchanged). Each phase prints the polls
answered with cards and left alone, and the console's and tickets' CPU over it (cores). The
pages ask for as many cards as the plumber's queue will hold (`?shown=`, as "more" does).

`--measure polls` (not part of `all`): CPU per poll of each kind, one poll at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import console as bench  # bench/console.py: sign-in, loops, phases

launcher = bench.launcher
LEAD = "plumbing-lead"
WORKER = "plumber"  # the plumbing post's primary: the reports below are routed to them
BACKUP = "plumber-backup"  # the seeded copies' assignee
MARK = "测速"  # in the description of every report filed here
REPORTERS = ("student", "teacher")
TRACKING = re.compile(r"FK\d{8}-\d{4,}")
UPDATE_TARGET_S = 2.0
VERSION = re.compile(r'data-queue-version="([^"]+)"')
VERSION_HEADER = "X-Queue-Version"  # what the open page sends (console.pages.work)
PAGE = 30  # the cards a queue page shows first (console.pages.work.PAGE)
OPEN = ["new", "assigned", "accepted", "on_site", "paused", "reopened", "cannot_handle"]


async def seed(dsn: str, want: int) -> int:
    """Open plumbers' tickets up to `want`, copied from one of theirs; how many there are."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET search_path TO tickets")
        cols = [r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tickets'"
            " AND table_name = 'tickets' ORDER BY ordinal_position"
        )]  # fmt: skip
        copied = [c for c in cols if c not in ("id", "report_id", "tracking_no")]
        # the copies are the backup plumber's: the plumber's own queue (the open pages of the
        # updates part) holds only the plumber's real tickets, as a worker's does, so the
        # reports filed below are not pushed past the 200 most pressing by copies due earlier
        await conn.execute(
            "UPDATE tickets SET assignee_id = $1 WHERE tracking_no LIKE 'BENCH-%'"
            " AND assignee_id IS DISTINCT FROM $1", BACKUP,
        )  # fmt: skip
        # and the tickets of the reports earlier runs filed (below) are closed: run after run
        # they would fill the plumber's queue past the 200 a page lists
        await conn.execute(
            "UPDATE tickets SET status = 'closed', closed_at = now(), updated_at = now()"
            " WHERE assignee_id = $1 AND description LIKE $2 AND closed_at IS NULL",
            WORKER, f"%{MARK}%",
        )  # fmt: skip
        have = await conn.fetchval(
            "SELECT count(*) FROM tickets WHERE team_id = 'plumbers' AND status = ANY($1)", OPEN
        )
        if have < want:
            await conn.execute(
                f"INSERT INTO tickets (id, report_id, tracking_no, {', '.join(copied)})"
                f" SELECT gen_random_uuid(), gen_random_uuid(), 'BENCH-' || g || '-' ||"
                f" substr(md5(random()::text), 1, 6),"
                f" {', '.join('$2' if c == 'assignee_id' else 't.' + c for c in copied)}"
                " FROM generate_series(1, $1) g, LATERAL (SELECT * FROM tickets WHERE"
                " team_id = 'plumbers' AND status = 'assigned' LIMIT 1) t",
                want - have,
                BACKUP,
            )
        return int(await conn.fetchval(
            "SELECT count(*) FROM tickets WHERE team_id = 'plumbers' AND status = ANY($1)", OPEN
        ))  # fmt: skip
    finally:
        await conn.close()


GATES: dict[str, asyncio.Semaphore] = {}  # per API: at most --api-in-flight calls at once


def rounds_of(
    session: aiohttp.ClientSession, first: list[str], then: list[str], token: str
) -> Callable[[], Awaitable[int]]:
    """The page's API calls: `first` all at once, then `then` (what needs the first's answers),
    each API's calls at most --api-in-flight at a time, as the console bounds its own (so the
    baseline is not measured on answers the APIs' admission limit sheds at once)."""
    headers = {"Authorization": f"Bearer {token}"}

    async def one(url: str) -> int:
        async with GATES[url.split("/v1/", 1)[0]], session.get(url, headers=headers) as r:
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
            [f"{tickets}/v1/queues/team?limit={args.team_limit}&{status}",
             f"{tickets}/v1/transfers/incoming",
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
    for base_url in (feedback, tickets):
        GATES[base_url.rstrip("/")] = asyncio.Semaphore(args.api_in_flight or 1_000_000)
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


@dataclass
class Polls:
    """What one open page's polls got: when each tracking number was first listed, polls
    answered with cards (200) and left alone (204), failures."""

    seen: dict[str, float] = field(default_factory=dict)
    rendered: int = 0
    unchanged: int = 0
    failed: int = 0

    def look(self, body: str, at: float) -> str | None:
        for no in TRACKING.findall(body):
            self.seen.setdefault(no, at)
        shown = VERSION.search(body)
        return shown.group(1) if shown else None


async def poll_page(
    session: aiohttp.ClientSession, console: str, poll_s: float, polls: Polls,
    stop: asyncio.Event, conditional: bool, query: str = "",
) -> None:  # fmt: skip
    """One open queue page: its cards every `poll_s` seconds (as htmx's `every` does: the next
    tick after the answer). `conditional`: as the page does now, it opens /work first and each
    poll sends the version of the cards it shows (204 while unchanged); otherwise every poll
    renders the cards (no version sent: the console's path before conditional polls)."""
    version = None
    if conditional:
        async with session.get(console + "/work" + query, allow_redirects=False) as r:
            version = polls.look(await r.text(), time.perf_counter())
    while not stop.is_set():
        t0 = time.perf_counter()
        headers = {VERSION_HEADER: version} if version else {}
        try:
            async with session.get(
                console + "/work/cards" + query, headers=headers, allow_redirects=False
            ) as r:
                body = await r.text()
                arrived = time.perf_counter()
                if r.status == 204:
                    polls.unchanged += 1
                elif r.status == 200:
                    polls.rendered += 1
                    shown = polls.look(body, arrived)
                    version = shown if conditional else None
                else:
                    polls.failed += 1
        except (aiohttp.ClientError, TimeoutError):
            polls.failed += 1
        await asyncio.sleep(max(0.0, poll_s - (time.perf_counter() - t0)))


async def file_reports(
    inst: launcher.Instance, n: int, gap_s: float, tag: str, made: dict[str, float]
) -> dict[str, float]:
    """`n` plumbing reports, one every `gap_s` seconds, each in its own room; when the API
    accepted each (by tracking number). Meanwhile, when tickets' API first had each one's ticket
    (`made`: the event path alone, asked every 0.1 s), to tell it from the page's polling."""
    url = inst.url("feedback") + "/v1/reports"
    tokens = {u: launcher.token(inst, u) for u in REPORTERS}
    watcher = {"Authorization": "Bearer " + launcher.token(inst, "supervisor")}
    accepted: dict[str, float] = {}
    pending: dict[str, str] = {}  # tracking number: report id
    done = asyncio.Event()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def watch() -> None:
            while not done.is_set() or pending:
                for no, report_id in list(pending.items()):
                    path = f"/v1/tickets/by-report/{report_id}"
                    async with http.get(inst.url("tickets") + path, headers=watcher) as r:
                        await r.read()
                        if r.status == 200:
                            made[no] = time.perf_counter()
                            del pending[no]
                if time.perf_counter() > deadline:
                    return
                await asyncio.sleep(0.1)

        deadline = time.perf_counter() + n * gap_s + 60
        watching = asyncio.create_task(watch())
        for i in range(n):
            who = REPORTERS[i % len(REPORTERS)]
            body = {"kind": "repair", "category": "plumbing",
                    "description": f"水管漏水（{MARK} {tag}-{i}）",
                    "location": {"campus": "north", "building": "north-dorm-7", "floor": "5",
                                 "room": str(501 + i % 40)}}  # fmt: skip
            t0 = time.perf_counter()
            async with http.post(
                url, json=body, headers={"Authorization": f"Bearer {tokens[who]}"}
            ) as r:
                got = await r.json()
                if r.status >= 400:
                    print(f"  report {i} refused: {r.status} {got}")
                else:
                    accepted[str(got["tracking_no"])] = time.perf_counter()
                    pending[str(got["tracking_no"])] = str(got["id"])
            await asyncio.sleep(max(0.0, gap_s - (time.perf_counter() - t0)))
        done.set()
        await watching
    return accepted


async def shown_query(dsn: str, reports: int) -> str:
    """The plumber's tickets of reports filed earlier are closed (as at the start), and the
    open pages ask for as many cards as the plumber's queue will hold with this phase's reports
    (the page shows the PAGE most pressing first; "more" adds as many, and the page's polls
    keep asking for them): a new ticket falls due after those already open, so with fewer cards
    shown it would be listed only in the count."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "UPDATE tickets.tickets SET status = 'closed', closed_at = now(), updated_at = now()"
            " WHERE assignee_id = $1 AND description LIKE $2 AND closed_at IS NULL",
            WORKER, f"%{MARK}%",
        )  # fmt: skip
        have = int(await conn.fetchval(
            "SELECT count(*) FROM tickets.tickets WHERE assignee_id = $1 AND status = ANY($2)",
            WORKER, OPEN,
        ))  # fmt: skip
    finally:
        await conn.close()
    shown = min(200, -(-(have + reports) // PAGE) * PAGE)
    print(f"  the plumber's queue: {have} open, {reports} to come; the pages show {shown} cards")
    return f"?shown={shown}" if shown > PAGE else ""


async def updates_once(
    args: argparse.Namespace, inst: launcher.Instance, sessions: list[aiohttp.ClientSession],
    conditional: bool, pids: dict[str, int],
) -> None:  # fmt: skip
    """One phase: the open pages poll while `--reports` reports are filed; acceptance to the
    first listing, per report and page; the console's and tickets' CPU over the phase."""
    console = launcher.console_url(inst)
    query = await shown_query(inst.admin_dsn, args.reports)
    polls = [Polls() for _ in sessions]
    stop = asyncio.Event()
    cpu0, t0 = {k: bench.cpu_seconds(v) for k, v in pids.items()}, time.perf_counter()
    tasks = [
        asyncio.create_task(poll_page(s, console, args.poll, polls[i], stop, conditional, query))
        for i, s in enumerate(sessions)
    ]
    await asyncio.sleep(args.poll * 2)  # every page has listed what was already there
    before = [set(x.seen) for x in polls]
    made: dict[str, float] = {}
    accepted = await file_reports(inst, args.reports, args.gap, os.urandom(3).hex(), made)
    deadline = time.perf_counter() + args.wait
    while time.perf_counter() < deadline and not all(
        no in x.seen for x in polls for no in accepted
    ):
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - t0
    cpu = {k: (bench.cpu_seconds(v) - cpu0[k]) / seconds for k, v in pids.items()}
    delays = [x.seen[no] - t for x, old in zip(polls, before, strict=True)
              for no, t in accepted.items() if no in x.seen and no not in old]  # fmt: skip
    missed = sum(1 for x in polls for no in accepted if no not in x.seen)
    rendered, unchanged = sum(x.rendered for x in polls), sum(x.unchanged for x in polls)
    how = "conditional polls (version sent, 204 while unchanged)" if conditional else (
        "no version sent: every poll gets the cards")  # fmt: skip
    print(f"queue updates, {how}: {len(accepted)} reports x {len(sessions)} open pages (poll"
          f" every {args.poll:g} s), {len(delays)} arrivals, {missed} not seen within"
          f" {args.wait:g} s; polls: {rendered} rendered, {unchanged} unchanged (204),"
          f" {sum(x.failed for x in polls)} failed; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    per_poll = {k: v * seconds * 1000 / max(1, rendered + unchanged) for k, v in cpu.items()}
    print("  CPU over the phase: " + ", ".join(
        f"{k} {v:.2f} cores ({per_poll[k]:.1f} ms per poll)" for k, v in cpu.items()
    ))  # fmt: skip
    if not delays:
        print("  no arrival measured")
        return
    p = bench.percentile
    p99 = p(delays, 0.99)
    print(f"  acceptance to appearance: p50 {p(delays, 0.5):.2f} s  p95 {p(delays, 0.95):.2f} s"
          f"  p99 {p99:.2f} s  worst {max(delays):.2f} s")  # fmt: skip
    path = [made[no] - t for no, t in accepted.items() if no in made]
    if path:
        print(
            f"  of which acceptance to the ticket in tickets' API (events, routing): p50"
            f" {p(path, 0.5):.2f} s  p95 {p(path, 0.95):.2f} s  p99 {p(path, 0.99):.2f} s"
        )
    print(f"  p99 / target = {p99 / UPDATE_TARGET_S:.2f}x (target: p99 <= {UPDATE_TARGET_S:g} s,"
          f" every report seen)")  # fmt: skip


async def timed_poll(
    s: aiohttp.ClientSession, url: str, version: str | None, pids: dict[str, int]
) -> tuple[dict[str, float], int, str | None]:
    """One poll alone: the console's and tickets' CPU while it ran, its status, the version
    its cards show (or the one sent, when answered 204)."""
    cpu0 = {k: bench.cpu_seconds(v) for k, v in pids.items()}
    headers = {VERSION_HEADER: version} if version else {}
    async with s.get(url, headers=headers, allow_redirects=False) as r:
        mark = VERSION.search(await r.text())
        status = r.status
    cpu = {k: bench.cpu_seconds(v) - cpu0[k] for k, v in pids.items()}
    return cpu, status, mark.group(1) if mark else version


KINDS = ("render (a version new to the console)", "shared render (another page's poll made it)",
         "unchanged (204)")  # fmt: skip


async def poll_cpu(args: argparse.Namespace, inst: launcher.Instance) -> None:
    """CPU per poll of each kind, one request at a time (so the console's and tickets' CPU
    between its start and its answer is that poll's own), `--repeat` times each, for the
    plumber's queue and the lead's team tab: a ticket of the queue is written to (the version
    changes), then page A polls with the version it shows (a render: nobody has seen this
    version), page B with its own older version (the render A's poll made, shared), and B once
    more (unchanged: 204)."""
    console = launcher.console_url(inst)
    pids = {
        "console": bench.listener_pid(int(console.rsplit(":", 1)[1].strip("/"))),
        "tickets": bench.listener_pid(inst.port("tickets", "api")),
    }
    found = {k: v for k, v in pids.items() if v is not None}
    db = await asyncpg.connect(inst.admin_dsn)
    queues = (("/work", WORKER, "assignee_id", WORKER), ("/work/team", LEAD, "team_id", "plumbers"))
    try:
        for path, user, column, owner in queues:
            bench.USER = user
            a, b = [await bench.sign_in(console, inst.sso_url) for _ in range(2)]
            shown = {a: None, b: None}
            for s in (a, b):
                shown[s] = (await timed_poll(s, console + path, None, found))[2]
            cpu = {k: {p: 0.0 for p in found} for k in KINDS}
            ok = dict.fromkeys(KINDS, 0)
            for _ in range(args.repeat):
                await db.execute(
                    "UPDATE tickets.tickets SET updated_at = updated_at WHERE id = (SELECT id FROM"
                    f" tickets.tickets WHERE {column} = $1 AND status = ANY($2) LIMIT 1)",
                    owner, OPEN,
                )  # fmt: skip
                for s, kind in ((a, KINDS[0]), (b, KINDS[1]), (b, KINDS[2])):
                    used, status, shown[s] = await timed_poll(s, console + path + "/cards",
                                                              shown[s], found)  # fmt: skip
                    ok[kind] += status == (204 if kind == KINDS[2] else 200)
                    for p in found:
                        cpu[kind][p] += used[p]
            print(f"CPU per poll of {path}/cards ({user}), one at a time, {args.repeat} of each"
                  f" kind, load average {os.getloadavg()[0]:.1f}:")  # fmt: skip
            for kind in KINDS:
                per = ", ".join(
                    f"{p} {v * 1000 / args.repeat:.1f} ms" for p, v in cpu[kind].items()
                )
                print(f"  {kind:<46} {per}  ({ok[kind]} of {args.repeat} answered as expected)")
            await a.close()
            await b.close()
    finally:
        await db.close()


async def updates(args: argparse.Namespace, inst: launcher.Instance) -> None:
    """A new ticket's way to the open queue pages: acceptance to first listing, per page, with
    the pages polling as before (every poll renders) and conditionally, in turn (`--polls`)."""
    console = launcher.console_url(inst)
    bench.USER = WORKER
    t0 = time.perf_counter()
    sessions = [await bench.sign_in(console, inst.sso_url) for _ in range(args.pages)]
    print(f"signed in {args.pages} queue pages as {WORKER!r} in {time.perf_counter() - t0:.1f} s")
    pids = {
        "console": bench.listener_pid(int(console.rsplit(":", 1)[1].strip("/"))),
        "tickets": bench.listener_pid(inst.port("tickets", "api")),
    }
    found = {k: v for k, v in pids.items() if v is not None}
    modes = {"both": [False, True], "full": [False], "conditional": [True]}[args.polls]
    try:
        for _ in range(args.update_rounds):
            for conditional in modes:
                await updates_once(args, inst, sessions, conditional, found)
    finally:
        for s in sessions:
            await s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--open", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--measure", choices=["all", "speed", "updates", "polls"], default="all",
        help="polls: CPU per poll of each kind, one at a time (not part of all)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=30, help="polls of each kind (polls)")
    parser.add_argument(
        "--team-limit", type=int, default=30,
        help="the team queue call's limit in the team tab's baseline: as the page asks (30 since"
        " the tab shows the most pressing 30 first; the page before asked for 200)",
    )  # fmt: skip
    parser.add_argument(
        "--api-in-flight", type=int, default=16,
        help="the baseline's calls in flight per API at most: as the console's own bound"
        " (CONSOLE_API_MAX_IN_FLIGHT, 16); 0: unbounded (the APIs' admission limit sheds the rest)",
    )  # fmt: skip
    parser.add_argument("--pages", type=int, default=0, help="open queue pages (default --users)")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds, as the page polls")
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.5, help="seconds between reports")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for the last")
    parser.add_argument(
        "--polls", choices=["both", "full", "conditional"], default="both",
        help="how the open pages poll: every poll renders (as before), conditionally, or both in"
        " turn in the same run (the first as the baseline)",
    )  # fmt: skip
    parser.add_argument("--update-rounds", type=int, default=1, help="times each --polls phase")
    args = parser.parse_args()
    args.pages = args.pages or args.users
    inst = launcher.instance(args.instance)
    httpx.get(launcher.console_url(inst) + "/healthz", timeout=5).raise_for_status()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"plumbers' open tickets: {asyncio.run(seed(inst.admin_dsn, args.open))}")
    if args.measure in ("all", "speed"):
        token = launcher.token(inst, LEAD)
        listed = httpx.get(
            inst.url("tickets") + "/v1/queues/team?limit=200&status=assigned",
            headers={"Authorization": "Bearer " + token}, timeout=30,
        ).json()["items"]  # fmt: skip
        # one with a report behind it (the copies seeded above have none: its work view is 404)
        one = next((t for t in listed if not str(t["tracking_no"]).startswith("BENCH-")), listed[0])
        asyncio.run(speed(args, inst, one))
    if args.measure in ("all", "updates"):
        asyncio.run(updates(args, inst))
    if args.measure == "polls":
        asyncio.run(poll_cpu(args, inst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
