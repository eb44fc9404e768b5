"""The console's aiohttp client sends what httpx sent and answers as httpx answered.

Each request goes to a real HTTP server on a local port (aiohttp's), once through httpx and once
through `AiohttpClient`; the server records what arrived, and the two must agree. Failures must
come out as the httpx exceptions `Api.call` retries and reports."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from console.transport import AiohttpClient

CASES: list[dict[str, Any]] = [
    {"method": "GET", "path": "/plain"},
    {"method": "GET", "path": "/v1/places/北区 7号楼%2F?x=1", "params": {"y": "2"}},
    {"method": "GET", "path": "/q", "params": {"status": ["assigned", "accepted"], "limit": 30}},
    {"method": "GET", "path": "/q", "params": {"q": "水龙头 漏水&x=1", "open_now": "false"}},
    {"method": "POST", "path": "/j", "json": {"note": "已修好 ✓", "n": [1, 2.5, None, True]}},
    {"method": "POST", "path": "/c", "content": b"\x00\x01raw", "headers": {"Content-Type": "a/b"}},
    {"method": "DELETE", "path": "/d", "params": {"unit": "plumbers"}},
    {"method": "POST", "path": "/f", "files": {"file": ("照片.jpg", b"\xff\xd8\xffdata", "image/jpeg")}},
    {"method": "POST", "path": "/h", "json": {}, "headers": {"Idempotency-Key": "k-1", "X-A": "b"}},
]  # fmt: skip


async def _seen(request: web.Request) -> dict[str, Any]:
    kind = request.headers.get("Content-Type", "")
    out: dict[str, Any] = {"method": request.method, "url": request.path_qs, "kind": kind}
    if kind.startswith("multipart/form-data"):  # boundaries differ: compare the parts
        form = await request.post()
        out["parts"] = {
            k: (v.filename, v.content_type, v.file.read()) if isinstance(v, web.FileField) else v
            for k, v in form.items()
        }
        out["kind"] = kind.split(";")[0]
    else:
        out["body"] = await request.read()
    out["headers"] = {k: request.headers.get(k) for k in ("Idempotency-Key", "X-A")}
    return out


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    async def record(request: web.Request) -> web.StreamResponse:
        if request.path == "/gzip":
            payload = gzip.compress(json.dumps({"名": "王师傅"}, ensure_ascii=False).encode())
            return web.Response(
                body=payload,
                headers={"Content-Encoding": "gzip", "Content-Type": "application/json",
                         "ETag": '"v1"'},
            )  # fmt: skip
        if request.path == "/slow":
            await asyncio.sleep(5)
        if request.path == "/drop":
            assert request.transport is not None
            request.transport.close()
            await asyncio.sleep(1)
        if request.path == "/problem":
            return web.json_response(
                {"type": "x", "title": "不行"}, status=409, content_type="application/problem+json"
            )
        if request.path == "/not-modified":
            return web.Response(status=304, headers={"ETag": '"v1"'})
        seen.append(await _seen(request))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_requests_arrive_as_httpx_sent_them(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    base, seen = server
    ours = AiohttpClient(timeout=5, connections=4)
    try:
        async with httpx.AsyncClient(timeout=5) as theirs:
            for case in CASES:
                kw = {k: v for k, v in case.items() if k not in ("method", "path")}
                for client in (theirs, ours):
                    r = await client.request(case["method"], base + case["path"], **kw)
                    assert r.status_code == 200 and r.json() == {"ok": True}
                by_httpx, by_us = seen[-2], seen[-1]
                assert by_us == by_httpx, case
    finally:
        await ours.aclose()
    assert len(seen) == 2 * len(CASES)


async def test_answers_read_as_httpx_reads_them(server: tuple[str, list[dict[str, Any]]]) -> None:
    base, _ = server
    ours = AiohttpClient(timeout=5, connections=4)
    try:
        r = await ours.request("GET", base + "/gzip")
        assert r.json() == {"名": "王师傅"} and r.headers["etag"] == '"v1"'
        r = await ours.request("GET", base + "/problem")
        assert r.status_code == 409 and r.json()["title"] == "不行"
        assert r.headers["content-type"].startswith("application/problem+json")
        r = await ours.request("GET", base + "/not-modified", headers={"If-None-Match": '"v1"'})
        assert r.status_code == 304 and r.content == b""
    finally:
        await ours.aclose()


async def test_failures_are_httpx_transport_errors(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    base, _ = server
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    ours = AiohttpClient(timeout=0.5, connections=4)
    try:
        with pytest.raises(httpx.ConnectError):
            await ours.request("GET", closed + "/x")
        loop = asyncio.get_running_loop()
        t = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            await ours.request("GET", base + "/slow")
        assert loop.time() - t < 2
        with pytest.raises(httpx.TransportError):
            await ours.request("GET", base + "/drop")
        r = await ours.request("GET", base + "/plain")  # and the client still works
        assert r.status_code == 200
    finally:
        await ours.aclose()
