"""Make each service's OpenAPI document say what the service really answers: every error is
RFC 9457 `application/problem+json` (FastAPI would declare its own 422 shape), and operations
that need a bearer token say so and declare 401 and 403."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from houqin_shared.problem_types import CATALOGUE, PREFIX, uri
from houqin_shared.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {
            "type": "string",
            "description": "A stable `https://houqin.dev/problems/<slug>` from the catalogue"
            " (docs/problems.md) that a client can translate",
        },
        "title": {"type": "string", "description": "zh-CN, or English if Accept-Language asks"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For validation: per field its `loc`, a stable code `type` (such as"
            " string_too_long), `msg` and the code's parameters `ctx` (such as max_length).",
            "items": {},
        },
    },
    "additionalProperties": True,
}
_DESCRIPTIONS = {
    "400": "Bad request",
    "401": "Missing, expired or invalid bearer token",
    "403": "Authenticated, but without the role this needs",
    "404": "Not found (or not yours to see)",
    "409": "Conflicts with the current state",
    "413": "Too large",
    "414": "The query string is too long (over the setting http_max_query_bytes, 8 KB)",
    "415": "Unsupported media type",
    "422": "The request did not validate",
    "429": "Too many requests",
    "503": "A dependency is unavailable",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def refusals(*slugs: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route whose domain rules may refuse schema-valid input (an unknown
    category, a period too long): each refusal a catalogued problem type (docs/problems.md),
    documented per status as an enum of the problem's `type`. The API fuzz test expects every
    other operation to accept whatever its schema allows."""
    grouped: dict[int, list[str]] = {}
    for slug in slugs:
        kind = CATALOGUE[slug]
        grouped.setdefault(kind.status, []).append(kind.uri)
    return {
        status: {
            "description": "Refused: " + ", ".join(u.removeprefix(PREFIX) for u in uris),
            "content": {PROBLEM_JSON: {"schema": _typed(uris)}},
        }
        for status, uris in grouped.items()
    }


def _typed(uris: list[str]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"properties": {"type": {"enum": uris}}},
        ]
    }


def _typed_uris(response: dict[str, Any] | None) -> list[str] | None:
    """The problem types a response documents (None: any)."""
    schema = (response or {}).get("content", {}).get(PROBLEM_JSON, {}).get("schema", {})
    for part in schema.get("allOf", []):
        if "enum" in part.get("properties", {}).get("type", {}):
            return list(part["properties"]["type"]["enum"])
    return None


def _has_query(operation: dict[str, Any]) -> bool:
    return any(p.get("in") == "query" for p in operation.get("parameters", []))


def _secured(operation: dict[str, Any]) -> bool:
    return bool(operation.get("security"))


def problem_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with a generator that post-processes FastAPI's document."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
        doc.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            doc["components"]["schemas"].pop(name, None)
        for route, path in doc.get("paths", {}).items():
            for method, operation in path.items():
                responses = operation.setdefault("responses", {})
                codes = ["400", "422"] + (["401", "403"] if _secured(operation) else [])
                mutating = method in ("post", "put", "patch", "delete")
                # a body can name what does not exist (a template, a team), as a path can
                codes += ["404"] if "{" in route or mutating else []
                codes += ["409", "429"] if mutating else []
                # any query string beyond the service's limit (http.RequestContext): never a
                # valid one, but text the schema refuses, percent-encoded, may reach it
                codes += ["414"] if _has_query(operation) else []
                for code in codes:
                    typed = _typed_uris(responses.get(code))
                    if typed is None:
                        responses[code] = _problem(_DESCRIPTIONS[code])
                    elif code == "422":  # any body may also fail validation or storage
                        always = [uri("validation"), uri("value-not-storable")]
                        responses[code]["content"][PROBLEM_JSON]["schema"] = _typed(
                            always + [u for u in typed if u not in always]
                        )
                for code, response in responses.items():
                    if code[0] in "45" and code not in codes and _typed_uris(response) is None:
                        response["content"] = _problem(
                            response.get("description", _DESCRIPTIONS.get(code, "Error"))
                        )["content"]
        _time_without_offset(doc)
        app.openapi_schema = doc
        return doc

    app.openapi = build  # type: ignore[method-assign]


def _time_without_offset(node: Any) -> None:
    """pydantic documents `datetime.time` as format "time", which JSON Schema defines as an RFC
    3339 time *with* an offset; ours are local clock times ("08:30:00"), so say that instead."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node["pattern"] = r"^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
        for value in node.values():
            _time_without_offset(value)
    elif isinstance(node, list):
        for value in node:
            _time_without_offset(value)
