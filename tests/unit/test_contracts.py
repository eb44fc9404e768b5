"""Event contracts: committed schemas match the code, and incompatible changes are caught."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime

import pytest

from houqin_shared.contracts import ALL_CONTRACTS, REGISTRY, ComplaintFiled, Location
from houqin_shared.contracts.base import BadEvent, Envelope, decode, encode_headers
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
    back = decode(encode_headers(headers), env.value(), REGISTRY)
    assert back.data == event and back.id == env.id and back.correlation_id == "req-1"


def test_decoding_ignores_fields_added_by_newer_producers() -> None:
    env = Envelope(complaint())
    value = json.loads(env.value())
    value["a_field_from_the_future"] = 1
    assert (
        decode(encode_headers(env.headers()), json.dumps(value).encode(), REGISTRY).data == env.data
    )


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        (
            {"ce_type": "houqin.feedback.ComplaintFiled.v1", "ce_specversion": "1.0"},
            b"{}",
            "not_cloudevent",
        ),
        ({"ce_id": "1", "ce_type": "nope.v1", "ce_specversion": "1.0"}, b"{}", "unknown_type"),
        (
            {"ce_id": "1", "ce_type": "houqin.feedback.ComplaintFiled.v1", "ce_specversion": "1.0"},
            b"{oops",
            "invalid_data",
        ),
        (
            {"ce_id": "1", "ce_type": "houqin.feedback.ComplaintFiled.v1", "ce_specversion": "0.3"},
            b"{}",
            "not_cloudevent",
        ),
    ],
)
def test_bad_events_say_why(headers: dict[str, str], value: bytes, reason: str) -> None:
    with pytest.raises(BadEvent) as info:
        decode(encode_headers(headers), value, REGISTRY)
    assert info.value.reason == reason


def test_anonymous_contract_field_is_documented() -> None:
    assert "null when anonymous" in BASE["properties"]["reporter_id"]["description"]
