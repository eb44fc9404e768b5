"""Benchmark: report intake over HTTP (validation, catalogue check, tracking number, insert,
outbox event, duplicate lookup) beside pgbench running the same SQL on the same server.

    uv run python bench/feedback_intake.py [--seconds 10] [--clients 32] [--workers 1]
        [--load wrk|aiohttp]

Prints (1) pgbench's rate for the intake's statements (the baseline, same run), (2) the
feedback API's sustained reports/s with `--clients` concurrent HTTP clients, p50/p99, and
(3) p50/p99 paced at a quarter of pgbench's rate ("half of half": the issue's latency target
is p99 <= 50 ms at half of the throughput target, which is half of pgbench). The API runs as
`--workers` processes (`python -m feedback api`, sharing the port with SO_REUSEPORT), as in
production. The saturating load is wrk (C, 0.04 ms of CPU per request on the same two cores)
when it is installed, else aiohttp (0.2 ms) from this process, which also paces the latency
run and runs the SSO. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from bench_infra import infra, pgbench
from helpers import free_port

from houqin_shared import devsso
from houqin_shared.identity import LocalIssuer
from houqin_shared.migrate import migrate

MIGRATIONS = ROOT / "services" / "feedback" / "feedback" / "migrations"
REPORT = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "水龙头漏水 the tap leaks (benchmark)",
}
BODY = json.dumps(REPORT).encode()
SERVICE = {
    "name": "Plumbing",
    "department_id": "maintenance",
    "limits": [{"urgency": "normal", "accept_minutes": 30, "finish_minutes": 1440}],
}


def pgbench_script(schema: str, day: str) -> str:
    """The statements POST /v1/reports runs (the catalogue check is cached in the API, and the
    API takes tracking numbers 20 at a time, so their round trip is left out here; the number
    is drawn inside the insert): the report and its event in one statement, then the
    duplicates."""
    seq = f"{schema}.report_seq_{day}"
    return f"""
WITH r AS (
INSERT INTO {schema}.reports (id, tracking_no, kind, category, channel, urgency, description,
  anonymous, contact, location, reporter_id, filed_by, status, filed_at, origin, transcribed_by,
  idempotency_key, request_hash)
  VALUES (gen_random_uuid(), 'PG' || nextval('{seq}'), 'repair', 'plumbing', 'web', 'normal',
  'the tap leaks (pgbench)', false, NULL,
  '{{"campus": "north", "building": "north-dorm-7", "room": "312", "floor": null, "text": null, "lat": null, "long": null}}',
  'pgbench', 'pgbench', 'filed', now(), NULL, NULL, NULL, 'x')
  ON CONFLICT DO NOTHING RETURNING id),
e AS (INSERT INTO {schema}.outbox (event_id, topic, key, event_type, headers, payload)
  SELECT gen_random_uuid(), 'houqin.feedback.events', r.id::text,
  'houqin.feedback.ComplaintFiled.v1', '{{}}', convert_to(repeat('x', 600), 'UTF8') FROM r)
SELECT id FROM r;
SELECT r.id, r.tracking_no, r.description, r.filed_at, r.status,
  (SELECT count(*) FROM {schema}.supporters s WHERE s.report_id = r.id) AS supporters,
  (SELECT count(*) FROM {schema}.photos p WHERE p.report_id = r.id) AS photo_count,
  (SELECT p.id FROM {schema}.photos p WHERE p.report_id = r.id ORDER BY p.uploaded_at LIMIT 1)
  FROM {schema}.reports r WHERE r.category = 'plumbing'
  AND r.status NOT IN ('closed', 'confirmed') AND r.primary_id IS NULL
  AND r.id <> gen_random_uuid()
  AND r.location->>'building' = 'north-dorm-7' AND r.location->>'room' = '312'
  ORDER BY r.filed_at DESC LIMIT 10;
