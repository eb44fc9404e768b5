"""Every number, integer and boolean the four APIs take means what their OpenAPI document says.

The API fuzzer found them one field at a time (`"recurring_days": true` taken as 1, `"burst":
true`, `"publicity_days": false`): pydantic's lax mode reads `true` as 1, `"3"` as 3 and 0, 1,
`"true"`, `"yes"` as booleans, though the document promises a JSON integer or boolean. This test
walks every route of the four services' apps (as they are built to serve) and sends what the
document excludes to the route's own validation, as FastAPI does for a request:

- every integer or number of a JSON body (nested objects, array items and map values too):
  `true` and, unless a string is allowed there, a numeric string like `"3"` are refused;
- every boolean of a body: 0, 1 and, unless a string is allowed, `"true"` are refused;
- every query and path parameter, where each value is text: an integer refuses `0.5` and
  `true`, a number `true`, a boolean `yes`, `on`, `t` and the like. Numeric text for a number
  and `0`, `1`, `true`, `false` for a boolean are what a client sends for one (schemathesis's
  negative data leaves them out for that reason).

It also checks that no schema states a bound in words JSON Schema does not know (`ge`, `le`:
what pydantic writes for a bound placed after a validator; houqin_shared.strict).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

SERVICES = ("feedback", "tickets", "scoring", "notify")
Path = tuple[str | int, ...]


@cache
def app_of(service: str) -> FastAPI:
    if service == "feedback":
        from feedback.__main__ import create_app as feedback_app
        from feedback.settings import FeedbackSettings

        return feedback_app(FeedbackSettings())
    if service == "tickets":
        from tickets.__main__ import create_app as tickets_app
        from tickets.settings import TicketsSettings

        return tickets_app(TicketsSettings())
    if service == "scoring":
        from scoring.__main__ import create_app as scoring_app
        from scoring.settings import ScoringSettings

        return scoring_app(ScoringSettings())
    from notify.__main__ import create_app as notify_app
    from notify.settings import NotifySettings

    return notify_app(NotifySettings())


@cache
def doc_of(service: str) -> dict[str, Any]:
    return app_of(service).openapi()


def api_routes(routes: list[Any]) -> Iterator[tuple[APIRoute, str]]:
    """Every APIRoute and its path, also those of included routers (FastAPI 0.165 keeps them
    nested, each route with its path inside its router)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route, route.path_format
        elif hasattr(route, "effective_candidates"):  # an included router
            for candidate in route.effective_candidates():
                if hasattr(candidate, "effective_candidates"):
                    yield from api_routes([candidate])
                elif isinstance(candidate.original_route, APIRoute):
                    yield candidate.original_route, candidate.path


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str  # as the OpenAPI document names it (no converters)
    route: APIRoute

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    def documented(self) -> dict[str, Any]:
        operation: dict[str, Any] = (
            doc_of(self.service)["paths"].get(self.path, {}).get(self.method.lower(), {})
        )
        return operation


def operations() -> Iterator[Operation]:
    for service in SERVICES:
        for route, path in api_routes(app_of(service).routes):
            path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)
            for method in sorted(route.methods):
                yield Operation(service, method, path, route)


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def types_of(schema: dict[str, Any], doc: dict[str, Any]) -> set[str]:
    """The JSON types a value may have ("constant" for an enum or const)."""
    schema = resolve(schema, doc)
    found: set[str] = set()
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found |= types_of(part, doc)
    kind = schema.get("type")
    found |= set(kind) if isinstance(kind, list) else {kind} if kind else set()
    if "const" in schema or "enum" in schema:
        found.add("constant")
    return found


def numbers_of(schema: dict[str, Any], doc: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resolve(schema, doc)
    parts = [p for k in ("anyOf", "oneOf") for p in schema.get(k, [])]
    found = [schema] if schema.get("type") in ("integer", "number") else []
    return found + [n for p in parts for n in numbers_of(p, doc)]


@dataclass(frozen=True)
class Leaf:
    """A scalar field of a body: where it is, the JSON types its schema allows, a number its
    bounds allow, and the tags of tagged unions on the way (without them a body is nothing)."""

    path: Path
    types: frozenset[str]
    number: int = 3
    tags: tuple[tuple[Path, str, Any], ...] = ()


def in_bounds(numbers: list[dict[str, Any]]) -> int:
    """A whole number a numeric field takes (3 if its bounds allow it)."""
    for schema in numbers:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 2) + 1)
        high = schema.get("maximum", schema.get("exclusiveMaximum", 4) - 1)
        return int(min(max(3, low), high))
    return 3


