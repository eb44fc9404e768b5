"""Event contracts carried as CloudEvents 1.0 in Kafka binary mode.

A contract is a pydantic model with a versioned CloudEvents type (`houqin.<service>.<Name>.v<N>`),
the topic it is published on and the aggregate id it is keyed by. In binary mode the event's
attributes travel as `ce_*` Kafka headers and the value is the contract's JSON alone.
Contracts only grow: a new optional field is fine, a changed meaning is a new version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class Event(BaseModel):
    """Base of every contract. Unknown fields are ignored so older readers accept newer events."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", json_schema_serialization_defaults_required=True
    )

    event_type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]
    summary: ClassVar[str] = ""
    # "send": the platform publishes it; "receive": other systems publish it and we consume.
    action: ClassVar[str] = "send"

    def key(self) -> str:
        """The aggregate id this event is keyed by (Kafka key and CloudEvents subject)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Envelope:
    """A contract with its CloudEvents attributes, as stored in the outbox and sent to Kafka."""

    data: Event
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None
    # ce_source: the contract's own unless given (an inbound report's names the system that
    # sent it). CloudEvents makes only (source, id) unique, so the inbox keys on both.
    source: str = ""

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", self.data.source)

    @property
    def type(self) -> str:
        return self.data.event_type

    def headers(self) -> dict[str, str]:
        out = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.data.event_type,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.data.key(),
            "content-type": CONTENT_TYPE,
        }
        if self.correlation_id:
            out["ce_correlationid"] = self.correlation_id
        return out

    def value(self) -> bytes:
        return self.data.model_dump_json().encode()


class BadEvent(Exception):
    """An event that can never be handled: not CloudEvents, unknown type, or invalid data.

    `reason` is a short machine-readable code that goes into the dead-letter headers.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def header_dict(headers: list[tuple[str, bytes]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, raw in headers or []:
        try:
            out[name] = raw.decode() if raw is not None else ""
        except UnicodeDecodeError as exc:
            raise BadEvent("bad_header", f"header {name!r} is not UTF-8") from exc
    return out


def parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadEvent("bad_header", f"ce_time {value!r} is not RFC 3339") from exc


# Every ce_source of the platform's own services starts so; no other system may use one.
PLATFORM_SOURCE_PREFIX = "/houqin/"


def check_origin(model: type[Event], topic: str, source: str, topics: set[str]) -> None:
    """Raise BadEvent unless an event of `model` from `source` may come on `topic`.

    A platform topic (one of `topics`, those of the registry's contracts) carries only the
    types published on it: its owning service's, or on the inbound topic the external report.
    A type the platform publishes comes only from its owning service's ce_source; a type other
    systems publish from any source but the platform's own. A topic of no contract (a test's
    private copy of a platform topic) is not checked. The headers can be forged by anyone who
    can write the topic: broker ACLs are what stop that; this catches the rest."""
    if topic in topics and topic != model.topic:
        raise BadEvent(
            "wrong_topic", f"{model.event_type} is published on {model.topic}, not {topic}"
        )
    if model.action == "send" and source != model.source:
        raise BadEvent(
            "forged_source", f"{model.event_type} comes from {model.source} only, not {source!r}"
        )
    if model.action != "send" and source.startswith(PLATFORM_SOURCE_PREFIX):
        raise BadEvent(
            "forged_source", f"{model.event_type} from {source!r}: a platform service's source"
        )


def decode(
    headers: list[tuple[str, bytes]] | None,
    value: bytes | None,
    registry: dict[str, type[Event]],
    topic: str,
) -> Envelope:
    """Turn a Kafka record (binary-mode CloudEvent) read from `topic` back into an Envelope, or
    raise BadEvent (see `check_origin` for which topic and source a type may come from)."""
    h = header_dict(headers)
    for required in ("ce_id", "ce_source", "ce_type", "ce_specversion"):
        if not h.get(required):
            raise BadEvent("not_cloudevent", f"missing header {required}")
    if h["ce_specversion"] != SPEC_VERSION:
        raise BadEvent("not_cloudevent", f"unsupported specversion {h['ce_specversion']}")
    model = registry.get(h["ce_type"])
    if model is None:
        raise BadEvent("unknown_type", f"no contract for type {h['ce_type']}")
    check_origin(model, topic, h["ce_source"], {m.topic for m in registry.values()})
    if value is None:
        raise BadEvent("invalid_data", "empty value")
    try:
        data = model.model_validate_json(value)
    except ValueError as exc:
        raise BadEvent("invalid_data", str(exc)[:2000]) from exc
    return Envelope(
        data=data,
        id=h["ce_id"],
        time=parse_time(h.get("ce_time")),
        correlation_id=h.get("ce_correlationid"),
        source=h["ce_source"],
    )


def encode_headers(headers: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in headers.items()]
