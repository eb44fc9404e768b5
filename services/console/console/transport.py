"""The console's HTTP client of the APIs: aiohttp underneath, httpx's shape on top.

`Api` calls `request(...)` and reads an `httpx.Response`, as with an `httpx.AsyncClient`; this
client sends the request with aiohttp instead. Under load httpx cost the console most of its CPU:
at 100 workers opening ticket pages, 70% of the console's samples were in httpx and httpcore,
most in the pool's bookkeeping (every request polls each kept connection's socket), which made
the ticket page twice as slow as the API calls behind it. Failures come out as httpx's
exceptions (a refused or dropped connection and a timeout as `httpx.TransportError`), so the
caller's retry and error handling are one code path for both clients; tests that give `Api` an
httpx transport (a mock of the APIs) keep using httpx.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import httpx
from yarl import URL

KEEPALIVE_S = 2.0  # below the APIs' own keep-alive timeout (uvicorn: 5 s), as httpx's was


class HttpClient(Protocol):
    async def request(
        self, method: str, url: str, *, json: Any = None,
        params: Mapping[str, str | int] | None = None, files: Any = None,
        content: bytes | None = None, headers: Mapping[str, str] | None = None,
    ) -> httpx.Response: ...  # fmt: skip

    async def aclose(self) -> None: ...


class AiohttpClient:
    """One API's connections (at most `connections`), each request within `timeout` seconds.

    The session is made on the first request, inside the running event loop (aiohttp ties it
    to one). Bodies are read as sent (no decompression here): `httpx.Response` decodes them by
    their Content-Encoding, as httpx would."""

    def __init__(self, timeout: float, connections: int) -> None:
        self.timeout = timeout
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self.connections, keepalive_timeout=KEEPALIVE_S, ttl_dns_cache=60
                ),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                auto_decompress=False,
                raise_for_status=False,
            )
        return self._session

    async def request(
        self, method: str, url: str, *, json: Any = None,
        params: Mapping[str, str | int] | None = None, files: Any = None,
        content: bytes | None = None, headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        sent = dict(headers or {})
        body: bytes | None = content
        # the URL encoded as httpx encodes it (a path's spaces and Chinese, the query's lists
        # repeating the name, booleans in words)
        url = str(httpx.URL(url, params=params or None))
        if files is not None:  # a multipart upload, encoded by httpx: the same bytes as before
            built = httpx.Request(method, url, files=files)
            body = built.read()
            sent["Content-Type"] = built.headers["Content-Type"]
        elif json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode()
            sent.setdefault("Content-Type", "application/json")
        try:
            async with self._open().request(
                method, URL(url, encoded=True), data=body, headers=sent, allow_redirects=False
            ) as r:
                raw = await r.read()
                return httpx.Response(
                    r.status,
                    headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in r.raw_headers],
                    content=raw,
                )
        except TimeoutError as exc:
            raise httpx.ReadTimeout(f"no answer in {self.timeout:g} s") from exc
        except aiohttp.ClientConnectionError as exc:  # refused, reset, closed by the server
            raise httpx.ConnectError(type(exc).__name__) from exc
        except aiohttp.ClientError as exc:  # a malformed answer
            raise httpx.RemoteProtocolError(type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
