"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "deploy" / "local" / "infra.sh"


@dataclass(frozen=True)
class Infra:
    """Where the test instance's PostgreSQL (as superuser) and Kafka are."""

    admin_dsn: str
    kafka: str


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
