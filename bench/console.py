"""Benchmark: the console's pages against the API calls behind them, and what a first page
load transfers, on a running platform (`./houqin run`, the `demo` instance).

    uv run python bench/console.py [--instance demo] [--users 50] [--seconds 10] [--rounds 2]

`--users` sessions sign in through the real SSO (the console's /login, the SSO's authorize
page, the code flow back to the console) as the demo student; then, for each page, `--users`
concurrent clients alternate `--rounds` times between

- the baseline: the page's own round of API calls made directly with a token of the same user
  (`/mine`: feedback's GET /v1/reports for own and for supported reports, concurrently;
  the filing form: feedback's GET /v1/catalog and /v1/duplicates, tickets' /v1/places and
  /v1/places/{building}, concurrently), and
- the page: GET /mine, and GET /report?category=…&building=…&room=… (the filing form),

each for `--seconds`, and prints requests/s, p50 and p95 of each and the ratio of the pages' p95
to the baseline's (target: at most 1.5×), with the console's and feedback's CPU time per
request. Then Chromium (a phone, empty cache) loads each page once and adds up every response
(HTML, CSS, JS, images, fonts: headers and bodies as sent; target: at most 150 KB).
Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
import launcher

CHROMIUM = os.environ.get("HOUQIN_CHROMIUM", "/usr/bin/chromium")
USER = "student"
PLACE = {"building": "north-dorm-7", "floor": "3", "room": "312"}
FORM_PATH = "/report?category=plumbing&building={building}&floor={floor}&room={room}".format(
    **PLACE
)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * p) - 1))]


def listener_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:`port` (for its CPU time), if this user may see it."""
    out = subprocess.run(
        ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sign_in(console: str, sso: str) -> aiohttp.ClientSession:
    """A browser-like session signed in through the SSO's authorize page (code flow, PKCE)."""
    session = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of 127.0.0.1
        timeout=aiohttp.ClientTimeout(total=60),
    )
    async with session.get(f"{console}/login?next=/") as r:
        page = await r.text()
        if not str(r.url).startswith(sso):
            raise SystemExit(f"/login did not lead to the SSO ({r.url})")
    form = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(page)}
    async with session.post(f"{sso}/authorize", data={**form, "username": USER}) as r:
        await r.read()
        if r.status != 200 or not str(r.url).startswith(console):
            raise SystemExit(f"sign-in did not come back to the console: {r.status} {r.url}")
    return session


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, other: Phase) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        for k, n in other.statuses.items():
            self.statuses[k] = self.statuses.get(k, 0) + n
        self.seconds += other.seconds
        for k, v in other.cpu.items():
            self.cpu[k] = self.cpu.get(k, 0.0) + v

    def line(self) -> str:
        n = len(self.latencies)
        cpu = ", ".join(f"{k} CPU {v * 1000 / max(n, 1):.1f} ms/req" for k, v in self.cpu.items())
        return (
            f"{self.name:<44} {n / self.seconds:7.1f} req/s  p50 {percentile(self.latencies, 0.5):7.1f} ms"
            f"  p95 {percentile(self.latencies, 0.95):7.1f} ms  failed {self.errors} {self.statuses or ''}  {cpu}"
        )


async def closed_loop(
    name: str,
    clients: list[Callable[[], Awaitable[int]]],
    seconds: float,
    pids: dict[str, int | None],
) -> Phase:
    """Each client repeats its request back to back for `seconds`; latency per request."""
    phase = Phase(name)
    before = {k: cpu_seconds(p) for k, p in pids.items()}
    stop = time.perf_counter() + seconds

    async def loop(call: Callable[[], Awaitable[int]]) -> None:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                status = await call()
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            phase.latencies.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                phase.errors += 1
                phase.statuses[status] = phase.statuses.get(status, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in clients))
    phase.seconds = time.perf_counter() - t0
    phase.cpu = {k: cpu_seconds(p) - before[k] for k, p in pids.items()}
    return phase


def page_call(session: aiohttp.ClientSession, url: str) -> Callable[[], Awaitable[int]]:
    async def call() -> int:
        async with session.get(url, allow_redirects=False) as r:
            await r.read()
            return r.status

    return call


def api_calls(
    session: aiohttp.ClientSession, urls: list[tuple[str, int]], token: str
) -> Callable[[], Awaitable[int]]:
    """The page's round of API calls, made at once as the page makes them; 200 when each got
    the answer the page expects."""
    headers = {"Authorization": f"Bearer {token}"}

    async def one(url: str, expected: int) -> int:
        async with session.get(url, headers=headers) as r:
            await r.read()
            return 200 if r.status in (200, expected) else r.status

    async def call() -> int:
        statuses = await asyncio.gather(*(one(u, e) for u, e in urls))
        return next((s for s in statuses if s != 200), 200)

    return call


