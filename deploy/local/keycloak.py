"""A real Keycloak on this machine, for the identity-provider test and for trying a campus set-up
(docs/identity.md): the `keycloak-quarkus-dist` zip from Maven Central, run in dev mode (an
in-memory H2 database, plain http on 127.0.0.1) with the realm deploy/keycloak/houqin-realm.json
imported at every start, so it always holds exactly what the repository says.

    uv run python deploy/local/keycloak.py start|stop|status [--instance demo|test|h1..]

Keycloak 26 needs Java 21 or newer; the first start of an instance builds Keycloak (Quarkus
augmentation, a minute or two on a busy machine), later starts reuse that build. The zip is
fetched once per clone with Maven into .data/ (a lock keeps two fetches from racing), unpacked
once per instance into .data/<instance>/keycloak/.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
REALM_FILE = ROOT / "deploy" / "keycloak" / "houqin-realm.json"
REALM = "houqin"
VERSIONS = ("26.7.3", "26.5.6")  # the first Maven can fetch is used
MIN_JAVA = 21
# Ports, plus the instance's port offset (launcher.PORT_OFFSETS): Keycloak's http and management
# interfaces, and the console and tickets API that the Keycloak test runs against it.
PORT = 8980
MANAGEMENT_PORT = 8981
TEST_CONSOLE_PORT = 8982
TEST_TICKETS_PORT = 8983
PORTS = (PORT, MANAGEMENT_PORT, TEST_CONSOLE_PORT, TEST_TICKETS_PORT)
START_TIMEOUT_S = 480  # a first start builds Keycloak; both take minutes on a busy 2-core machine


class KeycloakError(RuntimeError):
    """Keycloak cannot be had here: no Java 21, no zip, or it did not start (the reason says)."""


# --- Java --------------------------------------------------------------------------------------


def java_major(java: Path) -> int | None:
    """17 for 'openjdk version "17.0.15"'; None when it does not run."""
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)', out.stderr + out.stdout)
    return int(found[1]) if found else None


def find_java_home(jvm_dir: Path = Path("/usr/lib/jvm")) -> Path:
    """A JDK or JRE of Java 21 or newer: JAVA_HOME, the `java` on PATH, then /usr/lib/jvm/*
    (newest first), as infra.sh finds Java 17 for Kafka."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve())
    candidates += sorted(jvm_dir.glob("*/bin/java"), key=_version_key, reverse=True)
    seen = []
    for java in candidates:
        major = java_major(java) if java.is_file() else None
        seen.append(f"{java} ({major or 'does not run'})")
        if major is not None and major >= MIN_JAVA:
            return java.parent.parent
    raise KeycloakError(
        f"Keycloak 26 needs Java {MIN_JAVA} or newer and none was found (tried: "
        f"{', '.join(seen) or 'no java at all'}); install one, e.g. apt-get install"
        " openjdk-21-jre-headless, or set JAVA_HOME"
    )


def _version_key(java: Path) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", java.parent.parent.name)] or [0]


# --- the distribution --------------------------------------------------------------------------


