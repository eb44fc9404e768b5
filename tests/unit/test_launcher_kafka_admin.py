"""The launcher signs in to an instance's Kafka as that instance's admin, whatever the
environment says. `./houqin test` exports the `test` instance's admin; the backup test then
migrated the `fault` instance with it and its broker refused the sign-in (CI at a71b65f)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import launcher  # noqa: E402

from houqin_shared import kafka_acl  # noqa: E402


def test_kafka_users_use_the_instances_own_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "ROOT", tmp_path)
    inst = launcher.Instance("fault", "postgresql://x", "127.0.0.1:31092", port_offset=2000)
    inst.kafka_secrets.mkdir(parents=True)
    (inst.kafka_secrets / "kafka-password-admin").write_text("fault-admin-pw\n")
    monkeypatch.setenv("HOUQIN_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("HOUQIN_KAFKA_SASL_USERNAME", "admin")
    monkeypatch.setenv("HOUQIN_KAFKA_SASL_PASSWORD", "test-instance-admin-pw")
    seen: list[Any] = []

    async def apply(bootstrap: str, admin: Any, secrets: Path, external: list[str]) -> None:
        seen.append((bootstrap, admin, secrets))

    monkeypatch.setattr(kafka_acl, "apply", apply)
    launcher.kafka_users(inst)
    [(bootstrap, admin, secrets)] = seen
    assert bootstrap == "127.0.0.1:31092" and secrets == inst.kafka_secrets
    assert (admin.username, admin.password) == ("admin", "fault-admin-pw")
