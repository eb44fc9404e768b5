"""The demo SSO the launcher starts writes only JSON lines, each with a timestamp: its own,
uvicorn's (start-up, shutdown) and one access-log line per request (the refusal to start
without --demo: test_devsso_oidc)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

USERS = [{"username": "student", "name": "李同学", "roles": ["reporter"]}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def json_lines(output: str) -> list[dict[str, Any]]:
    lines = [line for line in output.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # a plain-text line fails here
    assert all(isinstance(x, dict) and x.get("timestamp") for x in parsed), output
    return parsed


def sso(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    users = tmp_path / "users.json"
    users.write_text(json.dumps(USERS), encoding="utf-8")
    argv = [sys.executable, "-m", "houqin_shared.devsso", *extra, "--key-file"]
    argv += [str(tmp_path / "key.pem"), "--users", str(users)]
    env = {k: v for k, v in os.environ.items() if k not in {"HOUQIN_DEMO", "HOUQIN_ACCESS_LOG"}}
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def wait_up(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(base + "/.well-known/jwks.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the demo SSO did not start")


def test_every_line_of_the_demo_sso_is_json_with_a_timestamp(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = sso(tmp_path, "--demo", "--port", str(port), "--issuer", base)
    try:
        wait_up(base, proc)
        login = httpx.post(base + "/demo-login", json={"username": "student"}, timeout=5)
        missing = httpx.get(base + "/no-such-page", timeout=5)
        refused = httpx.post(base + "/demo-login", json={"username": "nobody"}, timeout=5)
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    assert (login.status_code, missing.status_code) == (200, 404)
    assert refused.status_code >= 400
    lines = json_lines(output)
    access = [x for x in lines if x["event"] == "access"]
    assert [(x["method"], x["path"], x["status"]) for x in access][-3:] == [
        ("POST", "/demo-login", 200),
        ("GET", "unmatched", 404),
        ("POST", "/demo-login", refused.status_code),
    ]
    assert all(x["service"] == "sso" for x in lines)
    uvicorn_lines = [x for x in lines if str(x.get("logger", "")).startswith("uvicorn")]
    assert any("Uvicorn running" in x["event"] for x in uvicorn_lines)
    assert any("Shutting down" in x["event"] for x in uvicorn_lines)