def fetch_zip() -> Path:
    """The distribution's zip under .data/, fetched with Maven the first time (the first of
    VERSIONS the configured repository serves)."""
    DATA.mkdir(parents=True, exist_ok=True)
    with (DATA / ".keycloak-dist.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another fetch of this clone finishes first
        for version in VERSIONS:
            if (DATA / f"keycloak-quarkus-dist-{version}.zip").is_file():
                return DATA / f"keycloak-quarkus-dist-{version}.zip"
        if shutil.which("mvn") is None:
            raise KeycloakError(
                "Maven (mvn) is needed once to fetch Keycloak: apt-get install maven"
            )
        tried = []
        for version in VERSIONS:
            zip_path = _maven_copy(version)
            if zip_path is not None:
                return zip_path
            tried.append(version)
        raise KeycloakError(
            f"Maven could not fetch org.keycloak:keycloak-quarkus-dist {' or '.join(tried)}"
            f" (see {DATA}/keycloak-dist.mvn.log)"
        )


def _maven_copy(version: str) -> Path | None:
    print(f"fetching Keycloak {version} from Maven (first run only) ...", file=sys.stderr)
    tmp = DATA / f"keycloak-dist.tmp.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    with (DATA / "keycloak-dist.mvn.log").open("a") as log:
        done = subprocess.run(
            ["mvn", "-q", "-B", "-Dstyle.color=never", "dependency:copy",
             f"-Dartifact=org.keycloak:keycloak-quarkus-dist:{version}:zip",
             f"-DoutputDirectory={tmp}"],
            stdout=log, stderr=subprocess.STDOUT, cwd=DATA, timeout=900, check=False,
        )  # fmt: skip
    got = tmp / f"keycloak-quarkus-dist-{version}.zip"
    if done.returncode != 0 or not got.is_file() or not zipfile.is_zipfile(got):
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    final = DATA / got.name
    got.rename(final)
    shutil.rmtree(tmp, ignore_errors=True)
    return final


def unpack(zip_path: Path, home: Path) -> Path:
    """The distribution unpacked into `home` once (kept, with the build of its first start)."""
    with zipfile.ZipFile(zip_path) as archive:
        top = archive.namelist()[0].split("/")[0]  # keycloak-<version>
        dist = home / top
        if not (dist / ".unpacked").is_file():
            shutil.rmtree(dist, ignore_errors=True)
            home.mkdir(parents=True, exist_ok=True)
            archive.extractall(home)
            (dist / "bin" / "kc.sh").chmod(0o755)
            (dist / ".unpacked").write_text(zip_path.name + "\n")
    return dist


# --- one instance's Keycloak -------------------------------------------------------------------


@dataclass(frozen=True)
class Keycloak:
    """The Keycloak of one instance (its ports shifted by the instance's offset)."""

    instance: str
    offset: int

    @property
    def home(self) -> Path:
        return DATA / self.instance / "keycloak"

    @property
    def port(self) -> int:
        return PORT + self.offset

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/protocol/openid-connect/certs"

    @property
    def pid_file(self) -> Path:
        return self.home / "keycloak.pid"

    @property
    def log(self) -> Path:
        return self.home / "keycloak.log"

    def pid(self) -> int | None:
        """The running Keycloak's process group id, or None."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def ready(self) -> bool:
        try:
            return httpx.get(self.discovery_url, timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def start(self, timeout_s: float = START_TIMEOUT_S) -> float:
        """Start it (or find it running) and wait until its realm answers; seconds it took."""
        began = time.monotonic()
        if self.pid() is not None and self.ready():
            return 0.0
        self.stop()
        java_home = find_java_home()
        dist = unpack(fetch_zip(), self.home)
        (dist / "data" / "import").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REALM_FILE, dist / "data" / "import" / REALM_FILE.name)
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                [str(dist / "bin" / "kc.sh"), "start-dev", "--db=dev-mem", "--import-realm",
                 "--http-host=127.0.0.1", f"--http-port={self.port}",
                 f"--http-management-port={MANAGEMENT_PORT + self.offset}"],
                env=self._env(java_home), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=dist, start_new_session=True,
            )  # fmt: skip
        self.pid_file.write_text(f"{process.pid}\n")
        while not self.ready():
            if process.poll() is not None:
                raise KeycloakError(f"Keycloak exited with {process.returncode}: {self._tail()}")
            if time.monotonic() - began > timeout_s:
                self.stop()
                raise KeycloakError(f"Keycloak not ready after {timeout_s:.0f} s: {self._tail()}")
            time.sleep(1)
        return time.monotonic() - began

    def _env(self, java_home: Path) -> dict[str, str]:
        admin_password = self.home / "admin-password"
        if not admin_password.is_file():
            admin_password.write_text(secrets.token_urlsafe(18) + "\n")
            admin_password.chmod(0o600)
        return {
            **os.environ,
            "JAVA_HOME": str(java_home),
            "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m",
            # a quick start matters more here than the best compiled code
            "JAVA_OPTS_APPEND": "-XX:TieredStopAtLevel=1",
            "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",  # the master realm's admin (admin console)
            "KC_BOOTSTRAP_ADMIN_PASSWORD": admin_password.read_text().strip(),
        }

    def _tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return f"no log at {self.log}"
        return f"(last lines of {self.log})\n" + "\n".join(lines[-15:])

    def stop(self, timeout_s: float = 30) -> None:
        pid = self.pid()
        if pid is None:
            return
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.pid() is not None:
            _signal_group(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(OSError):  # kc.sh and its JVM: started in a session of their own
        os.killpg(pid, sig)


def for_instance(name: str) -> Keycloak:
    import launcher  # the port offsets of the instances

    return Keycloak(name, launcher.PORT_OFFSETS[name])


def main() -> int:
    parser = argparse.ArgumentParser(description="A local Keycloak with the Houqin realm.")
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--instance", default="demo")
    args = parser.parse_args()
    kc = for_instance(args.instance)
    if args.command == "stop":
        kc.stop()
        print(f"keycloak  stopped ({args.instance})")
    elif args.command == "status":
        running = kc.pid() is not None and kc.ready()
        print(f"keycloak  {'running' if running else 'stopped'}  {kc.issuer}")
        return 0 if running else 3
    else:
        try:
            took = kc.start()
        except KeycloakError as exc:
            print(f"keycloak: error: {exc}", file=sys.stderr)
            return 1
        print(f"keycloak  running  {kc.issuer}  ({took:.0f} s; log {kc.log})")
        print(f"  admin console {kc.url}/admin/ (admin, password in {kc.home}/admin-password)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
