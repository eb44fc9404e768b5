"""One access-log line per API request: method, path template, status, duration, request id and
user id (the token's subject, when the request carried a valid one). HOUQIN_ACCESS_LOG=0 turns
it off; the health and metrics probes are logged only when they fail."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import structlog

ENV = "HOUQIN_ACCESS_LOG"
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
USER_KEY = "user_id"  # request.state.user_id, set by houqin_shared.identity.current_principal

log = structlog.get_logger("houqin.access")


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip().lower() not in {"0", "false", "off", "no"}


def route_template(scope: Mapping[str, Any]) -> str:
    """The matched route's path template with its routers' prefixes ("/v1/reports/{report_id}"):
    FastAPI includes routers lazily, so the route's own `path` lacks their prefixes."""
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(effective, "path", None)
    if isinstance(path, str):
        return str(scope.get("root_path", "")) + path
    route = getattr(scope.get("route"), "path", None)
    return str(scope.get("root_path", "")) + route if isinstance(route, str) else "unmatched"


def fields(
    scope: Mapping[str, Any], status: int, seconds: float, request_id: str
) -> dict[str, Any]:
    state = scope.get("state") or {}
    return {
        "method": scope.get("method", "?"),
        "path": route_template(scope),
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "request_id": request_id,
        "user_id": state.get(USER_KEY) if isinstance(state, dict) else None,
    }


def write(scope: Mapping[str, Any], status: int, seconds: float, request_id: str) -> None:
    if scope.get("path") in PROBES and status < 400:
        return
    log.info("access", **fields(scope, status, seconds, request_id))
