"""structlog JSON logs with a correlation id carried through HTTP, the outbox and Kafka.

The correlation id lives in a contextvar: the HTTP middleware binds it from `X-Request-ID`, the
consumer runner binds it from the event's `ce_correlationid` header, and `outbox.add` stores the
current one with the event, so one report can be followed across every service's log lines.
"""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar
from typing import Any

import structlog

from houqin_shared import log_routing

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def correlation_id() -> str | None:
    return _correlation_id.get()


def bind_correlation_id(value: str | None) -> str:
    """Bind `value` (or a fresh id) as the current correlation id and return it."""
    cid = value or uuid.uuid4().hex
    _correlation_id.set(cid)
    structlog.contextvars.bind_contextvars(correlation_id=cid)
    return cid


def configure(service: str, process: str, level: str = "INFO", json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service, process=process)
    # libraries' lines (aiokafka's, uvicorn's, httpx's) and warnings: the same JSON lines
    log_routing.route_stdlib(service, process, level, json)


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
