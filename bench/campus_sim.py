"""Campus simulator: 20,000 students over a term against the running platform.

    uv run python bench/campus_sim.py [--instance demo] [--rate 100] [--seconds 300]
        [--students 20000] [--peakiness 0.5] [--follow-up 0.25] [--baseline-seconds 10]

Starts the instance's PostgreSQL and Kafka (deploy/local/infra.sh), migrates, starts every
service's api, worker and relay and the demo SSO with deploy/local/launcher.py (feedback's
per-reporter and per-address rate limits raised as in tests/conftest.py), loads the demo
catalogue and directory, and measures pgbench's one-row insert transaction on the same server
(the baseline, as bench/backbone.py). Then it plays the campus (bench/campus_model.py): reports
arrive open-loop at `--rate` per second on average, the term's days compressed into `--seconds`
with each day's peaks (`--peakiness` 0 is flat); each student posts with their own token. A
`--follow-up` share of the tickets whose assignee was told are then worked by the assignee
(accept, on site, resolve; a few cannot-handle, which tells the superior), confirmed by the
student (some "not fixed") and rated; emergency tickets nobody accepts escalate when overdue.

It prints the offered and accepted report rates, report-accepted -> assignee-notified latency
(from the 201 of POST /v1/reports as the client received it, to the moment the notify worker's
TicketAssigned inbox message for the assignee was seen committed in notify.messages, polled as
superuser every --poll-ms; an upper bound with that resolution, the message's own created_at,
its transaction's start, is the lower bound) with where the time went, consumer lag per group
(end offsets minus committed offsets, from Kafka), outbox backlog and oldest age per service
(SQL on <service>.outbox), and CPU seconds per process (/proc), beside the baseline.
Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import uvloop
import yaml
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(ROOT / "bench"))
import launcher
from bench_infra import one_row_insert, pgbench
from campus_model import TERM_DAYS, Campus, Report
from profile_layers import record as profile_record

from houqin_shared.bootstrap import SERVICES
from houqin_shared.identity import LocalIssuer
from houqin_shared.kafka import KafkaAuth, security
from houqin_shared.kafka_acl import admin_auth

RATE_ENV = {  # as tests/conftest.py E2E_ENV: one NAT address carries a whole campus
    "FEEDBACK_RATE_REPORTER_PER_MIN": "100000",
    "FEEDBACK_RATE_REPORTER_BURST": "100000",
    "FEEDBACK_RATE_ADDRESS_PER_MIN": "100000",
    "FEEDBACK_RATE_ADDRESS_BURST": "100000",
}
ASSIGNED = "houqin.tickets.TicketAssigned.v1"
OVERDUE = "houqin.tickets.RectificationOverdue.v1"
GROUPS = [f"houqin.{s}" for s in SERVICES]
SIMULATOR = "simulator (load generator)"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p + 0.5) - 1))]


def spread(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {statistics.median(values):.1f} ms, p99 {percentile(values, 0.99):.1f} ms, "
        f"max {max(values):.1f} ms"
    )


# --- CPU per process --------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float, float]:
    """(parent pid, own CPU seconds, reaped children's CPU seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (
        int(fields[1]),
        (int(fields[11]) + int(fields[12])) / tck,
        (int(fields[13]) + int(fields[14])) / tck,
    )


