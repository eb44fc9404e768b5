"""The typed refusals of scoring's operations in its OpenAPI document: an operation declares the
problem types it may answer (`openapi_extra=refusals(...)`), and `document` writes them into
its responses, each status's `type` an enum of those types (plus `validation` on 422)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from houqin_shared.problem_types import CATALOGUE, PREFIX

KEY = "x-refusals"


def refusals(*slugs: str) -> dict[str, Any]:
    """The operation's `openapi_extra`: the problem types it may answer besides validation."""
    return {KEY: ["validation", *slugs]}


def _typed(response: dict[str, Any], uris: list[str]) -> None:
    content = response.setdefault("content", {}).setdefault("application/problem+json", {})
    content["schema"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"type": "object", "properties": {"type": {"type": "string", "enum": uris}}},
        ]
    }
    described = ", ".join(f"`{u.removeprefix(PREFIX)}`" for u in uris)
    response["description"] = (
        f"{response.get('description', 'Refused')} (problem types: {described})"
    )


def document(app: FastAPI) -> None:
    """Wrap `app.openapi` (after problem_openapi) to write the declared refusals in."""
    build = app.openapi

    def typed() -> dict[str, Any]:
        doc = build()
        for path in doc.get("paths", {}).values():
            for operation in path.values():
                slugs = operation.pop(KEY, None) if isinstance(operation, dict) else None
                if not slugs:
                    continue
                by_status: dict[int, list[str]] = {}
                for slug in slugs:
                    kind = CATALOGUE[slug]
                    by_status.setdefault(kind.status, []).append(kind.uri)
                responses = operation.setdefault("responses", {})
                for status, uris in by_status.items():
                    _typed(responses.setdefault(str(status), {"description": "Refused"}), uris)
        return doc

    app.openapi = typed  # type: ignore[method-assign]
