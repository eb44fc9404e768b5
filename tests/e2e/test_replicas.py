"""Two replicas of each service's worker and relay (issue 19), on the 3-broker cluster.

Workers: a second worker per service joins its consumer group (4 partitions per topic: each
holds about half); the platform's own worker of every service is SIGKILLed during 1,000 reports.
The survivor is given the dead one's partitions once the group coordinator gives up on it (its
session timeout), and the inbox makes redelivered events harmless: exactly 1,000 reports,
tickets, facts and messages of each kind. Printed per service: the rebalance time, from the kill
to the survivor's assignment holding the dead one's partitions.

Relays: a second relay per service stands by (the outbox's advisory lock lets one publish); the
leader of every service is SIGKILLed during 1,000 reports, PostgreSQL ends its session and frees
the lock, the standby takes it (it tries every second) and publishes: again exactly 1,000 of
everything. Printed per service: the takeover time, from the kill to the standby's
`relay_leader` log line."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import launcher
import pytest
from cluster_support import cluster_platform, file_reports, load, log_events
from helpers import eventually
from test_faults import MESSAGE_KINDS, settle, what_the_workers_said

from houqin_shared.bootstrap import SERVICES

pytestmark = [pytest.mark.infra, pytest.mark.slow, pytest.mark.timeout(900)]
N = 1000
# The second replica's health port: 30 (worker) or 40 (relay) above the service's API port
# (tests/unit/test_instance_ports.py keeps them clear of every other port).
SECOND_PORT = {"worker": 30, "relay": 40}


@pytest.fixture(scope="module")
def cluster() -> Iterator[launcher.Platform]:
    with cluster_platform() as platform:
        yield platform


def start_second(platform: launcher.Platform, service: str, role: str) -> tuple[str, float]:
    """Start `<service>-<role>-2` beside the platform's (stopped with it); its name and the wall
    time it was started."""
    inst = platform.inst
    port = inst.port(service, "api") + SECOND_PORT[role]
    env = launcher.service_env(inst, service)
    env[f"{service.upper()}_{launcher.PORT_SETTING[role]}"] = str(port)
    name = f"{service}-{role}-2"
    started = time.time()
    health = f"http://127.0.0.1:{port}/healthz"
    platform.spawn(launcher.Proc(name, [sys.executable, "-m", service, role], env, health))

    def healthy() -> bool:
        assert platform.running[name].poll() is None, f"{name} exited; see {inst.data}/logs"
        try:
            return httpx.get(health, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    eventually(healthy, f"{name} healthy", 120, 0.5)
    return name, started


def assignments(platform: launcher.Platform, name: str, since: float) -> list[tuple[float, set]]:  # type: ignore[type-arg]
    log = platform.inst.data / "logs" / f"{name}.log"
    return [(at, set(e["partitions"])) for at, e in log_events(log, "partitions_assigned", since)]


def is_leader(port: int) -> bool:
    """The relay on `port` holds its service's outbox lock (its metrics say so)."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return any(line.startswith("houqin_relay_leader 1") for line in text.splitlines())


def kill_all(platform: launcher.Platform, names: list[str], at: dict[str, float]) -> None:
    for name in names:
        at[name] = time.time()
        platform.signal(name, signal.SIGKILL)


def burst(platform: launcher.Platform, tag: str, kill: list[str], at: dict[str, float]) -> None:
    inst = platform.inst
    logs_at = {p.name: p.stat().st_size for p in (inst.data / "logs").glob("*.log")}
    intake = asyncio.run(file_reports(inst, tag, N, lambda: kill_all(platform, kill, at)))
    assert len(intake.accepted) == N
    assert intake.fault_at < max(intake.accepted), "the kill must come while reports arrive"
    got = settle(inst.admin_dsn, tag, N, timeout_s=300)
    want = dict.fromkeys(("reports", "tickets", "facts", *MESSAGE_KINDS), N)
    assert got == want, what_the_workers_said(inst.data / "logs", logs_at)


def test_a_worker_of_each_group_killed_the_other_takes_its_partitions(
    cluster: launcher.Platform,
) -> None:
    seconds = {s: start_second(cluster, s, "worker") for s in SERVICES}
    for service, (name, since) in seconds.items():
        for holder in (name, f"{service}-worker"):  # both, after the second joined
            eventually(
                lambda n=holder, t=since: any(p for _, p in assignments(cluster, n, t)),
                f"{holder} holding partitions",
                120,
                0.5,
            )
    time.sleep(3)  # the group settles: each worker holds its half
    killed: dict[str, float] = {}
    burst(cluster, "rw-" + uuid.uuid4().hex[:8], [f"{s}-worker" for s in SERVICES], killed)

    figures = []
    for service, (name, since) in seconds.items():
        dead = f"{service}-worker"
        kill_at = killed[dead]
        held = [p for at, p in assignments(cluster, dead, since) if at < kill_at]
        dead_held = held[-1] if held else set()
        assert dead_held, f"{dead} held no partitions when it was killed"
        after = [(at, p) for at, p in assignments(cluster, name, since) if at >= kill_at]
        took = next((at - kill_at for at, p in after if dead_held <= p and p), None)
        assert took is not None, f"{name} never got {dead}'s partitions {sorted(dead_held)}"
        figures.append(f"{service} {took:.1f} s ({len(dead_held)} partitions)")
    print(f"\nworker rebalance after SIGKILL: {'; '.join(figures)}; load {load()}")


def test_a_relay_leader_of_each_service_killed_the_standby_takes_over(
    cluster: launcher.Platform,
) -> None:
    inst = cluster.inst
    seconds = {s: start_second(cluster, s, "relay") for s in SERVICES}
    leaders = []
    for service, (name, _) in seconds.items():
        ports = (inst.port(service, "relay"), inst.port(service, "api") + SECOND_PORT["relay"])
        which = eventually(
            lambda p=ports: [is_leader(port) for port in p] if any(map(is_leader, p)) else None,
            f"a leader among {service}'s relays",
            60,
            0.5,
        )
        assert which.count(True) == 1, f"{service}: {which}"
        leaders.append(f"{service}-relay" if which[0] else name)
    killed: dict[str, float] = {}
    burst(cluster, "rr-" + uuid.uuid4().hex[:8], leaders, killed)

    figures = []
    for service, (name, _) in seconds.items():
        dead = f"{service}-relay" if f"{service}-relay" in killed else name
        standby = name if dead != name else f"{service}-relay"
        kill_at = killed[dead]
        log = inst.data / "logs" / f"{standby}.log"
        took = next((at - kill_at for at, _ in log_events(log, "relay_leader", kill_at)), None)
        assert took is not None, f"{standby} never took over from {dead}"
        figures.append(f"{service} {took:.1f} s")
    print(f"\nrelay takeover after SIGKILL: {'; '.join(figures)}; load {load()}")
