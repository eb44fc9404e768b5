"""docker-compose's secrets: made once at first start, kept, and read by every process from
HOUQIN_SECRETS_DIR (the environment still wins); nothing committed reaches the demo SSO."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pydantic_settings import SettingsConfigDict

from houqin_shared.bootstrap import SERVICES, password_for
from houqin_shared.first_start import first_start, secret_settings
from houqin_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
USERS = ROOT / "deploy" / "demo" / "users.json"


class FeedbackLike(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_")


def contents(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(directory.iterdir())}


def test_first_start_makes_every_secret_once(tmp_path: Path) -> None:
    first_start(tmp_path, "postgres:5432/houqin", USERS)
    made = contents(tmp_path)
    assert {"postgres-password", "users.json"} <= set(made)
    assert secret_settings() <= set(made)
    assert {f"db-password-{s}" for s in SERVICES} <= set(made)
    password = made["db-password-tickets"]
    assert len(password) >= 32
    assert made["TICKETS_DATABASE_URL"] == f"postgresql://tickets:{password}@postgres:5432/houqin"
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path.name
    first_start(tmp_path, "postgres:5432/houqin", USERS)  # the next start keeps them
    assert contents(tmp_path) == made


def test_the_demo_sso_gets_fresh_client_secrets(tmp_path: Path) -> None:
    first_start(tmp_path, "postgres:5432/houqin", USERS)
    committed = {u["username"]: u.get("client_secret") for u in json.loads(USERS.read_text())}
    served = {
        u["username"]: u.get("client_secret")
        for u in json.loads((tmp_path / "users.json").read_text())
    }
    assert served.keys() == committed.keys()
    for client, secret in committed.items():
        if secret is None:
            assert served[client] is None
        else:
            assert served[client] not in (None, secret)
            assert served[client] == (tmp_path / f"client-secret-{client}").read_text()
    assert (tmp_path / "NOTIFY_CLIENT_SECRET").read_text() == served["notify"]


def test_processes_read_the_secrets_directory_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_start(tmp_path, "postgres:5432/houqin", USERS)
    monkeypatch.delenv("FEEDBACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("HOUQIN_DB_PASSWORD_FEEDBACK", raising=False)
    assert FeedbackLike().database_url.startswith("postgresql://postgres@")  # no directory: default
    assert password_for("feedback") == "feedback-dev-password"
    monkeypatch.setenv("HOUQIN_SECRETS_DIR", str(tmp_path))
    assert FeedbackLike().database_url == (tmp_path / "FEEDBACK_DATABASE_URL").read_text()
    assert password_for("feedback") == (tmp_path / "db-password-feedback").read_text()
    monkeypatch.setenv("FEEDBACK_DATABASE_URL", "postgresql://feedback:given@db/houqin")
    monkeypatch.setenv("HOUQIN_DB_PASSWORD_FEEDBACK", "given")
    assert FeedbackLike().database_url == "postgresql://feedback:given@db/houqin"
    assert password_for("feedback") == "given"