"""


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * p) - 1)]


async def post(session: aiohttp.ClientSession, url: str, token: str) -> tuple[float, bool]:
    t0 = time.perf_counter()
    async with session.post(url, data=BODY, headers=headers_for(token)) as r:
        await r.read()
        return (time.perf_counter() - t0) * 1000, r.status == 201


def headers_for(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


async def saturate(
    session: aiohttp.ClientSession, url: str, tokens: list[str], clients: int, seconds: float
) -> tuple[float, list[float], int]:
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0

    async def worker(w: int) -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            ms, ok = await post(session, url, tokens[w % len(tokens)])
            latencies.append(ms)
            errors += not ok

    t0 = time.monotonic()
    await asyncio.gather(*(worker(w) for w in range(clients)))
    return len(latencies) / (time.monotonic() - t0), latencies, errors


WRK_SCRIPT = """
local tokens = {%s}
local body = %s
local i = 0
request = function()
  i = i + 1
  local headers = {}
  headers["Authorization"] = "Bearer " .. tokens[(i %% #tokens) + 1]
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", nil, headers, body)
end
"""


def _ms(text: str) -> float:
    """wrk's '812.00us', '1.23ms' or '1.05s' in milliseconds."""
    for unit, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    raise ValueError(text)


def saturate_wrk(
    url: str, tokens: list[str], clients: int, seconds: float
) -> tuple[float, int, float, float, int, float]:
    """wrk (C, a few microseconds per request) as the load: rate, requests, p50, p99 (ms),
    errors (non-2xx and socket errors) and its own CPU seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(json.dumps(t) for t in tokens)
        script.write(WRK_SCRIPT % (quoted, json.dumps(BODY.decode())))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    def find(pattern: str) -> str:
        found = re.search(pattern, out, re.M)
        if found is None:
            raise RuntimeError(f"wrk printed no {pattern!r}:\n{out}")
        return found.group(1)

    rate, done = float(find(r"Requests/sec:\s+([\d.]+)")), int(find(r"(\d+) requests in"))
    p50, p99 = _ms(find(r"^\s+50%\s+(\S+)$")), _ms(find(r"^\s+99%\s+(\S+)$"))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return rate, done, p50, p99, errors, cpu


async def paced(
    session: aiohttp.ClientSession, url: str, tokens: list[str], rate: float, seconds: float
) -> tuple[float, list[float], int]:
    n = max(1, int(rate * seconds))
    latencies: list[float] = []
    errors = 0

    async def one(i: int) -> None:
        nonlocal errors
        ms, ok = await post(session, url, tokens[i % len(tokens)])
        latencies.append(ms)
        errors += not ok

    start = time.monotonic()
    tasks = []
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return n / (time.monotonic() - start), latencies, errors


async def main(seconds: float, clients: int, workers: int, load: str) -> None:
    dsn, bootstrap = infra()
    schema = f"bench_fb_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    migrate(dsn, schema, MIGRATIONS)
    day = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    await admin.execute(f"CREATE SEQUENCE IF NOT EXISTS {schema}.report_seq_{day}")

    sso_port, api_port = free_port(), free_port()
    sso_url = f"http://127.0.0.1:{sso_port}"
    issuer = LocalIssuer(None, issuer=sso_url, audience="houqin")
    sso = uvicorn.Server(
        uvicorn.Config(devsso.create_app(issuer, []), port=sso_port, log_level="warning")
    )
    sso_task = asyncio.create_task(sso.serve())
    env = {
        **os.environ,
        "FEEDBACK_DATABASE_URL": dsn,
        "FEEDBACK_DB_SCHEMA": schema,
        "FEEDBACK_DB_POOL_MAX": "16",
        "FEEDBACK_KAFKA_BOOTSTRAP": bootstrap,
        "FEEDBACK_HTTP_PORT": str(api_port),
        "FEEDBACK_JWT_ISSUER": sso_url,
        "FEEDBACK_JWT_JWKS_URL": sso_url + "/.well-known/jwks.json",
        "HOUQIN_DEMO": "1",  # the bench's SSO is the demo one, on http
        "FEEDBACK_LOG_LEVEL": "WARNING",
        "FEEDBACK_RATE_REPORTER_PER_MIN": "1000000",
        "FEEDBACK_RATE_REPORTER_BURST": "1000000",
        "FEEDBACK_RATE_ADDRESS_PER_MIN": "1000000",
        "FEEDBACK_RATE_ADDRESS_BURST": "1000000",
        "FEEDBACK_HTTP_REUSE_PORT": "true",
    }
    apis = [
        subprocess.Popen([sys.executable, "-m", "feedback", "api"], env=env)  # noqa: ASYNC220
        for _ in range(workers)
    ]
    pids = [a.pid for a in apis]
    tokens = [issuer.issue(f"bench-{i}", ["reporter"]) for i in range(64)]
    admin_token = issuer.issue("bench-admin", ["admin"])
    url = f"http://127.0.0.1:{api_port}/v1/reports"
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api_port}", timeout=30) as client:
            for _ in range(100):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            r = await client.put(
                "/v1/catalog/plumbing",
                json=SERVICE,
                headers={"Authorization": f"Bearer {admin_token}"},
            )
            r.raise_for_status()
        print(f"machine: {os.cpu_count()} cores; PostgreSQL on loopback; schema {schema}")
        baseline = pgbench(dsn, pgbench_script(schema, day), int(seconds))
        print(
            f"baseline  pgbench, the intake's statements and transaction: {baseline:,.0f} reports/s (8 clients)"
        )
        connector = aiohttp.TCPConnector(limit=clients + 4)
        async with aiohttp.ClientSession(connector=connector) as session:
            await saturate(session, url, tokens, clients, 2)  # warm-up: JWKS, pool, caches
            cpu0, own0 = sum(map(cpu_seconds, pids)), cpu_seconds(os.getpid())
            if load == "wrk":
                rate, done, p50, p99, errors, wrk_cpu = await asyncio.to_thread(
                    saturate_wrk, url, tokens, clients, seconds
                )
                own0 -= wrk_cpu  # the load generator's CPU is wrk's
            else:
                rate, lat, errors = await saturate(session, url, tokens, clients, seconds)
                done, p50, p99 = len(lat), statistics.median(lat), percentile(lat, 0.99)
            cpu_ms = (sum(map(cpu_seconds, pids)) - cpu0) * 1000 / max(1, done)
            own_ms = (cpu_seconds(os.getpid()) - own0) * 1000 / max(1, done)
            print(
                f"HTTP      POST /v1/reports, {clients} clients ({load}), {workers} API"
                f" process(es): {rate:,.0f} reports/s ({rate / baseline:.2f}x pgbench),"
                f" p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}; CPU per report:"
                f" API {cpu_ms:.2f} ms, load generator {own_ms:.2f} ms"
            )
            print(
                f"load      {os.getloadavg()[0]:.1f} runnable processes on {os.cpu_count()} cores"
            )
            pace = baseline / 4  # half of the target, which is half of pgbench
            achieved, plat, perrors = await paced(session, url, tokens, pace, seconds)
            print(
                f"paced     at {achieved:,.0f} reports/s (a quarter of pgbench): "
                f"p50 {statistics.median(plat):.1f} ms, p99 {percentile(plat, 0.99):.1f} ms, "
                f"max {max(plat):.1f} ms, errors {perrors}"
            )
    finally:
        for a in apis:
            a.terminate()
            a.wait(timeout=30)
        sso.should_exit = True
        await sso_task
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="API processes sharing the port")
    parser.add_argument(
        "--load",
        choices=["wrk", "aiohttp"],
        default="wrk" if shutil.which("wrk") else "aiohttp",
        help="the saturating load: wrk (apt-get install wrk) when installed, else aiohttp",
    )
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.clients, args.workers, args.load))
