"""The JWKS fetch has one deadline for the whole answer: an SSO that answers a byte at a time
(each read well inside httpx's per-read timeout) cannot hold token checks for longer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from houqin_shared.identity import JwksCache, JwksUnavailableError


@pytest.fixture
async def dripping_sso() -> AsyncIterator[str]:
    """An HTTP server that sends its headers, then one body byte every 0.2 s for a minute."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        writer.write(b"content-length: 300\r\n\r\n")
        try:
            for _ in range(300):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.2)
        except (OSError, asyncio.CancelledError):
            pass
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/.well-known/jwks.json"
    server.close()


async def test_a_dripping_jwks_answer_is_given_up_at_the_deadline(dripping_sso: str) -> None:
    cache = JwksCache(dripping_sso, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(JwksUnavailableError):
        await asyncio.wait_for(cache.get_key("any-kid"), 30)
    assert time.monotonic() - started < 3, "the JWKS fetch outlived its deadline"
