"""deploy/local/keycloak.py finds a Java 21 or newer beside Java 17, or says clearly that there
is none (the Keycloak test then fails with that reason: it is never skipped)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import keycloak  # noqa: E402


def fake_jdk(jvm: Path, name: str, version: str) -> Path:
    java = jvm / name / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-09-16' >&2\n")
    java.chmod(0o755)
    return java.parent.parent


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    return tmp_path / "jvm"


def test_the_newest_jdk_of_21_or_more_is_chosen(no_java: Path) -> None:
    fake_jdk(no_java, "java-17-openjdk-amd64", "17.0.15")
    newest = fake_jdk(no_java, "temurin-25-jdk-amd64", "25.0.1")
    fake_jdk(no_java, "java-21-openjdk-amd64", "21.0.8")

    assert keycloak.find_java_home(no_java) == newest


def test_java_home_comes_first_when_new_enough(
    no_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_jdk(no_java, "temurin-25-jdk-amd64", "25.0.1")
    home = fake_jdk(no_java.parent / "opt", "jdk-21", "21.0.8")
    monkeypatch.setenv("JAVA_HOME", str(home))

    assert keycloak.find_java_home(no_java) == home


def test_only_java_17_is_a_clear_failure(no_java: Path) -> None:
    fake_jdk(no_java, "java-17-openjdk-amd64", "17.0.15")

    with pytest.raises(keycloak.KeycloakError, match="needs Java 21 or newer") as caught:
        keycloak.find_java_home(no_java)

    assert "java-17-openjdk-amd64/bin/java (17)" in str(caught.value)


def test_no_java_at_all_is_a_clear_failure(no_java: Path) -> None:
    with pytest.raises(keycloak.KeycloakError, match="no java at all"):
        keycloak.find_java_home(no_java)


def test_every_port_is_shifted_by_the_instance() -> None:
    kc = keycloak.Keycloak("h3", 5000)

    assert kc.issuer == "http://127.0.0.1:13980/realms/houqin"
    assert kc.jwks_url == kc.issuer + "/protocol/openid-connect/certs"
