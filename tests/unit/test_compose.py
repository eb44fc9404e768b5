"""docker-compose.yml and the local launcher describe the same platform: the same processes,
the same ports and the same variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import launcher
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA_ONLY = {"postgres", "kafka", "bootstrap"}
DEMO = launcher.Instance(
    "demo", "postgresql://postgres:postgres@127.0.0.1:54320/houqin", "127.0.0.1:19092"
)


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]  # type: ignore[no-any-return]


def test_same_long_running_processes() -> None:
    services = compose()
    long_running = {n for n in services if n not in INFRA_ONLY and not n.endswith("-migrate")}
    assert long_running == {p.name for p in launcher.processes(DEMO)}


def test_every_service_has_a_one_shot_migrate() -> None:
    services = compose()
    for name in launcher.SERVICES:
        assert services[f"{name}-migrate"]["command"] == ["migrate"]


def test_same_variables_and_ports() -> None:
    services = compose()
    for proc in launcher.processes(DEMO):
        if proc.name == "sso":
            continue
        entry = services[proc.name]
        env = {k: str(v) for k, v in entry["environment"].items()}
        assert set(proc.env) <= set(env), proc.name
        for key in ("HTTP_PORT", "WORKER_PORT", "RELAY_PORT", "JWT_AUDIENCE", "JWT_ISSUER"):
            full = proc.name.split("-")[0].upper() + "_" + key
            if full in proc.env or proc.name != "console-api":  # the console has only an api
                assert env[full] == proc.env[full], full
        port = int(proc.health.split(":")[2].split("/")[0])
        assert entry["ports"] == [f"{port}:{port}"], proc.name
        assert entry["command"] == [proc.argv[-1]]


def test_compose_checks_health_of_every_process() -> None:
    for name, entry in compose().items():
        if name in INFRA_ONLY or name.endswith("-migrate") or name == "sso":
            continue
        assert "healthz" in " ".join(entry["healthcheck"]["test"]), name


def test_every_service_has_a_dockerfile_with_its_entry_point() -> None:
    for name in launcher.SERVICES:
        text = (ROOT / "services" / name / "Dockerfile").read_text()
        assert f'"-m", "{name}"' in text
