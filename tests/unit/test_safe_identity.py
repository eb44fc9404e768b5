"""The services take their signing keys over https only, unless the explicit demo mode
(HOUQIN_DEMO) is on: a JWKS over plain http lets anyone on the way sign any token."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from houqin_shared.identity import InsecureJwksError, check_jwks_url, verifier_from_settings
from houqin_shared.settings import ServiceSettings

DEMO_JWKS = "http://127.0.0.1:8900/.well-known/jwks.json"


def test_an_https_jwks_is_accepted_in_either_mode() -> None:
    check_jwks_url("https://sso.example.edu.cn/jwks", demo_mode=False)
    check_jwks_url("https://sso.example.edu.cn/jwks", demo_mode=True)


@pytest.mark.parametrize("url", [DEMO_JWKS, "HTTP://sso.example.edu.cn/jwks"])
def test_an_http_jwks_is_refused_outside_the_demo_mode(url: str) -> None:
    with pytest.raises(InsecureJwksError, match="HOUQIN_DEMO=1"):
        check_jwks_url(url, demo_mode=False)
    check_jwks_url(url, demo_mode=True)


@pytest.mark.parametrize("url", ["", "ftp://sso/jwks", "file:///etc/jwks.json", "sso/jwks"])
def test_anything_but_http_or_https_is_refused_even_in_the_demo_mode(url: str) -> None:
    with pytest.raises(InsecureJwksError):
        check_jwks_url(url, demo_mode=True)


def test_a_service_refuses_to_start_with_an_http_jwks_outside_the_demo_mode() -> None:
    with pytest.raises(InsecureJwksError):
        verifier_from_settings(ServiceSettings(jwt_jwks_url=DEMO_JWKS, demo_mode=False))
    verifier = verifier_from_settings(ServiceSettings(jwt_jwks_url=DEMO_JWKS, demo_mode=True))
    assert verifier.jwks.url == DEMO_JWKS


def test_the_defaults_name_no_http_port_of_this_host() -> None:
    defaults = {
        name: info.default
        for name, info in ServiceSettings.model_fields.items()
        if name in ("jwt_issuer", "jwt_jwks_url")
    }
    assert all(str(url).startswith("https://") for url in defaults.values()), defaults
    assert ServiceSettings.model_fields["demo_mode"].default is False


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_the_demo_mode_is_one_unprefixed_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, on: bool
) -> None:
    monkeypatch.setenv("HOUQIN_DEMO", value)
    assert ServiceSettings().demo_mode is on


def test_an_api_process_refuses_to_start_with_a_clear_error() -> None:
    env = {
        "PATH": os.environ["PATH"],
        "TICKETS_JWT_JWKS_URL": DEMO_JWKS,
        "TICKETS_HTTP_PORT": "1",  # never bound: the refusal comes first
        "HOUQIN_DEMO": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tickets", "api"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "InsecureJwksError: refusing to start" in done.stderr, done.stderr[-2000:]
