"""Published JSON Schemas, the compatibility rule between versions, and the AsyncAPI document.

The committed files under `schemas/` are what other campus systems were promised. A contract may
grow (new fields) but a field may not disappear, stop being required, or change its type,
format, constraints or allowed values: that is a new version (`...v2`) instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from houqin_shared.contracts.base import Event

SCHEMA_DIR = Path(__file__).parent / "schemas"
ASYNCAPI_FILE = Path(__file__).parent / "asyncapi.json"
_ANNOTATIONS = {"title", "description", "default", "examples", "$comment", "$id", "$schema"}


def schema_for(model: type[Event]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://houqin.dev/schemas/{model.event_type}.json"
    schema["x-cloudevents-type"] = model.event_type
    schema["x-kafka-topic"] = model.topic
    return schema


def schema_path(model: type[Event]) -> Path:
    return SCHEMA_DIR / f"{model.event_type}.json"


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _canonical(node: Any, root: dict[str, Any]) -> Any:
    """Resolve $refs and drop annotations, leaving only what constrains the data."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _canonical(root["$defs"][ref.rsplit("/", 1)[1]], root)
        return {
            k: _canonical(v, root)
            for k, v in node.items()
            if k not in _ANNOTATIONS and k != "$defs" and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_canonical(item, root) for item in node]
    return node


def _compare(old: Any, new: Any, path: str, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and "properties" in old:
        new_props = new.get("properties", {})
        for name, sub in old["properties"].items():
            if name not in new_props:
                out.append(f"{path}.{name}: removed")
            else:
                _compare(sub, new_props[name], f"{path}.{name}", out)
        for name in old.get("required", []):
            if name in new_props and name not in new.get("required", []):
                out.append(f"{path}.{name}: no longer required")
        rest_old = {k: v for k, v in old.items() if k not in ("properties", "required")}
        rest_new = {k: v for k, v in new.items() if k not in ("properties", "required")}
        if rest_old != rest_new:
            out.append(f"{path}: object rules changed from {rest_old} to {rest_new}")
        return
    if isinstance(old, dict) and isinstance(new, dict) and "anyOf" in old and "anyOf" in new:
        if len(old["anyOf"]) != len(new["anyOf"]):
            out.append(f"{path}: alternatives changed from {old['anyOf']} to {new['anyOf']}")
            return
        for i, (o, n) in enumerate(zip(old["anyOf"], new["anyOf"], strict=True)):
            _compare(o, n, f"{path}|{i}", out)
        return
    if old != new:
        out.append(f"{path}: changed from {old} to {new}")


def incompatibilities(published: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What in `current` would break a reader written against `published` (empty: compatible)."""
    out: list[str] = []
    _compare(_canonical(published, published), _canonical(current, current), "$", out)
    return out


def _hoist_defs(schema: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Move $defs into AsyncAPI components so every $ref resolves from the document root."""
    schema = copy.deepcopy(schema)
    for name, sub in schema.pop("$defs", {}).items():
        shared[name] = sub

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else rewrite(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(i) for i in node]
        return node

    for name in list(shared):
        shared[name] = rewrite(shared[name])
    schema.pop("$schema", None)
    return rewrite(schema)  # type: ignore[no-any-return]


_CE_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode, one header each.",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "content-type"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {
            "type": "string",
            "description": "Event id, unique per ce_source; consumers dedupe on (ce_source, ce_id).",
        },
        "ce_source": {
            "type": "string",
            "description": "Producing service, e.g. /houqin/feedback: a topic takes only its"
            " owner's. On houqin.inbound.reports, the sending system's own (never /houqin/...).",
        },
        "ce_type": {"type": "string", "description": "Versioned type, e.g. houqin.x.Name.v1."},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "Aggregate id (also the Kafka key)."},
        "ce_correlationid": {"type": "string", "description": "Follows one report end to end."},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def asyncapi(
    contracts: tuple[type[Event], ...], extra_channels: dict[str, Any] | None = None
) -> dict[str, Any]:
    schemas: dict[str, Any] = {"CloudEventHeaders": _CE_HEADERS}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for model in contracts:
        msg_id = model.event_type.replace(".", "_")
        schemas[msg_id] = _hoist_defs(schema_for(model), schemas)
        messages[msg_id] = {
            "name": model.event_type,
            "title": model.__name__,
            "summary": model.summary,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{msg_id}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": "Aggregate id"}}},
        }
        chan_id = model.topic.replace(".", "_")
        chan = channels.setdefault(chan_id, {"address": model.topic, "messages": {}})
        chan["messages"][msg_id] = {"$ref": f"#/components/messages/{msg_id}"}
        verb = "publish" if model.action == "send" else "receive"
        operations[f"{verb}_{msg_id}"] = {
            "action": model.action,
            "channel": {"$ref": f"#/channels/{chan_id}"},
            "messages": [{"$ref": f"#/channels/{chan_id}/messages/{msg_id}"}],
        }
    channels.update(extra_channels or {})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Houqin campus logistics events",
            "version": "1.0.0",
            "description": (
                "Events of the Houqin platform on Apache Kafka. Every message is a CloudEvent in "
                "binary mode: attributes in ce_* headers, the JSON payload as the value, keyed by "
                "aggregate id. Types are versioned; a published version only ever grows."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