def tree_cpu(root: int) -> float:
    """CPU seconds of a process, its live descendants and the children it has reaped."""
    parents: dict[int, int] = {}
    own: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid, cpu, _ = _stat(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
            parents[int(entry.name)], own[int(entry.name)] = ppid, cpu
    total = 0.0
    for pid in own:
        p = pid
        while p and p != root:
            p = parents.get(p, 0)
        if p == root:
            total += own[pid]
    with contextlib.suppress(OSError):
        total += _stat(root)[2]
    return total


def cpu_targets(platform: launcher.Platform) -> dict[str, int]:
    inst = platform.inst
    pids = {name: popen.pid for name, popen in platform.running.items()}
    pg = inst.data / "pg" / "postmaster.pid"
    if pg.exists():
        pids["postgresql (all backends)"] = int(pg.read_text().split()[0])
    kafka = inst.data / "run" / "kafka.pid"
    if kafka.exists():
        pids["kafka"] = int(kafka.read_text().split()[0])
    return pids


def cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    out = {}
    for name, pid in pids.items():
        try:
            out[name] = tree_cpu(pid)
        except OSError:
            out[name] = float("nan")
    # the service processes are this process's children: count its own time only
    out[SIMULATOR] = _stat(os.getpid())[1]
    return out


# --- the baseline -----------------------------------------------------------------------------


async def baseline(dsn: str, seconds: int) -> float:
    schema = f"bench_campus_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(dsn, ssl=False)
    try:
        await conn.execute(
            f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.pgb (id bigint GENERATED ALWAYS AS"
            " IDENTITY PRIMARY KEY, payload jsonb, at timestamptz DEFAULT now())"
        )
        return await asyncio.to_thread(pgbench, dsn, one_row_insert(schema), seconds)
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        # The baseline's hundreds of thousands of rows are written out now, not by a checkpoint
        # during the platform's first minute.
        await conn.execute("CHECKPOINT")
        await conn.close()


# --- what the run records ---------------------------------------------------------------------


@dataclass
class Filed:
    report: Report
    sent: float
    accepted: float  # wall clock when the 201 arrived
    id: str
    tracking_no: str
    measured: bool  # inside the measured window (not warm-up)


@dataclass
class Seen:
    recipient: str
    created: float  # the message's created_at (its transaction's start)
    observed: float  # wall clock of the poll that first saw it committed


@dataclass
class Run:
    filed: dict[str, Filed] = field(default_factory=dict)  # by tracking number
    offered: int = 0
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    post_ms: list[float] = field(default_factory=list)
    assigned: dict[str, Seen] = field(default_factory=dict)  # by tracking number
    overdue: int = 0
    followed: set[str] = field(default_factory=set)
    follow_ups: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lag: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    outbox: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    per_second: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    missed: int = 0  # assignee messages the poller did not see (found afterwards)
    unassigned: int = 0  # measured reports whose ticket has no assignee
    assigned_unseen: int = 0  # assigned tickets whose message did not come during the drain


# --- probes -----------------------------------------------------------------------------------


async def watch_notifications(
    dsn: str, run: Run, stop: asyncio.Event, poll_s: float, on_assigned: Any
) -> None:
    """Every poll, the TicketAssigned and RectificationOverdue inbox messages committed since
    the last one (the notify worker is this table's only writer and commits batch after batch,
    so its TicketAssigned ids become visible in order)."""
    conn = await asyncpg.connect(dsn, ssl=False)
    # A plan for each poll's own `last`: a generic plan made while the table was empty would
    # go on scanning all of it (the probe is the platform's guest, not its load).
    await conn.execute("SET plan_cache_mode = force_custom_plan")
    last = await conn.fetchval("SELECT coalesce(max(id), 0) FROM notify.messages")
    seen_ids: set[int] = set()
    try:
        while not stop.is_set():
            rows = await conn.fetch(
                "SELECT id, tracking_no, recipient, event_type,"
                " extract(epoch FROM created_at)::float8 AS created FROM notify.messages"
                " WHERE id > $1 AND channel = 'inbox' AND event_type = ANY($2) ORDER BY id",
                last,
                [ASSIGNED, OVERDUE],
            )
            now = time.time()
            for r in rows:
                if r["id"] in seen_ids:
                    continue
                seen_ids.add(r["id"])
                last = max(last, r["id"])
                if r["event_type"] == OVERDUE:
                    run.overdue += 1
                elif r["tracking_no"] not in run.assigned:
                    seen = Seen(r["recipient"], r["created"], now)
                    run.assigned[r["tracking_no"]] = seen
                    on_assigned(r["tracking_no"], seen)
            await asyncio.sleep(poll_s)
    finally:
        await conn.close()


async def watch_backbone(
    dsn: str, kafka: str, run: Run, stop: asyncio.Event, auth: KafkaAuth | None = None
) -> None:
    """Outbox backlog and age per service every 0.5 s; consumer lag per group every 2 s."""
    conn = await asyncpg.connect(dsn, ssl=False)
    admin = AIOKafkaAdminClient(**security(auth), bootstrap_servers=kafka)
    ends = AIOKafkaConsumer(**security(auth), bootstrap_servers=kafka)
    await admin.start()
    await ends.start()
    tick = 0
    try:
        while not stop.is_set():
            for svc in SERVICES:
                row = await conn.fetchrow(
                    f"SELECT count(*), coalesce(extract(epoch FROM clock_timestamp()"
                    f" - min(created_at)), 0)::float8 FROM {svc}.outbox"
                )
                assert row is not None
                run.outbox[svc].append((int(row[0]), float(row[1])))
            if tick % 4 == 0:
                for group in GROUPS:
                    committed = await admin.list_consumer_group_offsets(group)
                    if not committed:
                        continue
                    end = await ends.end_offsets(list(committed))
                    run.lag[group].append(
                        sum(max(0, end[tp] - om.offset) for tp, om in committed.items())
                    )
            tick += 1
            await asyncio.sleep(0.5)
    finally:
        await ends.stop()
        await admin.close()
        await conn.close()


# --- the campus -------------------------------------------------------------------------------


class Actors:
    """Tokens for students and staff, minted with the instance's SSO key (as the SSO would)."""

    def __init__(self, inst: launcher.Instance) -> None:
        self.issuer = LocalIssuer(inst.data / "sso-key.pem", issuer=inst.sso_url, audience="houqin")
        directory = yaml.safe_load((launcher.DEMO / "directory.yaml").read_text())
        self.staff = {s["id"]: s for s in directory["staff"]}
        self.tokens: dict[str, str] = {}

    def student(self, sid: str) -> str:
        if sid not in self.tokens:
            self.tokens[sid] = self.issuer.issue(sid, ["reporter"], ttl_s=4 * 3600)
        return self.tokens[sid]

    def worker(self, sid: str) -> str:
        if sid not in self.tokens:
            s = self.staff.get(sid, {"roles": ["staff"]})
            self.tokens[sid] = self.issuer.issue(
                sid,
                s["roles"],
                department_id=s.get("department_id"),
                team_id=s.get("team_id"),
                ttl_s=4 * 3600,
            )
        return self.tokens[sid]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


async def file_report(
    http: aiohttp.ClientSession, url: str, actors: Actors, rep: Report, run: Run, measured: bool
) -> None:
    body = json.dumps(rep.body).encode()
    sent = time.time()
    try:
        async with http.post(url, data=body, headers=auth(actors.student(rep.student.id))) as r:
            payload = await r.read()
            accepted = time.time()
            if r.status != 201:
                run.errors[str(r.status)] += 1
                return
    except (aiohttp.ClientError, TimeoutError) as exc:
        run.errors[type(exc).__name__] += 1
        return
    out = json.loads(payload)
    run.filed[out["tracking_no"]] = Filed(
        rep, sent, accepted, out["id"], out["tracking_no"], measured
    )
    if measured:
        run.post_ms.append((accepted - sent) * 1000)
        run.per_second[int(rep.at)] += 1


async def follow_up(
    http: aiohttp.ClientSession,
    inst: launcher.Instance,
    actors: Actors,
    filed: Filed,
    assignee: str,
    rng: random.Random,
    run: Run,
) -> None:
    """The assignee works the ticket; the student confirms and rates (compressed in time)."""
    tickets, feedback = inst.url("tickets"), inst.url("feedback")
    staff = auth(actors.worker(assignee))
    student = auth(actors.student(filed.report.student.id))

    async def call(method: str, url: str, headers: dict[str, str], body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        async with http.request(method, url, data=data, headers=headers) as r:
            out = await r.read()
            step = "by-report" if method == "GET" else url.rsplit("/", 1)[-1]
            run.follow_ups[f"{step} {r.status}"] += 1
            return r.status, (json.loads(out) if out else None)

    try:
        await asyncio.sleep(rng.uniform(0.5, 3))
        status, t = await call("GET", f"{tickets}/v1/tickets/by-report/{filed.id}", staff)
        if status != 200:
            return
        tid = t["id"]
        if rng.random() < 0.04:  # an escalation: cannot handle, reported to the superior
            await call(
                "POST",
                f"{tickets}/v1/tickets/{tid}/cannot-handle",
                staff,
                {"note": "需要更换整段管道 needs a new pipe run"},
            )
            return
        await call("POST", f"{tickets}/v1/tickets/{tid}/accept", staff)
        await asyncio.sleep(rng.uniform(0.5, 3))
        await call("POST", f"{tickets}/v1/tickets/{tid}/on-site", staff)
        await asyncio.sleep(rng.uniform(0.5, 4))
        await call("POST", f"{tickets}/v1/tickets/{tid}/resolve", staff, {"note": "已修复 fixed"})
        await asyncio.sleep(rng.uniform(1, 4))
        fixed = rng.random() < 0.92
        answer = {"fixed": True} if fixed else {"fixed": False, "reason": "还在漏 still leaking"}
        for _ in range(10):  # feedback learns of the resolution from TicketStatusChanged
            status, _ = await call(
                "POST", f"{feedback}/v1/reports/{filed.id}/confirmation", student, answer
            )
            if status != 409:
                break
            await asyncio.sleep(1)
        if fixed and rng.random() < 0.75:
            q = rng.choices([5, 4, 3, 2, 1], [50, 30, 12, 5, 3])[0]
            rating: dict[str, Any] = {"quality": q, "timeliness": max(1, q - rng.randint(0, 1))}
            rating["attitude"] = rng.choice([q, 5])
            if min(rating.values()) <= 2:
                rating["comment"] = "来得太慢 came too late"
            await call("POST", f"{feedback}/v1/reports/{filed.id}/rating", student, rating)
    except (aiohttp.ClientError, TimeoutError) as exc:
        run.follow_ups[type(exc).__name__] += 1


async def play(
    inst: launcher.Instance,
    actors: Actors,
    schedule: list[Report],
    warmup: list[Report],
    args: argparse.Namespace,
    run: Run,
) -> tuple[float, float]:
    """Warm-up, then the schedule, open-loop; returns the measured window (wall clock)."""
    url = inst.url("feedback") + "/v1/reports"
    rng = random.Random(args.seed + 1)
    tasks: set[asyncio.Task[Any]] = set()
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        def on_assigned(tracking_no: str, seen: Seen) -> None:
            f = run.filed.get(tracking_no)
            if f is None or not f.measured or rng.random() >= args.follow_up:
                return
            run.followed.add(tracking_no)
            t = asyncio.create_task(follow_up(http, inst, actors, f, seen.recipient, rng, run))
            tasks.add(t)
            t.add_done_callback(tasks.discard)

        stop = asyncio.Event()
        dsn = inst.admin_dsn
        watchers = [
            asyncio.create_task(
                watch_notifications(dsn, run, stop, args.poll_ms / 1000, on_assigned)
            )
        ]
        for rep in warmup:  # tokens verified and cached, pools and JWKS warm
            await file_report(http, url, actors, rep, run, measured=False)
        await asyncio.sleep(3)
        watchers.append(
            asyncio.create_task(
                watch_backbone(dsn, inst.kafka, run, stop, admin_auth(inst.kafka_secrets))
            )
        )
        start = time.monotonic()
        wall0 = time.time()
        for rep in schedule:
            delay = start + rep.at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            run.offered += 1
            t = asyncio.create_task(file_report(http, url, actors, rep, run, measured=True))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
        delay = start + args.seconds - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        wall1 = time.time()
        # Drain: the reports in flight, then their notifications (at most --drain seconds).
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            expected = [
                f for f in run.filed.values() if f.measured and f.tracking_no not in run.assigned
            ]
            if not any(t for t in tasks if not t.done()) and not expected:
                break
            if len(expected) and await unassigned_only(dsn, expected):
                break
            await asyncio.sleep(1)
        for t in list(tasks):
            t.cancel()
        stop.set()
        await asyncio.gather(*watchers, *tasks, return_exceptions=True)
    return wall0, wall1


async def unassigned_only(dsn: str, waiting: list[Filed]) -> bool:
    """True when every report still without an assignee notification has a ticket without an
    assignee (routed to a dispatch queue or a team without a post): nothing more will come."""
    conn = await asyncpg.connect(dsn, ssl=False)
    try:
        n = await conn.fetchval(
            "SELECT count(*) FROM tickets.tickets WHERE tracking_no = ANY($1)"
            " AND assignee_id IS NULL",
            [f.tracking_no for f in waiting],
        )
    finally:
        await conn.close()
    return int(n) == len(waiting)


# --- the report -------------------------------------------------------------------------------


async def hops(dsn: str, run: Run) -> dict[str, list[float]]:
    """Where the time went, for measured reports nobody followed up (so the ticket's
    updated_at is still the tickets worker's assignment time)."""
    ids = [
        tn
        for tn, f in run.filed.items()
        if f.measured and tn in run.assigned and tn not in run.followed
    ]
    waiting = [tn for tn, f in run.filed.items() if f.measured and tn not in run.assigned]
    conn = await asyncpg.connect(dsn, ssl=False)
    try:
        rows = await conn.fetch(
            "SELECT tracking_no, extract(epoch FROM updated_at)::float8 AS at"
            " FROM tickets.tickets WHERE tracking_no = ANY($1)",
            ids,
        )
        run.missed = await conn.fetchval(
            "SELECT count(DISTINCT tracking_no) FROM notify.messages WHERE tracking_no = ANY($1)"
            " AND event_type = $2 AND channel = 'inbox'",
            waiting,
            ASSIGNED,
        )
        counts = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE assignee_id IS NULL),"
            " count(*) FILTER (WHERE assignee_id IS NOT NULL)"
            " FROM tickets.tickets WHERE tracking_no = ANY($1)",
            waiting,
        )
        assert counts is not None
        run.unassigned, run.assigned_unseen = counts[0], counts[1]
    finally:
        await conn.close()
    out: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        f, s = run.filed[r["tracking_no"]], run.assigned[r["tracking_no"]]
        out["201 -> tickets worker assigns (feedback relay, Kafka, tickets consumer)"].append(
            (r["at"] - f.accepted) * 1000
        )
        out["tickets assigns -> notify transaction starts (tickets tx+relay, Kafka)"].append(
            (s.created - r["at"]) * 1000
        )
        out["notify transaction starts -> message seen committed (+ poll)"].append(
            (s.observed - s.created) * 1000
        )
    return out


def summary(
    run: Run,
    args: argparse.Namespace,
    base: float,
    window: tuple[float, float],
    cpu0: dict[str, float],
    cpu1: dict[str, float],
    hop: dict[str, list[float]],
    load: tuple[float, float],
) -> None:
    seconds = window[1] - window[0]
    measured = [f for f in run.filed.values() if f.measured]
    accepted = len(measured)
    lat = [
        (run.assigned[f.tracking_no].observed - f.accepted) * 1000
        for f in measured
        if f.tracking_no in run.assigned
    ]
    lower = [
        (run.assigned[f.tracking_no].created - f.accepted) * 1000
        for f in measured
        if f.tracking_no in run.assigned
    ]
    peak = max(run.per_second.values(), default=0)
    print()
    print(
        f"machine   {os.cpu_count()} cores; load average {load[0]:.1f} before, {load[1]:.1f} after"
    )
    print(f"baseline  pgbench one-row insert, 8 clients: {base:,.0f} tx/s")
    print(
        f"campus    {args.students:,} students, a term of {TERM_DAYS} days in {seconds:.0f} s"
        f" ({seconds / TERM_DAYS:.2f} s a day, peakiness {args.peakiness})"
    )
    print(
        f"reports   offered {run.offered / seconds:.1f}/s, accepted {accepted / seconds:.1f}/s"
        f" ({accepted / seconds * 1000 / base:.2f} per 1,000 pgbench tx/s), busiest second"
        f" {peak}; errors {dict(run.errors) or 0}; POST {spread(run.post_ms)}"
    )
    print(
        f"assignee  {len(lat)} of {accepted} accepted reports had a TicketAssigned inbox message"
        f" seen by the poller; {run.unassigned} have a ticket without an assignee (a dispatch"
        f" queue or a team without a post); {run.assigned_unseen} were assigned but their"
        f" message was not committed by the end of the drain ({run.missed} of them by the final"
        f" check); {accepted - len(lat) - run.unassigned - run.assigned_unseen} have no ticket yet"
    )
    print(f"latency   201 -> assignee's message committed: {spread(lat)}")
    if lat:
        print(
            f"          (lower bound, to the notify transaction's start: {spread(lower)}; "
            f"poll every {args.poll_ms} ms)"
        )
    slices: dict[int, list[float]] = defaultdict(list)
    for f in measured:
        if f.tracking_no in run.assigned:
            slice_s = max(10, int(seconds / 5))
            slices[int((f.accepted - window[0]) // slice_s) * slice_s].append(
                (run.assigned[f.tracking_no].observed - f.accepted) * 1000
            )
    for at, values in sorted(slices.items()):
        print(f"  from {at:4d} s  {len(values):5d} reports: {spread(values)}")
    for name, values in hop.items():
        print(f"  hop     {name}: {spread(values)}")
    print(
        f"follow-up {len(run.followed)} tickets worked; calls {dict(sorted(run.follow_ups.items()))};"
        f" overdue escalation messages {run.overdue}"
    )
    for group, samples in run.lag.items():
        if samples:
            print(
                f"lag       {group}: mean {statistics.mean(samples):.0f}, max {max(samples)},"
                f" last {samples[-1]} records ({len(samples)} samples)"
            )
    for svc, rows in run.outbox.items():
        ages = [a for _, a in rows]
        print(
            f"outbox    {svc}: oldest age mean {statistics.mean(ages) * 1000:.0f} ms,"
            f" max {max(ages) * 1000:.0f} ms; backlog max {max(n for n, _ in rows)} rows"
        )
    total = 0.0
    print(f"cpu       seconds over the {seconds:.0f} s window (and per accepted report):")
    for name in cpu0:
        used = cpu1[name] - cpu0[name]
        total += used if name != SIMULATOR else 0
        print(f"          {name:<28} {used:7.1f} s  {used * 1000 / max(1, accepted):6.2f} ms")
    print(
        f"          platform total (no simulator)  {total:.1f} s of {seconds * (os.cpu_count() or 1):.0f}"
        f" core-seconds; {total * 1000 / max(1, accepted):.1f} ms per report"
    )


def main(args: argparse.Namespace) -> None:
    inst = launcher.instance(args.instance)
    launcher.migrate_all(inst)
    base = asyncio.run(baseline(inst.admin_dsn, args.baseline_seconds))
    print(f"baseline  pgbench one-row insert, 8 clients: {base:,.0f} tx/s", flush=True)
    extra = {  # --env NAME=VALUE: a common setting, for every service (its prefix added)
        f"{svc.upper()}_{name}": value
        for name, value in (pair.split("=", 1) for pair in args.env)
        for svc in SERVICES
    }
    platform = launcher.Platform(inst, env=RATE_ENV | extra)
    try:
        platform.start()
        launcher.load_demo(inst)
        uvloop.run(measure(platform, base, args))
    finally:
        if not args.keep_running:
            platform.stop()


async def measure(platform: launcher.Platform, base: float, args: argparse.Namespace) -> None:
    inst = platform.inst
    campus = Campus(args.students, args.seed)
    schedule = campus.schedule(args.rate, args.seconds, args.peakiness)
    warmup = [campus.report(0, 0, 0) for _ in range(20)]
    actors = Actors(inst)
    t0 = time.monotonic()
    for rep in [*warmup, *schedule]:  # every reporter's token before the clock starts
        actors.student(rep.student.id)
    print(
        f"campus    {len(schedule):,} reports scheduled from"
        f" {len({r.student.id for r in schedule}):,} students; tokens minted in"
        f" {time.monotonic() - t0:.1f} s",
        flush=True,
    )
    run = Run()
    pids = cpu_targets(platform)
    load0 = os.getloadavg()[0]
    cpu_box: dict[str, dict[str, float]] = {}

    async def snap_at_start() -> None:
        # the CPU window opens with the schedule (after the warm-up's 3 s pause)
        while not run.offered:
            await asyncio.sleep(0.01)
        cpu_box["start"] = cpu_snapshot(pids)
        if args.profile:
            profile_record(pids, args.seconds, args.profile)

    snapper = asyncio.create_task(snap_at_start())
    end_snap: dict[str, float] = {}

    async def snap_at_end() -> None:
        while not run.offered:
            await asyncio.sleep(0.05)
        await asyncio.sleep(args.seconds - 0.05)
        end_snap.update(cpu_snapshot(pids))

    ender = asyncio.create_task(snap_at_end())
    window = await play(inst, actors, schedule, warmup, args, run)
    await snapper
    await ender
    load1 = os.getloadavg()[0]
    summary(
        run,
        args,
        base,
        window,
        cpu_box["start"],
        end_snap,
        await hops(inst.admin_dsn, run),
        (load0, load1),
    )
    if args.profile:  # for bench/profile_layers.py: CPU seconds per process, accepted reports
        used = {k: end_snap[k] - cpu_box["start"][k] for k in end_snap}
        accepted = sum(1 for f in run.filed.values() if f.measured)
        (args.profile / "cpu.json").write_text(json.dumps(used, indent=1))
        (args.profile / "reports.txt").write_text(str(accepted))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", default="demo")
    parser.add_argument("--rate", type=float, default=100, help="mean reports per second")
    parser.add_argument("--seconds", type=float, default=300, help="the term, compressed")
    parser.add_argument("--students", type=int, default=20000)
    parser.add_argument("--peakiness", type=float, default=0.5, help="0 flat, 1 a full day")
    parser.add_argument(
        "--follow-up", type=float, default=0.25, help="share of assigned tickets worked"
    )
    parser.add_argument("--poll-ms", type=float, default=10)
    parser.add_argument("--drain", type=float, default=60, help="seconds to wait after the run")
    parser.add_argument("--baseline-seconds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-running", action="store_true", help="leave the platform up")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        help="NAME=VALUE of every service, e.g. CONSUMER_QUIET_WAIT_MS=0 (repeatable)",
    )
    parser.add_argument(
        "--profile", type=Path, help="py-spy every Python process into DIR (profile_layers.py)"
    )
    main(parser.parse_args())
