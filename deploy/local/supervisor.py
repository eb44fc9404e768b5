"""The launcher's supervisor: a service process that dies is started again after a back-off,
and every restart is logged; `./houqin status` and `./houqin stop` read what it records.

Stdlib only, so `./houqin status|stop` run without syncing the project's environment:
  python deploy/local/supervisor.py status [--instance demo]
  python deploy/local/supervisor.py stop [--instance demo]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launcher import Platform, Proc

ROOT = Path(__file__).resolve().parents[2]
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0
STABLE_AFTER_S = 60.0  # up this long: the next crash starts the back-off again from 1 s
STATE_FILE = "processes.json"


def backoff_delay(crashes_in_a_row: int) -> float:
    """Seconds before restart number `crashes_in_a_row` (1, 2, 4, ... 30)."""
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** max(0, crashes_in_a_row - 1))


def port_holder(port: int) -> str | None:
    """Who listens on 127.0.0.1/0.0.0.0 `port`: "pid N (command line)", or None when nobody
    does (or /proc does not say: another user's process without root)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    if not inodes:
        return None
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            fds = list((pid_dir / "fd").iterdir())
            for fd in fds:
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return f"pid {pid_dir.name} ({_cmdline(int(pid_dir.name))})"
        except OSError:
            continue
    return "a process this user cannot see"


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:120]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = Path(f"/proc/{pid}/status")
    return not (state.is_file() and "\nState:\tZ" in state.read_text())


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310 (our own http://127.0.0.1)
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class Watch:
    """What the supervisor knows of one process."""

    proc: Proc
    state: str = "running"  # starting | running | backoff
    restarts: int = 0
    crashes_in_a_row: int = 0
    since: float = 0.0  # time.time() of the last state change
    restart_at: float = 0.0

    @property
    def port(self) -> int:
        return int(self.proc.health.split(":")[2].split("/")[0])


class Supervisor:
    """Watches the processes a Platform started; `tick()` restarts the dead ones."""

    def __init__(self, platform: Platform, out: Any = None) -> None:
        from launcher import processes

        self.platform = platform
        self.out = out or sys.stderr
        now = time.time()
        self.watches = {
            p.name: Watch(p, since=now)
            for p in processes(platform.inst)
            if p.name in platform.running
        }
        self.state_path = platform.inst.data / STATE_FILE
        self.log_path = platform.inst.data / "logs" / "launcher.log"

    def log(self, event: str, **fields: object) -> None:
        line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, **fields}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        words = " ".join(f"{k}={v}" for k, v in fields.items())
        print(f"launcher: {event} {words}", file=self.out, flush=True)

    def tick(self) -> None:
        now = time.time()
        for name, w in self.watches.items():
            popen = self.platform.running[name]
            if w.state in ("running", "starting") and popen.poll() is not None:
                if w.state == "running" and now - w.since >= STABLE_AFTER_S:
                    w.crashes_in_a_row = 0
                w.crashes_in_a_row += 1
                delay = backoff_delay(w.crashes_in_a_row)
                w.state, w.since, w.restart_at = "backoff", now, now + delay
                self.log("exited", process=name, code=popen.returncode, restart_in_s=delay)
            elif w.state == "backoff" and now >= w.restart_at:
                holder = port_holder(w.port)
                if holder is not None:
                    w.restart_at = now + backoff_delay(w.crashes_in_a_row)
                    self.log("port-taken", process=name, port=w.port, holder=holder)
                    continue
                self.platform.spawn(w.proc)
                w.restarts += 1
                w.state, w.since = "starting", now
                self.log(
                    "restarted",
                    process=name,
                    pid=self.platform.running[name].pid,
                    restarts=w.restarts,
                )
            elif w.state == "starting" and _healthy(w.proc.health):
                w.state, w.since = "running", now
                self.log("ready", process=name, port=w.port, pid=popen.pid)
        self.write_state()

    def write_state(self) -> None:
        body = {
            "launcher_pid": os.getpid(),
            "written_at": time.time(),
            "processes": [
                {
                    "name": name,
                    "pid": self.platform.running[name].pid,
                    "state": w.state,
                    "restarts": w.restarts,
                    "port": w.port,
                    "health": w.proc.health,
                    "cmd": " ".join(w.proc.argv),
                    "since": w.since,
                }
                for name, w in self.watches.items()
            ],
        }
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, indent=1))
        tmp.replace(self.state_path)

    def run(self, stop: dict[str, bool], every_s: float = 0.5) -> None:
        while not stop["now"]:
            self.tick()
            time.sleep(every_s)


def write_launcher_pid(data: Path) -> None:
    """Before the processes start: `./houqin stop` can already find the launcher."""
    data.mkdir(parents=True, exist_ok=True)
    (data / STATE_FILE).write_text(
        json.dumps({"launcher_pid": os.getpid(), "written_at": time.time(), "processes": []})
    )


def read_state(data: Path) -> dict[str, Any] | None:
    try:
        body = json.loads((data / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def status_lines(data: Path) -> list[str]:
    state = read_state(data)
    if state is None:
        return ["launcher  never started here"]
    pid = int(state.get("launcher_pid", 0))
    alive = pid > 0 and _alive(pid)
    lines = [f"launcher  {'running' if alive else 'stopped'}  pid {pid}"]
    for p in state.get("processes", []):
        up = _alive(int(p["pid"])) and alive
        shown = p["state"] if up or (p["state"] == "backoff" and alive) else "stopped"
        ready = (
            "ready"
            if shown == "running"
            and _healthy(p.get("health") or f"http://127.0.0.1:{p['port']}/healthz")
            else ""
        )
        lines.append(
            f"{p['name']:<16} {shown:<9} port {p['port']:<6} pid {p['pid']:<8}"
            f" restarts {p['restarts']:<3} {ready}".rstrip()
        )
    return lines


def stop_launcher(data: Path, timeout_s: float = 90) -> None:
    """SIGTERM the launcher (it stops its processes and the infrastructure), then any service
    process it left behind (a launcher killed with SIGKILL)."""
    state = read_state(data)
    if state is None:
        return
    pid = int(state.get("launcher_pid", 0))
    if pid > 0 and pid != os.getpid() and _alive(pid) and "launcher" in _cmdline(pid):
        print(f"stopping the launcher (pid {pid}) ...", flush=True)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
    for p in state.get("processes", []):
        child = int(p["pid"])
        same = _cmdline(child) == str(p.get("cmd", ""))[:120]  # not a pid reused since
        if _alive(child) and same:
            print(f"stopping {p['name']} (pid {child}) left running", flush=True)
            os.kill(child, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The launcher's processes of one instance.")
    parser.add_argument("command", choices=["status", "stop"])
    parser.add_argument("--instance", default="demo")
    args = parser.parse_args(argv)
    data = ROOT / ".data" / args.instance
    if args.command == "status":
        print("\n".join(status_lines(data)))
    else:
        stop_launcher(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
