"""deploy/monitoring: the alert rules pass `promtool check rules` and their unit tests
(`promtool test rules`), the scrape configuration names every process the launcher starts, and
the rules and the dashboard use only metrics the code really exposes. promtool comes from Debian's
prometheus package (deploy/monitoring/promtool.sh fetches it when it is missing)."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path

import launcher
import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
RULES = MONITORING / "rules" / "houqin.rules.yml"
METRIC = re.compile(r"\b(houqin_[a-z_]+)")
SUFFIXES = ("_bucket", "_count", "_sum")


@cache
def promtool() -> str:
    out = subprocess.run(
        [str(MONITORING / "promtool.sh")], capture_output=True, text=True, timeout=600, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args],
        cwd=MONITORING,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_promtool_checks_the_rules() -> None:
    out = run("check", "rules", "rules/houqin.rules.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS" in out.stdout


def test_promtool_unit_tests_of_the_rules_pass() -> None:
    out = run("test", "rules", "tests/houqin.rules.test.yml")
    assert out.returncode == 0, out.stdout + out.stderr


def test_promtool_checks_the_scrape_configuration() -> None:
    out = run("check", "config", "prometheus.yml")
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_alert_the_issue_asks_for_has_a_unit_test() -> None:
    rules = yaml.safe_load(RULES.read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    tested = {
        t["alertname"]
        for case in yaml.safe_load((MONITORING / "tests" / "houqin.rules.test.yml").read_text())[
            "tests"
        ]
        for t in case.get("alert_rule_test", [])
        if t["exp_alerts"]
    }
    asked = {
        "HouqinOutboxStuck", "HouqinConsumerLagHigh", "HouqinDeadLetters", "HouqinHigh5xxRate",
        "HouqinNotReady", "HouqinOverdueEscalations", "HouqinOverdueAtLeadership",
        "HouqinRelayWithoutLeader",
    }  # fmt: skip
    assert asked <= alerts
    assert asked <= tested, asked - tested


def test_promtool_checks_the_compose_scrape_configuration() -> None:
    out = run("check", "config", "prometheus-compose.yml")
    assert out.returncode == 0, out.stdout + out.stderr


def scraped(name: str) -> set[tuple[str, str, str]]:
    config = yaml.safe_load((MONITORING / name).read_text())
    return {
        (target, group["labels"]["service"], group["labels"]["process"])
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }


def test_compose_prometheus_scrapes_the_same_processes_by_their_service_names() -> None:
    local = scraped("prometheus.yml")
    expected = {
        (f"{service}-{process}:{target.rsplit(':', 1)[1]}", service, process)
        for target, service, process in local
    }
    assert scraped("prometheus-compose.yml") == expected
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {t.split(":")[0] for t, _, _ in expected} <= set(services)
    extra = yaml.safe_load((MONITORING / "compose.monitoring.yml").read_text())["services"]
    prometheus = extra["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    assert prometheus["ports"] == ["${HOUQIN_BIND:-127.0.0.1}:9090:9090"]
    mounts = " ".join(prometheus["volumes"])
    assert "./deploy/monitoring/prometheus-compose.yml:/etc/prometheus/prometheus.yml:ro" in mounts
    assert "./deploy/monitoring/rules:/etc/prometheus/rules:ro" in mounts
    assert str(prometheus["user"]) not in ("0", "root")


def test_every_process_is_scraped_with_its_service_and_role() -> None:
    inst = launcher.Instance("demo", "postgresql://u@127.0.0.1:1/houqin", "127.0.0.1:9092")
    expected = set()
    for proc in launcher.processes(inst):
        if proc.name == "sso":  # the demo SSO serves no metrics
            continue
        host_port = proc.health.split("/")[2]
        service, _, role = proc.name.partition("-")
        expected.add((host_port, service, role))
    assert scraped("prometheus.yml") == expected


def exposed_metrics() -> set[str]:
    names: set[str] = set()
    for folder in (ROOT / "shared", ROOT / "services"):
        for path in folder.rglob("*.py"):
            names |= set(re.findall(r'"(houqin_[a-z_]+)"', path.read_text(encoding="utf-8")))
    return names


def used_metrics(text: str) -> set[str]:
    used = set()
    for name in METRIC.findall(text):
        for suffix in SUFFIXES:
            if name.endswith(suffix) and name != "houqin_" + suffix[1:]:
                name = name.removesuffix(suffix)
        used.add(name)
    return used


def test_rules_and_dashboard_use_only_metrics_the_code_exposes() -> None:
    exposed = exposed_metrics()
    rules = "\n".join(
        r["expr"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]
    )
    dashboard = json.loads((MONITORING / "grafana" / "houqin.json").read_text())
    exprs = "\n".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    assert used_metrics(rules) - exposed == set()
    assert used_metrics(exprs) - exposed == set()
    assert len(dashboard["panels"]) >= 10
    assert {p["id"] for p in dashboard["panels"]} == set(range(1, len(dashboard["panels"]) + 1))


def test_each_scrape_reports_readiness_for_the_not_ready_alert() -> None:
    from fastapi.testclient import TestClient

    from houqin_shared.http import base_app, install_health

    async def down() -> None:
        raise OSError("no database")

    async def up() -> None:
        return None

    app = base_app("tickets worker")
    install_health(app, {"database": down}, informative={"kafka": up})
    with TestClient(app) as client:
        text = client.get("/metrics").text
    assert "\nhouqin_ready 0.0" in text
    assert 'houqin_ready_check{check="database"} 0.0' in text
    assert 'houqin_ready_check{check="kafka"} 1.0' in text
