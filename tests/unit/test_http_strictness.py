"""What the API fuzzer found at the HTTP edge, kept fixed: a 405's `Allow` names every method the
path answers (FastAPI makes one route per method and Starlette named only the first's), and
dates and times are read as the OpenAPI document says (`?before=0.5` is not a Unix time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Query
from pydantic import BaseModel, TypeAdapter, ValidationError

from houqin_shared.http import base_app
from houqin_shared.params import BodyId, ClockTime, Day, Instant
from houqin_shared.route_params import CodeFilter


class Window(BaseModel):
    opens_at: Instant
    held_on: Day


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = base_app("strict")

    @app.get("/items/{item_id}")
    async def read(item_id: str, before: Annotated[Instant | None, Query()] = None) -> str:
        return before.isoformat() if before else "none"

    @app.post("/items/{item_id}")
    async def write(item_id: str, body: Window) -> str:
        return body.opens_at.isoformat()

    @app.put("/things")
    async def put() -> None:
        return None

    router = APIRouter(prefix="/v1")  # FastAPI nests an included router's routes

    @router.get("/tickets/{ticket_id}/actions")
    async def actions(ticket_id: str) -> list[str]:
        return []

    @router.delete("/tickets/{ticket_id}/actions")
    async def clear(ticket_id: str) -> None:
        return None

    app.include_router(router)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_allow_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    r = await client.delete("/items/1")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.json()["type"].endswith("/method-not-allowed")
    r = await client.options("/things")
    assert (r.status_code, r.headers["allow"]) == (405, "PUT")
    r = await client.post("/v1/tickets/1/actions")
    assert (r.status_code, r.headers["allow"]) == (405, "GET, DELETE")


@pytest.mark.parametrize(
    "value", ["0.5", "1700000000", "2026-09-01", "2026-09-01T08:00:00", "2026-09-01 08:00:00Z"]
)
async def test_a_query_date_time_must_be_rfc_3339(client: httpx.AsyncClient, value: str) -> None:
    r = await client.get("/items/1", params={"before": value})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["type"] == "datetime_parsing"


async def test_a_query_date_time_with_offset_is_read(client: httpx.AsyncClient) -> None:
    r = await client.get("/items/1", params={"before": "2026-09-01T08:00:00+08:00"})
    assert (r.status_code, r.json()) == (200, "2026-09-01T08:00:00+08:00")


@pytest.mark.parametrize(
    ("opens_at", "held_on"),
    [(12, "2026-09-01"), ("2026-09-01T08:00:00Z", 0), ("2026-09-01T08:00:00Z", "20260901")],
)
async def test_body_dates_are_strings_of_their_format(
    client: httpx.AsyncClient, opens_at: object, held_on: object
) -> None:
    r = await client.post("/items/1", json={"opens_at": opens_at, "held_on": held_on})
    assert r.status_code == 422, r.text


async def test_body_dates_in_their_format_are_read(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/items/1", json={"opens_at": "2026-09-01T08:00:00Z", "held_on": "2026-09-01"}
    )
    assert (r.status_code, r.json()) == (200, "2026-09-01T08:00:00+00:00")


@pytest.mark.parametrize("value", [0, 3600, "08:30+08:00", "08:30:00Z", "8:30"])
def test_a_clock_time_is_a_local_time_string(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ClockTime).validate_python(value)
    assert TypeAdapter(ClockTime).validate_python("08:30") == time(8, 30)


@pytest.mark.parametrize("value", ["a\x00", "Team", "", "x" * 65])
def test_a_code_filter_is_a_bounded_code(value: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(CodeFilter).validate_python(value)
    assert TypeAdapter(CodeFilter).validate_python("north-dorm_7") == "north-dorm_7"


@pytest.mark.parametrize("value", [True, "5", 0, 2**53, 1.5])
def test_a_body_id_is_a_json_integer_in_range(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(BodyId).validate_python(value)
    assert TypeAdapter(BodyId).validate_python(96.0) == 96  # JSON Schema: 96.0 is an integer
    schema = TypeAdapter(BodyId).json_schema()  # the bounds are documented, not just enforced
    assert (schema["minimum"], schema["maximum"]) == (1, 2**53 - 1)
