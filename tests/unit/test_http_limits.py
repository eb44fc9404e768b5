"""The HTTP edge refuses what is too big before any work: bodies (413), query strings (414),
header sections (431), each as problem+json; what fits gets through."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import Request

from houqin_shared.http import base_app
from houqin_shared.settings import ServiceSettings

LIMITS = ServiceSettings(
    http_max_body_bytes=4096, http_max_query_bytes=256, http_max_header_bytes=2048
)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = base_app("limits", limits=LIMITS)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_what_fits_gets_through(client: httpx.AsyncClient) -> None:
    r = await client.post("/echo", content=b"x" * 4096, params={"q": "a" * 200})
    assert r.status_code == 200 and r.json() == {"size": 4096}


async def test_a_body_over_the_limit_is_413_problem(client: httpx.AsyncClient) -> None:
    r = await client.post("/echo", content=b"x" * 4097)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json"), r.text

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(10):
            yield b"y" * 1000

    streamed = await client.post("/echo", content=chunks())
    assert streamed.status_code == 413


async def test_long_query_strings_and_headers_are_414_and_431(client: httpx.AsyncClient) -> None:
    r = await client.post("/echo", params={"q": "a" * 300})
    assert r.status_code == 414 and r.json()["status"] == 414
    assert r.headers["content-type"] == "application/problem+json"
    h = await client.post("/echo", headers={f"x-h{i}": "v" * 100 for i in range(30)})
    assert h.status_code == 431 and "2048 bytes" in h.json()["detail"]
