"""Where a process's CPU goes, by layer: py-spy samples of each platform process, summarised.

    uv run python bench/profile_layers.py DIR [--reports N]

`record(pids, seconds, out_dir)` starts one `py-spy record --nonblocking --format raw` per
process (py-spy from PyPI, `uv pip install --target /tmp/pyspy py-spy`, named by
`PY_SPY=/tmp/pyspy/bin/py-spy`: outside the venv, which `uv sync` prunes; it samples only threads that are running,
so a process's samples are proportional to its CPU). Each raw file holds collapsed stacks
(`frame;frame;... count`). `layers(path)` puts every sample in one layer: logging or metrics if
either is anywhere on the stack (a JSON dump under structlog is logging's cost), otherwise the
innermost frame that belongs to a known library (asyncpg, aiokafka, pydantic, JSON, HTTP ...),
otherwise the project's own code (houqin_shared's plumbing or the service's handlers, use cases
and repositories), otherwise the event loop. A sample whose innermost Python frame is the loop's
`Runner.run` is native work under it: uvloop's C (epoll, sockets, timers) and asyncpg's compiled
protocol (its Cython parses every answer there), which py-spy does not see without --native.

Run alone on a directory written by `bench/campus_sim.py --profile DIR`, it prints the table of
docs/benchmarks.md ("Where a report's CPU goes"): each process's share per layer, and, with
`--reports` and the CPU seconds in DIR/cpu.json, milliseconds of CPU per report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# (layer, path fragments of its frames); the first whose fragment is in a frame's file wins
WRAPPING = [
    ("logging", ("structlog/", "logging/", "houqin_shared/logs.py", "access_log.py")),
    ("metrics", ("prometheus_client/", "houqin_shared/metrics.py")),
]
LIBRARIES = [
    ("asyncpg", ("asyncpg/",)),
    ("aiokafka", ("aiokafka/", "kafka/")),
    ("pydantic", ("pydantic/", "pydantic_core/", "annotated_types/")),
    ("JSON", ("json/", "orjson", "ujson")),
    (
        "HTTP (uvicorn, starlette, fastapi, clients)",
        (
            "uvicorn/",
            "starlette/",
            "fastapi/",
            "httptools",
            "h11/",
            "httpx/",
            "httpcore/",
            "aiohttp/",
            "anyio/",
        ),
    ),
    ("JWT", ("authlib/", "joserfc/", "jwt/", "cryptography/")),
    ("houqin_shared (consumer, relay, outbox, http)", ("houqin_shared/",)),
    ("service code (routes, handlers, use cases, repositories)", ("services/",)),
]
OWN_SERVICE_PACKAGES = ("feedback/", "tickets/", "scoring/", "notify/", "console/")
LOOP = "event loop (uvloop, sockets, asyncpg's compiled protocol), asyncio"
NATIVE_LOOP = "Runner.run (asyncio/runners.py"  # the innermost Python frame while uvloop's C runs


def record(pids: dict[str, int], seconds: float, out_dir: Path, rate: int = 50) -> list[Any]:
    """Start py-spy on every Python process; return the Popen objects (they end by themselves)."""
    spy = (
        os.environ.get("PY_SPY")
        or shutil.which("py-spy")
        or str(Path(sys.executable).parent / "py-spy")
    )
    if not Path(spy).exists():
        print(f"profile   no py-spy at {spy} (PY_SPY names it): not profiling", flush=True)
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for name, pid in pids.items():
        if not _is_python(pid):
            continue
        out = out_dir / f"{_slug(name)}.txt"
        cmd = [
            spy,
            "record",
            "--nonblocking",
            "--format",
            "raw",
            "--rate",
            str(rate),
            "--duration",
            str(int(seconds)),
            "--pid",
            str(pid),
            "-o",
            str(out),
        ]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs


def _is_python(pid: int) -> bool:
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return False


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")


def layer_of(stack: list[str]) -> str:
    if NATIVE_LOOP in stack[-1] or "uvloop/" in stack[-1]:
        return LOOP  # uvloop's C loop: sockets, timers, and asyncpg's compiled protocol
    for name, parts in WRAPPING:
        if any(p in frame for frame in stack for p in parts):
            return name
    for frame in reversed(stack):  # innermost first
        for name, parts in LIBRARIES:
            if any(p in frame for p in parts):
                return name
        if any(f"({p}" in frame or f"/{p}" in frame for p in OWN_SERVICE_PACKAGES):
            return LIBRARIES[-1][0]
    return LOOP


def layers(path: Path) -> Counter[str]:
    out: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out[layer_of(stack.split(";"))] += int(count)
    return out


def hottest(path: Path, top: int = 12) -> list[tuple[str, int]]:
    """The innermost project or library frames with the most samples (self time by function)."""
    out: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out[stack.split(";")[-1]] += int(count)
    return out.most_common(top)


def report(out_dir: Path, reports: int) -> None:
    cpu = json.loads((out_dir / "cpu.json").read_text()) if (out_dir / "cpu.json").exists() else {}
    if not reports and (out_dir / "reports.txt").exists():
        reports = int((out_dir / "reports.txt").read_text())
    for path in sorted(out_dir.glob("*.txt")):
        counts = layers(path)
        total = sum(counts.values()) or 1
        name = path.stem
        seconds = next((v for k, v in cpu.items() if _slug(k) == name), None)
        per = f"{seconds * 1000 / reports:.2f} ms/report" if seconds and reports else ""
        print(f"\n{name}  {total} samples  {per}")
        for layer, n in counts.most_common():
            share = n / total
            ms = f"{share * seconds * 1000 / reports:6.3f} ms" if seconds and reports else ""
            print(f"    {layer:<58} {share:6.1%}  {ms}")


SHORT = {
    LIBRARIES[4][0]: "HTTP",
    LIBRARIES[6][0]: "houqin_shared",
    LIBRARIES[7][0]: "service code",
    LOOP: "uvloop/native",
}


def markdown(out_dir: Path, reports: int, top: int = 4) -> None:
    """One row per process: ms of CPU per report, and its largest layers in ms per report."""
    cpu = json.loads((out_dir / "cpu.json").read_text())
    reports = reports or int((out_dir / "reports.txt").read_text())
    print("| process | CPU per report | largest layers (ms per report) |\n|---|---|---|")
    for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        path = out_dir / f"{_slug(name)}.txt"
        ms = seconds * 1000 / reports
        if not path.exists():
            print(f"| {name} | {ms:.2f} ms | (not Python: no samples) |")
            continue
        counts = layers(path)
        total = sum(counts.values()) or 1
        parts = ", ".join(
            f"{SHORT.get(k, k)} {n / total * ms:.2f}" for k, n in counts.most_common(top)
        )
        print(f"| {name} | {ms:.2f} ms | {parts} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--reports", type=int, default=0, help="accepted reports in the window")
    parser.add_argument("--markdown", action="store_true", help="the table for the docs")
    parser.add_argument("--hottest", action="store_true", help="also the busiest leaf frames")
    args = parser.parse_args()
    if args.markdown:
        markdown(args.dir, args.reports)
        raise SystemExit
    report(args.dir, args.reports)
    if args.hottest:
        for path in sorted(args.dir.glob("*.txt")):
            print(f"\n{path.stem}")
            for frame, n in hottest(path):
                print(f"    {n:6d}  {frame}")
