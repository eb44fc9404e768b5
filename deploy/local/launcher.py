"""Runs the whole platform on this machine: infrastructure, roles, migrations, every service
process, the demo SSO and the demo data. `./houqin run` calls `main`; the end-to-end tests use
`Platform` against the test instance. The process table here is what docker-compose.yml must
agree with (tests/unit/test_compose.py checks it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from supervisor import Supervisor, port_holder, write_launcher_pid

from houqin_shared import kafka_acl
from houqin_shared.bootstrap import SERVICES, bootstrap, service_dsn

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "deploy" / "local" / "infra.sh"
DEMO = ROOT / "deploy" / "demo"
API_PORTS = {"feedback": 8101, "tickets": 8102, "scoring": 8103, "notify": 8104}
SSO_PORT = 8900
CONSOLE_PORT = 8100
DEMO_CONSOLE_SECRET = "demo-console-secret"  # noqa: S105 (the demo SSO's client, deploy/demo)
DEMO_NOTIFY_SECRET = "demo-notify-secret"  # noqa: S105 (the demo SSO's client, deploy/demo)
ROLES = ("api", "worker", "relay")
# so instances can run side by side (h1-h4: one per developer on a shared machine)
PORT_OFFSETS = {
    "demo": 0,
    "test": 1000,
    "fault": 2000,
    "h1": 3000,
    "h2": 4000,
    "h3": 5000,
    "h4": 6000,
    "cluster": 7000,  # a 3-broker Kafka (infra.sh): CI's broker-kill and replica tests
}
PORT_SETTING = {"api": "HTTP_PORT", "worker": "WORKER_PORT", "relay": "RELAY_PORT"}
# The tools' Kafka sign-in (admin, from `infra.sh env`): never passed on to the services, which
# sign in as themselves.
ADMIN_KAFKA_ENV = ("HOUQIN_KAFKA_SASL_USERNAME", "HOUQIN_KAFKA_SASL_PASSWORD")


@dataclass(frozen=True)
class Instance:
    """An isolated copy of the platform: `demo` for people, `test` for the test suite."""

    name: str
    admin_dsn: str
    kafka: str
    port_offset: int = 0
    kafka_protocol: str = "SASL_PLAINTEXT"  # PLAINTEXT: a broker started before SASL came

    @property
    def data(self) -> Path:
        return ROOT / ".data" / self.name

    @property
    def kafka_secrets(self) -> Path:
        """kafka-password-<user> files (admin's made by infra.sh, the others by kafka_acl)."""
        return self.data / "kafka" / "secrets"

    @property
    def kafka_sasl(self) -> bool:
        return self.kafka_protocol.startswith("SASL_")

    def kafka_password(self, user: str) -> str:
        path = self.kafka_secrets / f"kafka-password-{user}"
        return path.read_text().strip() if path.is_file() else ""

    @property
    def sso_url(self) -> str:
        return f"http://127.0.0.1:{SSO_PORT + self.port_offset}"

    def port(self, service: str, role: str) -> int:
        return API_PORTS[service] + {"api": 0, "worker": 10, "relay": 20}[role] + self.port_offset

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service, 'api')}"


def instance(name: str) -> Instance:
    """Start (or reuse) the infrastructure of `name` and describe it."""
    out = subprocess.run([str(INFRA), "start", "--instance", name], check=False)
    if out.returncode != 0:
        raise SystemExit(f"infrastructure for {name!r} did not start (see above)")
    env = subprocess.run(
        [str(INFRA), "env", "--instance", name], capture_output=True, text=True, check=True
    )
    values = dict(
        line.removeprefix("export ").split("=", 1)
        for line in env.stdout.splitlines()
        if "=" in line
    )
    return Instance(
        name,
        values["HOUQIN_PG_ADMIN_DSN"].strip("'\""),
        values["HOUQIN_KAFKA_BOOTSTRAP"].strip("'\""),
        port_offset=PORT_OFFSETS[name],
        kafka_protocol=values["HOUQIN_KAFKA_SECURITY_PROTOCOL"].strip("'\""),
    )


