"""Where the benchmarks run: the `test` instance of deploy/local (started when needed)."""

from __future__ import annotations

import os
import subprocess
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
