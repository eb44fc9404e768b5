"""docker-compose.yml and the local launcher describe the same platform: the same processes,
the same ports and the same variables; and compose is safe by default (checked structurally,
no Docker here): it publishes only the APIs and the console, on 127.0.0.1; it commits no
secret; its issuer is no port of the host; no container runs as root; photos live in a volume
the services' user owns."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import launcher
import yaml

from houqin_shared.first_start import secret_settings

ROOT = Path(__file__).resolve().parents[2]
INFRA_ONLY = {"postgres", "kafka", "kafka-users", "bootstrap", "first-start"}
PUBLISHED = {"feedback-api", "tickets-api", "scoring-api", "notify-api", "console-api"}
BIND = "${HOUQIN_BIND:-127.0.0.1}"
DEMO = launcher.Instance(
    "demo", "postgresql://postgres:postgres@127.0.0.1:15432/houqin", "127.0.0.1:19092"
)
TEXT = (ROOT / "docker-compose.yml").read_text()


def compose() -> dict[str, Any]:
    return yaml.safe_load(TEXT)["services"]  # type: ignore[no-any-return]


def default(value: str) -> str:
    """`value` as compose reads it with none of its variables set (`${X:-d}` becomes d)."""
    return re.sub(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", r"\1", value)


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
        assert set(proc.env) <= set(env) | secret_settings(), proc.name
        for key in ("HTTP_PORT", "WORKER_PORT", "RELAY_PORT", "JWT_AUDIENCE"):
            full = proc.name.split("-")[0].upper() + "_" + key
            if full in proc.env or proc.name != "console-api":  # the console has only an api
                assert env[full] == proc.env[full], full
        port = int(proc.health.split(":")[2].split("/")[0])
        assert entry.get("ports", []) == (
            [f"{BIND}:{port}:{port}"] if proc.name in PUBLISHED else []
        )
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


# --- safe defaults -----------------------------------------------------------------------------


def test_only_the_apis_and_the_console_are_published_and_on_loopback() -> None:
    published = {name for name, entry in compose().items() if entry.get("ports")}
    assert published == PUBLISHED  # not PostgreSQL, Kafka, the demo SSO, workers or relays
    for name in published:
        for spec in compose()[name]["ports"]:
            assert spec.startswith(BIND + ":"), (name, spec)
            host, _, _ = default(spec).rpartition(":")[0].rpartition(":")
            assert host == "127.0.0.1", (name, spec)
    assert "0.0.0.0:" not in TEXT and "expose" not in TEXT


def committed_secrets() -> set[str]:
    users = json.loads((ROOT / "deploy" / "demo" / "users.json").read_text())
    demo = {u["client_secret"] for u in users if u.get("client_secret")}
    return demo | {f"{s}-dev-password" for s in launcher.SERVICES} | {"postgres:postgres"}


def test_no_secret_is_committed() -> None:
    for secret in committed_secrets():
        assert secret not in TEXT, secret
    for name, entry in compose().items():
        env = entry.get("environment") or {}
        for key, value in env.items():
            if re.search(r"PASSWORD|SECRET|DATABASE_URL", key) and not key.endswith(
                ("_FILE", "_DIR")
            ):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", str(value)), (name, key, value)
        assert not re.search(r"://[^/@\s]+:[^/@\s]+@", " ".join(map(str, env.values()))), name


def test_secrets_are_made_at_first_start_and_reach_every_process() -> None:
    services = compose()
    made = " ".join(services["first-start"]["entrypoint"])
    assert "houqin_shared.first_start /var/lib/houqin/secrets" in made
    for name, entry in services.items():
        if name in ("kafka", "first-start"):
            continue
        assert "secrets:/var/lib/houqin/secrets:ro" in entry["volumes"], name
        needs = entry.get("depends_on", {})
        assert needs, f"{name} must start after first-start, through what it depends on"
    for name, entry in services.items():
        if name in INFRA_ONLY or name == "sso":
            continue
        assert entry["environment"]["HOUQIN_SECRETS_DIR"] == "/var/lib/houqin/secrets", name
    postgres = services["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD_FILE"] == "/var/lib/houqin/secrets/postgres-password"
    assert "--admin-password-file" in services["bootstrap"]["entrypoint"]
    assert "/var/lib/houqin/secrets/users.json" in services["sso"]["entrypoint"]


def test_the_demo_mode_is_explicit_and_the_issuer_is_no_port_of_the_host() -> None:
    services = compose()
    sso = services["sso"]["entrypoint"]
    assert "--demo" in sso
    issuer = sso[sso.index("--issuer") + 1]
    for name, entry in services.items():
        env = entry.get("environment") or {}
        for key, value in env.items():
            if key.endswith("_JWT_ISSUER"):
                assert value == issuer, (name, key)
        if name not in INFRA_ONLY and name != "sso":
            assert default(str(env["HOUQIN_DEMO"])) == "1", name
    assert not re.search(r"//(127\.0\.0\.1|localhost)\b", default(issuer)), issuer


def test_no_container_runs_as_root() -> None:
    for name, entry in compose().items():
        assert str(entry.get("user", "10001")) not in ("0", "root"), name
    for name in launcher.SERVICES:
        text = (ROOT / "services" / name / "Dockerfile").read_text()
        assert "\nUSER 10001\n" in text, name


def test_photos_live_in_a_volume_the_services_user_owns() -> None:
    services = compose()
    photo_dir = services["feedback-api"]["environment"]["FEEDBACK_PHOTO_DIR"]
    for name in ("feedback-api", "feedback-worker"):
        assert f"photos:{photo_dir}" in services[name]["volumes"], name
    dockerfile = (ROOT / "services" / "feedback" / "Dockerfile").read_text()
    assert photo_dir in dockerfile and "chown -R 10001:10001 /var/lib/houqin" in dockerfile
    assert dockerfile.index("chown -R 10001") < dockerfile.index("USER 10001")


def test_feedback_trusts_the_console_alone_as_its_proxy() -> None:
    """Feedback's per-address limits count the visitor the console forwards, so the console
    has a fixed address on the network and feedback trusts exactly that one."""
    services = compose()
    console_ip = services["console-api"]["networks"]["default"]["ipv4_address"]
    for name in ("feedback-api", "feedback-worker", "feedback-relay"):
        env = services[name]["environment"]
        assert env["FEEDBACK_TRUSTED_PROXIES"] == console_ip, name
    [subnet] = yaml.safe_load(TEXT)["networks"]["default"]["ipam"]["config"]
    assert console_ip.rsplit(".", 1)[0] == subnet["subnet"].rsplit(".", 1)[0]