def service_env(inst: Instance, service: str) -> dict[str, str]:
    """The variables one service's processes are configured with (prefix SERVICE_)."""
    p = service.upper() + "_"
    return {
        p + "DATABASE_URL": service_dsn(inst.admin_dsn, service),
        p + "KAFKA_BOOTSTRAP": inst.kafka,
        **kafka_user_env(inst, service),
        **topic_layout_env(inst, service),
        p + "HTTP_PORT": str(inst.port(service, "api")),
        p + "WORKER_PORT": str(inst.port(service, "worker")),
        p + "RELAY_PORT": str(inst.port(service, "relay")),
        p + "JWT_ISSUER": inst.sso_url,
        p + "JWT_JWKS_URL": inst.sso_url + "/.well-known/jwks.json",
        p + "JWT_AUDIENCE": "houqin",
        "HOUQIN_DEMO": "1",  # the local demo SSO serves its JWKS over http
        **(notify_peers(inst) if service == "notify" else {}),
        # the console (same host) forwards its visitors' addresses for feedback's limits
        **({"FEEDBACK_TRUSTED_PROXIES": "127.0.0.1"} if service == "feedback" else {}),
    }


def kafka_user_env(inst: Instance, service: str) -> dict[str, str]:
    """The service signs in to Kafka as its own user (kafka_users made it and its password)."""
    p = service.upper() + "_KAFKA_"
    if not inst.kafka_sasl:
        return {p + "SECURITY_PROTOCOL": inst.kafka_protocol}
    return {
        p + "SECURITY_PROTOCOL": inst.kafka_protocol,
        p + "SASL_USERNAME": service,
        p + "SASL_PASSWORD": inst.kafka_password(service),
    }


def topic_layout_env(inst: Instance, service: str) -> dict[str, str]:
    """On a 3-broker cluster (infra.sh --brokers 3), topics get 3 replicas, 2 in sync per write;
    on one broker the services' defaults (1 replica) stand."""
    if len(inst.kafka.split(",")) < 3:
        return {}
    p = service.upper() + "_KAFKA_TOPIC_"
    return {p + "REPLICATION": "3", p + "MIN_INSYNC": "2"}


def kafka_users(inst: Instance) -> None:
    """Kafka's users and ACLs (houqin_shared.kafka_acl), as the broker's admin. The external
    systems' users: HOUQIN_KAFKA_EXTERNAL_USERS (comma separated), campus-systems by default."""
    if not inst.kafka_sasl:
        print(
            f"warning: {inst.name}'s Kafka runs without SASL (started before it came): restart"
            " it (deploy/local/infra.sh kafka-stop, kafka-start) for users and ACLs",
            file=sys.stderr,
        )
        return
    names = os.environ.get("HOUQIN_KAFKA_EXTERNAL_USERS", ",".join(kafka_acl.EXTERNAL_USERS))
    external = [n.strip() for n in names.split(",") if n.strip()]
    admin = kafka_acl.admin_auth(inst.kafka_secrets)  # this instance's, not the environment's
    asyncio.run(kafka_acl.apply(inst.kafka, admin, inst.kafka_secrets, external))


def notify_peers(inst: Instance) -> dict[str, str]:
    """Notify asks feedback who follows a report, as the SSO client `notify` (deploy/demo)."""
    return {
        "NOTIFY_FEEDBACK_URL": f"http://127.0.0.1:{inst.port('feedback', 'api')}",
        # names of units and places; the console every message links to (issue 16)
        "NOTIFY_TICKETS_URL": f"http://127.0.0.1:{inst.port('tickets', 'api')}",
        "NOTIFY_CONSOLE_URL": console_url(inst),
        "NOTIFY_SSO_TOKEN_URL": inst.sso_url + "/token",
        "NOTIFY_CLIENT_ID": "notify",
        "NOTIFY_CLIENT_SECRET": DEMO_NOTIFY_SECRET,
        # the demo's and the tests' SMTP and webhook peers listen on this machine
        "NOTIFY_WEBHOOK_ALLOW_HOSTS": "localhost,127.0.0.0/8,::1",
    }


def console_url(inst: Instance) -> str:
    return f"http://127.0.0.1:{CONSOLE_PORT + inst.port_offset}"


