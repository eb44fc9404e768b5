"""Event contracts: committed schemas match the code, and incompatible changes are caught."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from houqin_shared.contracts import (
    ALL_CONTRACTS,
    FEEDBACK_TOPIC,
    INBOUND_TOPIC,
    REGISTRY,
    TICKETS_TOPIC,
    ComplaintFiled,
    DirectoryChanged,
    DirectoryUpdated,
    Location,
    ReportSubmitted,
)
from houqin_shared.contracts.base import BadEvent, Envelope, Event, decode, encode_headers
from houqin_shared.contracts.schema import (
    ASYNCAPI_FILE,
    asyncapi,
    dump,
    incompatibilities,
    schema_for,
    schema_path,
)


def complaint(**over: object) -> ComplaintFiled:
    fields: dict[str, object] = {
        "report_id": uuid.uuid4(),
        "tracking_no": "FK20261121-000042",
        "kind": "repair",
        "category": "plumbing",
        "channel": "web",
        "location": Location(campus="north", building="north-dorm-7", room="312"),
        "description": "tap leaks",
        "anonymous": False,
        "reporter_id": "student",
        "filed_at": datetime(2026, 11, 21, 8, 30, tzinfo=UTC),
    }
    fields.update(over)
    return ComplaintFiled.model_validate(fields)


@pytest.mark.parametrize("model", ALL_CONTRACTS, ids=lambda m: m.event_type)
def test_committed_schema_is_current_and_compatible(model: type) -> None:
    path = schema_path(model)
    published = json.loads(path.read_text())
    assert incompatibilities(published, schema_for(model)) == []
    assert path.read_text() == dump(schema_for(model)), (
        "run: python -m houqin_shared.contracts export"
    )


def test_asyncapi_document_is_current() -> None:
    doc = json.loads(ASYNCAPI_FILE.read_text())
    assert doc == json.loads(dump(asyncapi(ALL_CONTRACTS)))
    assert doc["asyncapi"].startswith("3.")
    assert {m["name"] for m in doc["components"]["messages"].values()} == set(REGISTRY)


def test_types_are_versioned_cloudevents_types() -> None:
    for event_type in REGISTRY:
        parts = event_type.split(".")
        assert parts[0] == "houqin" and parts[-1].startswith("v") and parts[-1][1:].isdigit()


BASE = schema_for(ComplaintFiled)


def changed(edit) -> dict:  # type: ignore[no-untyped-def]
    new = copy.deepcopy(BASE)
    edit(new)
    return new


def test_adding_an_optional_field_is_compatible() -> None:
    new = changed(
        lambda s: s["properties"].update(photo_urls={"type": "array", "items": {"type": "string"}})
    )
    assert incompatibilities(BASE, new) == []


def test_description_changes_are_compatible() -> None:
    new = changed(lambda s: s["properties"]["description"].update(description="reworded"))
    assert incompatibilities(BASE, new) == []


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (lambda s: s["properties"].pop("category"), "$.category: removed"),
        (
            lambda s: s["properties"].update(photo_count={"type": "string"}),
            "$.photo_count: changed",
        ),
        (lambda s: s["required"].remove("tracking_no"), "$.tracking_no: no longer required"),
        (lambda s: s["properties"]["kind"]["enum"].append("riddle"), "$.kind: changed"),
        (lambda s: s["properties"]["kind"]["enum"].remove("praise"), "$.kind: changed"),
        (lambda s: s["$defs"]["Location"]["properties"].pop("room"), "$.location.room: removed"),
        (
            lambda s: s["properties"].update(reporter_id={"type": "string"}),
            "$.reporter_id: changed",
        ),
        (
            lambda s: s["properties"]["reporter_id"]["anyOf"].append({"type": "integer"}),
            "$.reporter_id: alternatives changed",
        ),
    ],
)
def test_incompatible_changes_are_caught(edit, expect: str) -> None:  # type: ignore[no-untyped-def]
    problems = incompatibilities(BASE, changed(edit))
    assert any(p.startswith(expect) for p in problems), problems


def test_binary_mode_round_trip() -> None:
    event = complaint()
    env = Envelope(event, correlation_id="req-1")
    headers = env.headers()
    assert headers["ce_type"] == "houqin.feedback.ComplaintFiled.v1"
    assert headers["ce_subject"] == str(event.report_id) and headers["ce_correlationid"] == "req-1"
    back = decode(encode_headers(headers), env.value(), REGISTRY, FEEDBACK_TOPIC)
    assert back.data == event and back.id == env.id and back.correlation_id == "req-1"
    assert back.source == "/houqin/feedback"


def test_decoding_ignores_fields_added_by_newer_producers() -> None:
    env = Envelope(complaint())
    value = json.loads(env.value())
    value["a_field_from_the_future"] = 1
    assert (
        decode(
            encode_headers(env.headers()), json.dumps(value).encode(), REGISTRY, FEEDBACK_TOPIC
        ).data
        == env.data
    )


CE = {"ce_id": "1", "ce_source": "/houqin/feedback", "ce_specversion": "1.0"}
FILED = "houqin.feedback.ComplaintFiled.v1"


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        ({**CE, "ce_type": FILED, "ce_id": ""}, b"{}", "not_cloudevent"),
        ({"ce_id": "1", "ce_type": FILED, "ce_specversion": "1.0"}, b"{}", "not_cloudevent"),
        ({**CE, "ce_type": "nope.v1"}, b"{}", "unknown_type"),
        ({**CE, "ce_type": FILED}, b"{oops", "invalid_data"),
        ({**CE, "ce_type": FILED, "ce_specversion": "0.3"}, b"{}", "not_cloudevent"),
    ],
)
def test_bad_events_say_why(headers: dict[str, str], value: bytes, reason: str) -> None:
    with pytest.raises(BadEvent) as info:
        decode(encode_headers(headers), value, REGISTRY, FEEDBACK_TOPIC)
    assert info.value.reason == reason


def directory() -> DirectoryChanged:
    return DirectoryChanged(
        version=10**12, departments=[], teams=[], staff=[], changed_at=datetime.now(UTC)
    )


def report() -> ReportSubmitted:
    return ReportSubmitted(
        source_system="iot-leak-sensors",
        external_id="1001",
        category="plumbing",
        location=Location(building="north-dorm-7", room="312"),
        description="wet",
        occurred_at=datetime.now(UTC),
    )


def decoded(event: Event, topic: str, source: str | None) -> Envelope:
    """`event` as read from `topic` with that ce_source header (None: without one)."""
    env = Envelope(event, source=source or "-")
    headers = {k: v for k, v in env.headers().items() if source or k != "ce_source"}
    return decode(encode_headers(headers), env.value(), REGISTRY, topic)


@pytest.mark.parametrize(
    ("event", "topic", "source", "reason"),
    [
        (directory, TICKETS_TOPIC, "/campus/systems/intruder", "forged_source"),
        (directory, TICKETS_TOPIC, "/houqin/feedback", "forged_source"),
        (directory, TICKETS_TOPIC, None, "not_cloudevent"),
        (directory, FEEDBACK_TOPIC, "/houqin/tickets", "wrong_topic"),
        (directory, INBOUND_TOPIC, "/houqin/tickets", "wrong_topic"),
        (complaint, INBOUND_TOPIC, "/houqin/feedback", "wrong_topic"),
        (complaint, INBOUND_TOPIC, "/campus/systems/fuzz", "wrong_topic"),
        (report, FEEDBACK_TOPIC, "/campus/systems/iot", "wrong_topic"),
        (report, INBOUND_TOPIC, "/houqin/tickets", "forged_source"),
        (complaint, "test.private-copy", "/campus/systems/x", "forged_source"),
    ],
)
def test_a_topic_takes_only_its_types_from_their_owner(
    event: Callable[[], Event], topic: str, source: str | None, reason: str
) -> None:
    with pytest.raises(BadEvent) as info:
        decoded(event(), topic, source)
    assert info.value.reason == reason
    assert info.value.detail


def test_owners_events_and_other_systems_reports_are_taken() -> None:
    assert decoded(directory(), TICKETS_TOPIC, "/houqin/tickets").source == "/houqin/tickets"
    assert decoded(report(), INBOUND_TOPIC, "/campus/systems/iot").source == "/campus/systems/iot"
    assert decoded(report(), INBOUND_TOPIC, "urn:campus:app").source == "urn:campus:app"
    # a test's private topic copies a platform topic: the source is still checked
    assert decoded(complaint(), "test.private-copy", "/houqin/feedback").data is not None


def test_each_platform_topic_has_one_owner() -> None:
    owners: dict[str, set[str]] = {}
    for model in ALL_CONTRACTS:
        owners.setdefault(model.topic, set()).add(model.source if model.action == "send" else "*")
    assert all(len(o) == 1 for o in owners.values()), owners
    assert owners[INBOUND_TOPIC] == {"*"}
    assert all(o == {"*"} or next(iter(o)).startswith("/houqin/") for o in owners.values())


def test_anonymous_contract_field_is_documented() -> None:
    assert "null when anonymous" in BASE["properties"]["reporter_id"]["description"]


def update(version: int, previous: int, reset: bool = False) -> DirectoryUpdated:
    return DirectoryUpdated(
        version=version, previous_version=previous, reset=reset, changed_at=datetime.now(UTC)
    )


@pytest.mark.parametrize(
    ("event", "held", "step"),
    [
        (update(1, 0), None, "apply"),  # the first change of a new directory
        (update(8, 7), 7, "apply"),  # the next change
        (update(8, 8), 8, "apply"),  # a further page of the change the copy is at
        (update(8, 7), 8, "skip"),  # had it (a redelivery)
        (update(8, 7), 9, "skip"),  # older than the copy
        (update(8, 7), 5, "gap"),  # missed 6 and 7: wait for a snapshot
        (update(8, 7), None, "gap"),  # a fresh reader amid the history
        (update(8, 8), 5, "gap"),  # a later page of a change whose first page it missed
        (update(8, 0, reset=True), None, "reset"),  # a snapshot for a fresh reader
        (update(8, 0, reset=True), 5, "reset"),  # ... or one that missed changes
        (update(8, 0, reset=True), 8, "skip"),  # up to date already
        (update(8, 0, reset=True), 9, "skip"),  # an old snapshot
    ],
)
def test_directory_update_steps(event: DirectoryUpdated, held: int | None, step: str) -> None:
    assert event.step(held) == step
