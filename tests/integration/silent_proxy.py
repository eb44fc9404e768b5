"""A TCP proxy that can go silent: it keeps every connection open but stops passing bytes, the
way a PostgreSQL host that hangs (or whose network drops packets) looks to its clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class SilentProxy:
    """Forwards 127.0.0.1:<port> to `upstream` until `hang()`, and again after `resume()`.

    While silent it still accepts connections (the kernel would complete the handshake anyway)
    but neither opens the upstream side nor moves a byte in either direction, and closes
    nothing."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.forwarding = asyncio.Event()
        self.forwarding.set()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    def hang(self) -> None:
        self.forwarding.clear()

    def resume(self) -> None:
        self.forwarding.set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self._writers.add(client_w)
        await self.forwarding.wait()
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return
        self._writers.add(server_w)
        for reader, writer in ((client_r, server_w), (server_r, client_w)):
            task = asyncio.create_task(self._pump(reader, writer))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while True:
                await self.forwarding.wait()
                data = await reader.read(65536)
                await self.forwarding.wait()  # bytes read just before a hang are held back
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        writer.close()


@asynccontextmanager
async def silent_proxy(upstream_host: str, upstream_port: int) -> AsyncIterator[SilentProxy]:
    proxy = SilentProxy(upstream_host, upstream_port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
