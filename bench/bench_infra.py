"""Where the benchmarks run: the `test` instance of deploy/local (started when needed)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def infra() -> tuple[str, str]:
    """The admin DSN and Kafka bootstrap of the test instance, starting it if the environment
    does not already name one (`eval "$(deploy/local/infra.sh env --instance test)"`)."""
    if not os.environ.get("HOUQIN_PG_ADMIN_DSN"):
        script = ROOT / "deploy" / "local" / "infra.sh"
        subprocess.run([str(script), "start", "--instance", "test"], check=True)
        out = subprocess.run(
            [str(script), "env", "--instance", "test"], check=True, capture_output=True, text=True
        )
        for line in out.stdout.splitlines():
            k, v = line.removeprefix("export ").split("=", 1)
            os.environ[k] = v.strip("'\"")
    return os.environ["HOUQIN_PG_ADMIN_DSN"], os.environ["HOUQIN_KAFKA_BOOTSTRAP"]


def pgbench(dsn: str, script: str, seconds: int, clients: int = 8) -> float:
    """pgbench's transactions/s for `script` (SQL, one transaction per run of it) at `clients`
    clients on two threads: the baseline every benchmark prints its figures beside."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as file:
        file.write(script)
    binary = next(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    command = [str(binary), "-n", "-c", str(clients), "-j", "2", "-T", str(seconds)]
    out = subprocess.run(
        [*command, "-f", file.name, dsn], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def one_row_insert(schema: str) -> str:
    """The plain baseline: a one-row insert (id, jsonb, timestamp) into `schema`.pgb."""
    return f"INSERT INTO {schema}.pgb (payload) VALUES ('{{\"k\": 1}}');\n"