def leaves(
    schema: dict[str, Any], doc: dict[str, Any], path: Path = (), depth: int = 0
) -> Iterator[Leaf]:
    schema = resolve(schema, doc)
    if depth > 8:
        return
    types = types_of(schema, doc)
    if types & {"integer", "number", "boolean"}:
        yield Leaf(path, frozenset(types - {"null"}), in_bounds(numbers_of(schema, doc)))
    for part in [resolve(p, doc) for k in ("anyOf", "oneOf") for p in schema.get(k, [])]:
        if part.get("type") in ("object", "array"):
            yield from _inside(part, doc, path, depth)
    yield from _inside(schema, doc, path, depth)


def _inside(schema: dict[str, Any], doc: dict[str, Any], path: Path, depth: int) -> Iterator[Leaf]:
    props = schema.get("properties", {})
    tags = [(path, k, resolve(v, doc)["const"]) for k, v in props.items() if "const" in v]
    inner: list[tuple[dict[str, Any], Path]] = [(sub, (*path, k)) for k, sub in props.items()]
    if isinstance(schema.get("additionalProperties"), dict):
        inner.append((schema["additionalProperties"], (*path, "key")))
    if "items" in schema and schema.get("type") == "array":
        last = max(schema.get("minItems", 1), 1) - 1  # as many items as the array needs
        inner.append((schema["items"], (*path, last)))
    for sub, where in inner:
        for leaf in leaves(sub, doc, where, depth + 1):
            yield Leaf(leaf.path, leaf.types, leaf.number, (*tags, *leaf.tags))


def bad_values(leaf: Leaf) -> list[tuple[Any, Any]]:
    """(what the schema excludes, what pydantic's lax mode would read it as)."""
    out: list[tuple[Any, Any]] = []
    if leaf.types & {"integer", "number"} and "boolean" not in leaf.types:
        out.append((True, 1))
        if "string" not in leaf.types:
            out.append((str(leaf.number), leaf.number))
    if "boolean" in leaf.types and not leaf.types & {"integer", "number"}:
        out += [(0, False), (1, True)]
        if "string" not in leaf.types:
            out.append(("true", True))
    return out


def build(leaf: Leaf, value: Any) -> Any:
    """The smallest body holding `value` at the leaf's path (and the tags on the way)."""

    def put(into: Any, path: Path, v: Any) -> Any:
        if not path:
            return v
        head, rest = path[0], path[1:]
        if isinstance(head, int):  # the last of as many items as the array needs
            return [put(None, rest, v) for _ in range(head + 1)]
        node = into if isinstance(into, dict) else {}
        node[head] = put(node.get(head), rest, v)
        return node

    body: Any = None
    for where, name, tag in leaf.tags:
        body = put(body, (*where, name), tag)
    return put(body, leaf.path, value)


@cache
def read_by_hand() -> dict[str, type[BaseModel]]:
    """Bodies a route reads itself (JSON or YAML), by the model it validates them with."""
    from tickets.domain import Directory

    return {"tickets PUT /v1/directory": Directory}


def errors_of(op: Operation, body: Any) -> list[tuple[str, Path]]:
    if op.route.body_field is None:
        try:
            read_by_hand()[str(op)].model_validate(body)
        except ValidationError as exc:
            return [(error["type"], tuple(error["loc"])) for error in exc.errors()]
        return []
    _, errors = op.route.body_field.validate(body, {}, loc=("body",))
    return [(error["type"], tuple(error["loc"])[1:]) for error in errors]


def refused(op: Operation, leaf: Leaf, value: Any, lax: Any) -> bool:
    """Whether the body with `value` at the leaf is answered otherwise than with the value lax
    pydantic reads it as (`true`: 1). The body is a sketch, so both may be refused for a missing
    field; pydantic still reports each field's own errors, and a check of the whole object that
    read `true` as 1 answers as for 1."""
    return errors_of(op, build(leaf, value)) != errors_of(op, build(leaf, lax))


def json_body(op: Operation) -> dict[str, Any] | None:
    content = op.documented().get("requestBody", {}).get("content", {})
    schema: dict[str, Any] | None = content.get("application/json", {}).get("schema")
    if op.route.body_field is None and schema is not None:
        assert str(op) in read_by_hand(), f"{op} reads its body itself: add its model"
    return schema


def body_findings() -> tuple[list[str], int]:
    offending, checked = [], 0
    for op in operations():
        schema = json_body(op)
        for leaf in leaves(schema, doc_of(op.service)) if schema else []:
            for value, lax in bad_values(leaf):
                checked += 1
                if not refused(op, leaf, value, lax):
                    where = ".".join(str(p) for p in leaf.path) or "(body)"
                    offending.append(f"{op}: {where} = {value!r} taken ({sorted(leaf.types)})")
    return offending, checked


