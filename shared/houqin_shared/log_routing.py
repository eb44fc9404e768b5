"""Every log line of a process as one JSON object: the libraries' stdlib loggers (aiokafka,
uvicorn, httpx, asyncpg) and Python's warnings go through structlog's ProcessorFormatter, so
they carry the same timestamp, level, service, process and correlation id as our own lines."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

NOISY = ("aiokafka", "kafka", "uvicorn.access", "httpx", "httpcore")


def _tagger(service: str, process: str) -> Processor:
    def tag(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event.setdefault("service", service)
        event.setdefault("process", process)
        return event

    return tag


def _drop_color(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    return event


def stdlib_formatter(service: str, process: str, json: bool = True) -> logging.Formatter:
    """A formatter turning a stdlib LogRecord into the same line structlog writes."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    pre_chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _tagger(service, process),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _drop_color,
    ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def route_stdlib(service: str, process: str, level: str = "INFO", json: bool = True) -> None:
    """The root logger writes JSON lines to stderr (replacing any handler set before)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(stdlib_formatter(service, process, json))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # warnings.warn(...) as log lines too, not bare stderr text
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # uvicorn's own handlers, if any
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