async def speed(args: argparse.Namespace, inst: launcher.Instance) -> None:
    console = args.console or launcher.console_url(inst)
    feedback, tickets = inst.url("feedback"), inst.url("tickets")
    token = launcher.token(inst, USER)
    pids = {
        "console": listener_pid(int(console.rsplit(":", 1)[1].strip("/"))),
        "feedback": listener_pid(inst.port("feedback", "api")),
        "tickets": listener_pid(inst.port("tickets", "api")),
    }
    pids = {k: v for k, v in pids.items() if v is not None}
    t0 = time.perf_counter()
    sessions = [await sign_in(console, inst.sso_url) for _ in range(args.users)]
    print(
        f"signed in {args.users} sessions as {USER!r} through the SSO in {time.perf_counter() - t0:.1f} s"
    )
    api = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60)
    )
    pages = {
        "my reports (/mine)": (
            "/mine",
            [(f"{feedback}/v1/reports?limit=100&supported=false", 200),
             (f"{feedback}/v1/reports?limit=100&supported=true", 200)],
        ),
        "filing form (/report?category=…&room=…)": (
            FORM_PATH,
            [(f"{feedback}/v1/catalog", 200), (f"{tickets}/v1/places", 200),
             (f"{tickets}/v1/places/{PLACE['building']}", 200),
             (f"{feedback}/v1/duplicates?category=plumbing&building={PLACE['building']}&room={PLACE['room']}", 200)],
        ),
    }  # fmt: skip
    try:
        for title, (path, urls) in pages.items():
            if args.page and args.page not in path:
                continue
            for s in sessions[:3]:  # warm: connections, caches, JWKS
                await page_call(s, console + path)()
                await api_calls(api, urls, token)()
            base, page = Phase(f"  baseline: {len(urls)} API calls at once"), Phase("  page")
            for _ in range(args.rounds):
                base.add(await closed_loop(
                    base.name, [api_calls(api, urls, token) for _ in sessions], args.seconds, pids
                ))  # fmt: skip
                page.add(await closed_loop(
                    page.name, [page_call(s, console + path) for s in sessions], args.seconds, pids
                ))  # fmt: skip
            ratio = percentile(page.latencies, 0.95) / percentile(base.latencies, 0.95)
            print(f"{title}, {args.users} concurrent users:")
            print(base.line())
            print(page.line())
            print(f"  page p95 / API p95 = {ratio:.2f}x (target <= 1.5x)")
    finally:
        await api.close()
        for s in sessions:
            await s.close()


def transfer(inst: launcher.Instance) -> None:
    """Bytes of a first load of each page in Chromium (a phone, empty cache)."""
    from playwright.sync_api import Response, sync_playwright

    console = launcher.console_url(inst)
    device: dict[str, Any] = {
        "viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
        "is_mobile": True, "has_touch": True,
    }  # fmt: skip
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        signed = browser.new_context(base_url=console, **device)
        page = signed.new_page()
        page.goto("/login?next=/")
        page.locator(f"button[value='{USER}']").click()
        page.wait_for_url(f"{console}/")
        cookies = signed.storage_state()
        signed.close()
        print("first page load (phone, empty cache), bytes as sent (headers + bodies):")
        for path, signed_in in (
            ("/", False), ("/services", False), ("/board", False), ("/track", False),
            ("/", True), ("/report", True), (FORM_PATH, True), ("/mine", True), ("/inbox", True),
        ):  # fmt: skip
            ctx = browser.new_context(
                base_url=console, storage_state=cookies if signed_in else None, **device
            )
            seen: list[Response] = []
            page = ctx.new_page()
            page.on("response", lambda r, seen=seen: seen.append(r))
            page.goto(path)
            page.wait_for_load_state("networkidle")
            kinds: dict[str, int] = {}
            for r in seen:
                sizes = r.request.sizes()
                size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                kinds[r.request.resource_type] = kinds.get(r.request.resource_type, 0) + size
            total = sum(kinds.values())
            parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(kinds.items()))
            who = "signed in" if signed_in else "visitor"
            print(
                f"  {path:<52} {who:<9} {total / 1024:6.1f} KB in {len(seen)} responses ({parts})"
            )
            ctx.close()
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--console", help="the console's URL (default: the instance's)")
    parser.add_argument("--page", help="only the page whose path contains this")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-transfer", action="store_true")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    httpx.get(launcher.console_url(inst) + "/healthz", timeout=5).raise_for_status()
    load = os.getloadavg()[0]
    print(
        f"console {launcher.console_url(inst)}, load average {load:.1f} on {os.cpu_count()} cores"
    )
    if not args.skip_speed:
        asyncio.run(speed(args, inst))
    if not args.skip_transfer:
        transfer(inst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
