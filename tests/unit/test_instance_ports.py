"""Every port an instance listens on sits below Linux's ephemeral range, and no two collide.

Inside 32768-60999 an outgoing connection can hold a port for a moment, so a broker or database
restarted by a fault test fails to bind (issue 19; it failed a CI run once). Any instance may run
Kafka as a 3-broker cluster (infra.sh --brokers 3): nodes 2 and 3 listen 10 and 20 above node 1's
ports, and those count too."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import keycloak  # noqa: E402
import launcher  # noqa: E402

EPHEMERAL = range(32768, 61000)
CASE = re.compile(r"^\s+(\w+)\) pg=(\d+) kafka=(\d+) controller=(\d+) ;;", re.M)


CLUSTER_NODES = 3  # infra.sh: node n listens on the Kafka and controller ports + 10*(n-1)
# The second worker and relay of each service the replica test (tests/e2e/test_replicas.py)
# starts beside the platform's: their health ports, 30 and 40 above the service's API port.
EXTRA_ROLE_PORTS = (30, 40)


def infra_ports() -> dict[str, tuple[int, ...]]:
    text = (ROOT / "deploy/local/infra.sh").read_text()
    return {
        m[1]: (
            int(m[2]),
            *(int(m[3]) + 10 * n for n in range(CLUSTER_NODES)),
            *(int(m[4]) + 10 * n for n in range(CLUSTER_NODES)),
        )
        for m in CASE.finditer(text)
    }


def service_ports(instance: str) -> list[int]:
    offset = launcher.PORT_OFFSETS[instance]
    apis = [p + d for p in launcher.API_PORTS.values() for d in (0, 10, 20, *EXTRA_ROLE_PORTS)]
    extra = (launcher.SSO_PORT, launcher.CONSOLE_PORT, *keycloak.PORTS)  # keycloak: its test's too
    return [p + offset for p in (*apis, *extra)]


def test_every_instance_has_its_ports_outside_the_ephemeral_range() -> None:
    infra = infra_ports()
    assert set(infra) == set(launcher.PORT_OFFSETS), "infra.sh and the launcher know the same"
    taken: dict[int, str] = {}
    for name, ports in infra.items():
        for port in (*ports, *service_ports(name)):
            assert port > 1024 and port not in EPHEMERAL, f"{name}: {port} is ephemeral"
            assert port not in taken, f"{name} and {taken.get(port)} both use {port}"
            taken[port] = name


def test_a_cluster_instance_exists_for_ci() -> None:
    """CI's broker-kill and replica tests run on `cluster`, which nothing else in CI uses."""
    assert "cluster" in infra_ports()
    assert "cluster" in launcher.PORT_OFFSETS