def test_body_numbers_and_booleans_are_strict() -> None:
    offending, checked = body_findings()
    fields = sorted({line.split(" = ")[0] for line in offending})
    assert checked > 150
    assert offending == [], (
        f"{len(fields)} fields take a value their schema excludes:\n" + "\n".join(offending)
    )


# Text for a query or path parameter that its schema excludes and a client could not mean as
# one: only `true`, `false` (`1`, `0`) are a boolean's, and an integer has no fraction.
TEXT_BAD = {
    "integer": ["0.5", "true", "3x"],
    "number": ["true", "3x"],
    "boolean": ["yes", "no", "on", "off", "t", "f", "y", "n", "2", "YES"],
}
TEXT_GOOD = ["true", "false", "1", "0", "True"]  # and a boolean takes these


def params(op: Operation) -> Iterator[tuple[str, str, Any, dict[str, Any]]]:
    """(where, name, FastAPI's field, schema) of every query and path parameter."""
    documented = op.documented().get("parameters", [])
    schemas = {(p["in"], p["name"]): p.get("schema", {}) for p in documented}
    stack = [op.route.dependant]
    while stack:
        dependant = stack.pop()
        stack += dependant.dependencies
        for where, fields in (("query", dependant.query_params), ("path", dependant.path_params)):
            for field in fields:
                schema = schemas.get((where, field.alias))
                if schema is not None:
                    yield where, field.alias, field, schema


def param_findings() -> tuple[list[str], int]:
    offending, checked = [], 0
    for op in operations():
        doc = doc_of(op.service)
        for where, name, field, schema in params(op):
            types = types_of(schema, doc) - {"null"}
            array = types == {"array"}
            if array:
                types = types_of(resolve(schema, doc).get("items", {}), doc) - {"null"}
            if types & {"string", "constant"}:
                continue
            for kind in sorted(types & set(TEXT_BAD)):
                for text in TEXT_BAD[kind]:
                    checked += 1
                    _, errors = field.validate([text] if array else text, {}, loc=(where, name))
                    if not errors:
                        offending.append(f"{op}: {where} {name}={text} taken ({kind})")
            for text in TEXT_GOOD if types == {"boolean"} else []:
                _, errors = field.validate([text] if array else text, {}, loc=(where, name))
                if errors:
                    offending.append(f"{op}: {where} {name}={text} refused (boolean)")
    return offending, checked


def test_query_and_path_numbers_and_booleans_are_as_documented() -> None:
    offending, checked = param_findings()
    names = sorted({line.split("=")[0] for line in offending})
    assert checked > 100
    assert offending == [], (
        f"{len(names)} parameters take text their schema excludes:\n" + "\n".join(offending)
    )


UNKNOWN_WORDS = {"ge", "le", "gt", "lt"}


def unknown_bounds(node: Any, where: str) -> Iterator[str]:
    if isinstance(node, dict):
        if "type" in node and UNKNOWN_WORDS & set(node):
            yield f"{where}: {sorted(UNKNOWN_WORDS & set(node))}"
        for key, value in node.items():
            if key != "properties" or not isinstance(value, dict):
                yield from unknown_bounds(value, f"{where}/{key}")
            else:
                for name, sub in value.items():
                    yield from unknown_bounds(sub, f"{where}/properties/{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from unknown_bounds(item, f"{where}/{i}")


def test_every_bound_is_in_json_schema_words() -> None:
    found = [line for s in SERVICES for line in unknown_bounds(doc_of(s), s)]
    assert found == [], "bounds JSON Schema does not know (put them before the check):\n" + (
        "\n".join(found)
    )


def test_a_query_string_over_the_limit_is_documented() -> None:
    """Seed 3718660109: GET .../facts/{component} answered 414 to `after` as 1,001 characters
    the schema refuses (over 8 KB percent-encoded), a status its document did not name. Every
    operation with a query parameter names it (untyped: it is no domain refusal); a query
    string the schema allows stays far below the limit."""
    missing = [
        str(op)
        for op in operations()
        if any(p.get("in") == "query" for p in op.documented().get("parameters", []))
        and "414" not in op.documented()["responses"]
    ]
    assert missing == []


def patterns_of(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from patterns_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns_of(value)


@pytest.mark.parametrize("service", SERVICES)
def test_no_pattern_depends_on_the_regex_engine(service: str) -> None:
    """`\\s`, `\\d`, `\\w` and `\\b` mean one thing to ECMA-262 (the fuzzer, a browser) and
    another to pydantic's engine: U+0085 is a space to pydantic, not to ECMA, so the fuzzer's
    schema-valid `{"text": "\\u0085"}` was refused as blank. Patterns name their characters."""
    found = sorted({p for p in patterns_of(doc_of(service)) if re.search(r"\\[sSdDwWbB]", p)})
    assert not found, found
