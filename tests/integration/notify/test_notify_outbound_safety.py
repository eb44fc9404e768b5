"""Where notify connects, and how long it waits: an internal address is refused when a send
connects (whatever the API let through), unless the allow-list names it; a server that accepts
the connection and then answers a byte at a time costs a send (or a call to the SSO) its
deadline, not the worker's round."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from delivery_helpers import Env, configure, drain, recurring
from helpers import Sso
from notify_support import Handle, directory
from peers import HOOK_SECRET, HttpPeer, SmtpPeer

from houqin_shared.consumer import Unavailable
from notify.delivery import Deliverer
from notify.reporters import ReporterAudience
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra


async def deliver(settings: NotifySettings, env: Env) -> None:
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, env[1])
    finally:
        await deliverer.close()


async def outcomes(env: Env) -> dict[str, tuple[str, str | None]]:
    async with env[1].acquire() as conn:
        rows = await conn.fetch(
            "SELECT channel, status, last_error FROM messages WHERE channel <> 'inbox'"
        )
    return {r["channel"]: (r["status"], r["last_error"]) for r in rows}


async def test_loopback_peers_are_refused_at_connect_time_unless_allowed(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    """The API (allowing 127.0.0.1) stored e-mail and webhook channels at 127.0.0.1; a worker
    whose allow-list is empty refuses both when it connects: nothing reaches the peers."""
    settings, _ = notify_env
    http, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    await handle(recurring())
    await deliver(settings.model_copy(update={"webhook_allow_hosts": ""}), notify_env)
    assert http.accepted == [] and smtp.received == [] and smtp.sessions == 0
    found = await outcomes(notify_env)
    for channel in ("email", "webhook"):
        status, error = found[channel]
        assert status == "dead", found
        assert "internal address 127.0.0.1 (loopback)" in (error or ""), found


async def test_a_host_in_the_shared_address_space_is_refused_an_allowed_network_reached(
    notify_env: Env, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, _, _ = peers
    await handle(directory())
    hook: dict[str, Any] = {"url": "http://100.64.0.1:9/hook", "secret": HOOK_SECRET}
    async with pool.acquire() as conn:  # behind the API's back
        await conn.execute(
            "INSERT INTO channels (name, type, settings) VALUES ('webhook', 'webhook', $1)", hook
        )
        await conn.execute("UPDATE rules SET channels = '{webhook}' WHERE template = 'recurring'")
    await handle(recurring())
    everything_local = settings.model_copy(update={"webhook_allow_hosts": "127.0.0.0/8,::1"})
    await deliver(everything_local, notify_env)
    status, error = (await outcomes(notify_env))["webhook"]
    assert status == "dead" and "100.64.0.1 (shared address space" in (error or "")

    # `localhost` resolves to 127.0.0.1 (and maybe ::1): reached when its networks are allowed
    hook["url"] = f"http://localhost:{http.port}/webhook"
    async with pool.acquire() as conn:
        await conn.execute("UPDATE channels SET settings = $1 WHERE name = 'webhook'", hook)
        await conn.execute("DELETE FROM messages WHERE channel = 'webhook'")
    await handle(recurring())
    await deliver(everything_local, notify_env)
    assert (await outcomes(notify_env))["webhook"] == ("sent", None)
    assert len(http.bodies("/webhook")) == 1


HTTP_DRIP = (b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", b" ")
SMTP_DRIP = (b"", b"220-wait\r\n")


@asynccontextmanager
async def dripping_server(prefix: bytes, unit: bytes) -> AsyncIterator[int]:
    """A TCP server that answers every connection with `prefix`, then `unit` every 0.1 s for
    ever: no single read ever waits long, only a deadline on the whole call ends it."""
    tasks: list[asyncio.Task[None]] = []

    async def drip(writer: asyncio.StreamWriter) -> None:
        writer.write(prefix)
        while True:
            await asyncio.sleep(0.1)
            writer.write(unit)
            await writer.drain()

    def serve(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.append(asyncio.create_task(drip(writer)))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for t in tasks:
            t.cancel()
        server.close()


async def test_dripping_servers_cost_a_send_its_deadline(notify_env: Env, handle: Handle) -> None:
    settings, pool = notify_env
    await handle(directory())
    async with dripping_server(*HTTP_DRIP) as web, dripping_server(*SMTP_DRIP) as mail:
        async with pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO channels (name, type, settings) VALUES ('webhook', 'webhook', $1),"
                " ('email', 'email', $2)",
                {"url": f"http://127.0.0.1:{web}/hook", "secret": HOOK_SECRET},
                {"host": "127.0.0.1", "port": mail, "sender": "houqin@campus.test"},
            )
            await conn.execute(
                "UPDATE rules SET channels = '{email,webhook}' WHERE template = 'recurring'"
            )
        await handle(recurring())
        quick = settings.model_copy(
            update={
                "delivery_timeout_s": 1.0,
                "delivery_connect_timeout_s": 0.5,
                "delivery_max_attempts": 1,
            }
        )
        began = time.monotonic()
        await deliver(quick, notify_env)
        took = time.monotonic() - began
    found = await outcomes(notify_env)
    assert found["email"][0] == "dead" and "Timeout" in (found["email"][1] or ""), found
    assert found["webhook"][0] == "dead" and "Timeout" in (found["webhook"][1] or ""), found
    assert took < 5, took


async def test_a_dripping_sso_makes_the_audience_unavailable_in_time(notify_env: Env) -> None:
    settings, _ = notify_env
    async with dripping_server(*HTTP_DRIP) as port:
        url = f"http://127.0.0.1:{port}"
        s = settings.model_copy(
            update={"feedback_url": url, "sso_token_url": url + "/token", "peer_timeout_s": 0.5}
        )
        audience = ReporterAudience(s)
        began = time.monotonic()
        try:
            with pytest.raises(Unavailable):
                await asyncio.wait_for(audience.of(uuid.uuid4()), 10)
        finally:
            await audience.close()
        assert time.monotonic() - began < 3