def console_env(inst: Instance) -> dict[str, str]:
    """The web console: the four APIs, and the demo SSO as its OpenID Connect provider."""
    return {
        "CONSOLE_HTTP_PORT": str(CONSOLE_PORT + inst.port_offset),
        "CONSOLE_PUBLIC_URL": console_url(inst),
        "CONSOLE_OIDC_DISCOVERY_URL": inst.sso_url + "/.well-known/openid-configuration",
        "CONSOLE_OIDC_CLIENT_ID": "console",
        "CONSOLE_OIDC_CLIENT_SECRET": DEMO_CONSOLE_SECRET,
        **{f"CONSOLE_{s.upper()}_URL": inst.url(s) for s in API_PORTS},
    }


@dataclass(frozen=True)
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    health: str


def processes(inst: Instance) -> list[Proc]:
    procs = [
        Proc(
            "sso",
            [
                sys.executable,
                "-m",
                "houqin_shared.devsso",
                "--demo",
                "--port",
                str(SSO_PORT + inst.port_offset),
                "--key-file",
                str(inst.data / "sso-key.pem"),
                "--users",
                str(DEMO / "users.json"),
                "--issuer",
                inst.sso_url,
                "--audience",
                "houqin",
            ],
            {},
            inst.sso_url + "/.well-known/jwks.json",
        )
    ]
    procs.append(
        Proc(
            "console-api",
            [sys.executable, "-m", "console", "api"],
            console_env(inst),
            console_url(inst) + "/healthz",
        )
    )
    for service in SERVICES:
        for role in ROLES:
            procs.append(
                Proc(
                    f"{service}-{role}",
                    [sys.executable, "-m", service, role],
                    service_env(inst, service),
                    f"http://127.0.0.1:{inst.port(service, role)}/healthz",
                )
            )
    return procs


def migrate_all(inst: Instance) -> None:
    asyncio.run(bootstrap(inst.admin_dsn))
    kafka_users(inst)
    for service in SERVICES:
        env = {k: v for k, v in os.environ.items() if k not in ADMIN_KAFKA_ENV}
        env |= service_env(inst, service)
        subprocess.run([sys.executable, "-m", service, "migrate"], env=env, check=True, cwd=ROOT)


