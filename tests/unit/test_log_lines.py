"""Every log line is one JSON object: the libraries' stdlib lines and warnings too; and each API
request writes one access-log line that HOUQIN_ACCESS_LOG=0 turns off."""

from __future__ import annotations

import json
import logging
import warnings
from typing import Annotated

import pytest
import structlog
from fastapi import Depends
from fastapi.testclient import TestClient

from houqin_shared import access_log, log_routing, logs
from houqin_shared.http import base_app
from houqin_shared.identity import JwksCache, TokenVerifier, current_principal, install_identity
from houqin_shared.principal import Principal


def record(name: str, level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_a_library_line_becomes_json_with_time_level_service_and_correlation() -> None:
    formatter = log_routing.stdlib_formatter("tickets", "worker")
    logs.bind_correlation_id("rid-7")
    try:
        rec = record("aiokafka.consumer", logging.WARNING, "lag %d", 12)
        rec.color_message = "lag \x1b[36m%d\x1b[0m"  # as uvicorn adds
        rec.topic = "feedback.events"  # an `extra` field is kept
        line = formatter.format(rec)
    finally:
        structlog.contextvars.clear_contextvars()
    body = json.loads(line)
    assert body["event"] == "lag 12"
    assert body["level"] == "warning"
    assert body["logger"] == "aiokafka.consumer"
    assert (body["service"], body["process"]) == ("tickets", "worker")
    assert body["correlation_id"] == "rid-7"
    assert body["timestamp"].endswith("Z")
    assert body["topic"] == "feedback.events"
    assert "color_message" not in body


def test_an_exception_is_kept_inside_the_json_line() -> None:
    formatter = log_routing.stdlib_formatter("notify", "api")
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        rec = logging.LogRecord(
            "uvicorn.error", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = formatter.format(rec)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_route_stdlib_sends_root_and_warnings_through_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        log_routing.route_stdlib("scoring", "relay")
        logging.getLogger("asyncpg.pool").error("pool closed")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("old api", DeprecationWarning, stacklevel=1)
        lines = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.captureWarnings(False)
    assert [x["logger"] for x in lines] == ["asyncpg.pool", "py.warnings"]
    assert all(x["service"] == "scoring" for x in lines)
    assert "old api" in lines[1]["event"]


class SignedIn(TokenVerifier):
    """A verifier that takes any token as user u-42 (the route under test is not about JWTs)."""

    async def verify(self, token: str) -> Principal:
        return Principal("u-42", frozenset())


def app_with_one_route():  # type: ignore[no-untyped-def]
    app = base_app("feedback")
    install_identity(app, SignedIn("https://sso.test", "houqin", JwksCache("http://127.0.0.1:9/")))

    @app.get("/v1/reports/{report_id}")
    async def one(
        report_id: str, who: Annotated[Principal, Depends(current_principal)]
    ) -> dict[str, str]:
        return {"id": report_id}

    app.get("/healthz")(lambda: {"ok": True})
    return app


def test_each_request_writes_one_access_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access_log.ENV, raising=False)
    with TestClient(app_with_one_route()) as client, structlog.testing.capture_logs() as seen:
        r = client.get(
            "/v1/reports/abc", headers={"Authorization": "Bearer x", "X-Request-ID": "r-1"}
        )
        client.get("/v1/reports/abc")  # no token: 401, no user
        client.get("/healthz")  # a passing probe: not logged
    assert r.status_code == 200
    lines = [x for x in seen if x["event"] == "access"]
    assert len(lines) == 2
    first, second = lines
    assert first["method"] == "GET"
    assert first["path"] == "/v1/reports/{report_id}"  # the template, not the id
    assert (first["status"], first["request_id"], first["user_id"]) == (200, "r-1", "u-42")
    assert first["duration_ms"] >= 0
    assert (second["status"], second["user_id"]) == (401, None)


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_the_access_log_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(access_log.ENV, value)
    with TestClient(app_with_one_route()) as client, structlog.testing.capture_logs() as seen:
        client.get("/v1/reports/abc", headers={"Authorization": "Bearer x"})
    assert [x for x in seen if x["event"] == "access"] == []