@dataclass
class Platform:
    """The service processes of one instance, started and stopped together."""

    inst: Instance
    env: dict[str, str] = field(default_factory=dict)  # extra variables for every process
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)  # time.monotonic() of each spawn
    announce: bool = False  # print a line per process as it becomes ready (./houqin run)

    def start(self, only: list[str] | None = None, extra_env: dict[str, str] | None = None) -> None:
        for proc in processes(self.inst):
            if only is not None and proc.name not in only:
                continue
            port = int(proc.health.split(":")[2].split("/")[0])
            if _port_in_use(port):
                holder = port_holder(port) or "a process that has since let it go"
                raise RuntimeError(
                    f"port {port} for {proc.name} is taken by {holder}; is another copy running?"
                )
            self.spawn(proc, extra_env)
        self.wait_healthy(only)

    def spawn(self, proc: Proc, extra_env: dict[str, str] | None = None) -> None:
        """Start one process (its output appended to .data/<instance>/logs/<name>.log)."""
        logs = self.inst.data / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = (logs / f"{proc.name}.log").open("ab")
        self.running[proc.name] = subprocess.Popen(
            proc.argv,
            env={
                **{k: v for k, v in os.environ.items() if k not in ADMIN_KAFKA_ENV},
                "PYTHONUNBUFFERED": "1",
                **proc.env,
                **self.env,
                **(extra_env or {}),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        log.close()
        self.started[proc.name] = time.monotonic()

    def wait_healthy(self, only: list[str] | None = None, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        for proc in processes(self.inst):
            if only is not None and proc.name not in only:
                continue
            while True:
                popen = self.running[proc.name]
                if popen.poll() is not None:
                    raise RuntimeError(
                        f"{proc.name} exited with {popen.returncode}; see {self.inst.data}/logs"
                    )
                try:
                    if httpx.get(proc.health, timeout=1).status_code == 200:
                        if self.announce:
                            took = time.monotonic() - self.started.get(proc.name, 0)
                            print(
                                f"  ready  {proc.name:<16} {proc.health.split('/')[2]}"
                                f"  pid {popen.pid}  {took:.1f}s",
                                flush=True,
                            )
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{proc.name} not healthy after {timeout_s}s")
                time.sleep(0.2)

    def signal(self, name: str, sig: int) -> None:
        """Send `sig` to one process and wait for it to end (SIGKILL for a crash)."""
        self.running[name].send_signal(sig)
        self.running[name].wait(timeout=30)

    def stop(self) -> None:
        for popen in self.running.values():
            if popen.poll() is None:
                popen.send_signal(signal.SIGTERM)
        for name, popen in self.running.items():
            try:
                popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in 20s; killing it", file=sys.stderr)
                popen.kill()
        self.running.clear()


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def token(inst: Instance, username: str) -> str:
    r = httpx.post(inst.sso_url + "/demo-login", json={"username": username}, timeout=5)
    r.raise_for_status()
    return str(r.json()["access_token"])


def load_demo(inst: Instance) -> None:
    """The demo directory (tickets) and service catalogue (feedback), through their APIs."""
    admin = {"Authorization": "Bearer " + token(inst, "admin")}
    catalog = yaml.safe_load((DEMO / "catalog.yaml").read_text())["services"]
    for entry in catalog:
        body = {k: v for k, v in entry.items() if k != "code"}
        r = httpx.put(
            f"{inst.url('feedback')}/v1/catalog/{entry['code']}",
            json=body,
            headers=admin,
            timeout=30,
        )
        r.raise_for_status()
    print(f"demo catalogue: {len(catalog)} services")
    directory = yaml.safe_load((DEMO / "directory.yaml").read_text())
    r = httpx.put(
        inst.url("tickets") + "/v1/directory",
        json=directory,
        headers=admin,
        timeout=30,
    )
    r.raise_for_status()
    body = r.json()
    print(
        f"demo directory: {len(body['departments'])} departments, {len(body['teams'])} teams, {len(body['areas'])} areas"
    )


def banner(inst: Instance) -> str:
    users = ", ".join(u["username"] for u in json.loads((DEMO / "users.json").read_text()))
    lines = [
        "",
        "Houqin is running:",
        f"  console        {console_url(inst)}/  (web pages: sign in as any demo user)",
    ]
    lines += [f"  {s:<9} API  {inst.url(s)}/docs" for s in SERVICES]
    lines += [
        f'  demo SSO       {inst.sso_url}  (POST /demo-login {{"username": ...}}; users: {users})',
        f"  PostgreSQL     {inst.admin_dsn}",
        f"  Kafka          {inst.kafka}  (SASL/SCRAM; users' passwords in {inst.kafka_secrets})",
        f"  logs           {inst.data / 'logs'}",
        "",
        "Try it:",
        f"  T=$(curl -s -XPOST {inst.sso_url}/demo-login -H 'content-type: application/json' -d '{{\"username\":\"student\"}}' | python3 -c 'import json,sys;print(json.load(sys.stdin)[\"access_token\"])')",
        f"  curl -s -XPOST {inst.url('feedback')}/v1/reports -H \"Authorization: Bearer $T\" -H 'content-type: application/json' \\",
        '    -d \'{"kind":"repair","category":"plumbing","location":{"campus":"north","building":"north-dorm-7","room":"312"},"description":"水龙头漏水 leaking tap"}\'',
        "",
        "Processes that die are restarted (logs/launcher.log); ./houqin status lists them.",
        "Ctrl-C or ./houqin stop stops everything.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the whole Houqin platform locally.")
    parser.add_argument("--instance", default="demo")
    parser.add_argument(
        "--no-demo-data",
        action="store_true",
        help="skip seeding campus life (deploy/demo/seed_life.py)",
    )
    args = parser.parse_args()
    stop = {"now": False, "supervising": False}

    def on_signal(signum: int, frame: object) -> None:
        stop["now"] = True
        if not stop["supervising"]:  # still starting: leave the start-up at once
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    inst = instance(args.instance)
    write_launcher_pid(inst.data)
    platform = Platform(inst, announce=True)
    try:
        migrate_all(inst)
        print("starting the processes ...", flush=True)
        platform.start()
        load_demo(inst)
        if not args.no_demo_data:
            sys.path.insert(0, str(DEMO))
            import seed_life  # deploy/demo/seed_life.py: reports, tickets, ratings, a campaign

            seed_life.run(inst.url, inst.sso_url)
        print(banner(inst), flush=True)
        stop["supervising"] = True
        if not stop["now"]:
            Supervisor(platform).run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop["supervising"] = True  # a second Ctrl-C must not break the stopping
        print("stopping services ...", flush=True)
        platform.stop()
        subprocess.run([str(INFRA), "stop", "--instance", inst.name], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
