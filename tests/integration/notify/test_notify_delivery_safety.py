"""Deliveries stay safe: several replicas never send one twice, and an internal address that
reached the settings behind the API's back is never called."""

from __future__ import annotations

import asyncio
from collections import Counter
from email import message_from_bytes

import pytest
from delivery_helpers import Env, configure, drain, log_of, recurring
from helpers import Sso
from notify_support import Handle, directory
from peers import HttpPeer, SmtpPeer

from notify.delivery import Deliverer
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra


async def test_replicas_never_send_a_delivery_twice(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    _, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    for _ in range(40):
        await handle(recurring())
    small = replace_batch(settings, 7)
    a, b = Deliverer(small), Deliverer(small)
    try:
        await asyncio.gather(drain(a, pool), drain(b, pool))
    finally:
        await a.close()
        await b.close()
    assert len(smtp.received) == 40
    assert a.sent > 0 and b.sent > 0
    assert all(entry == ["sent"] for entry in await log_of(pool, "email"))
    assert smtp.sessions <= 4  # two replicas, each reusing its pool of connections


async def test_two_workers_and_a_slow_smtp_server_send_each_message_once(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    """A round outlasts the lease: each DATA takes 1 s, a worker sends two at a time, so its
    claim of 10 takes 5 s against a 3 s lease. The other worker must not take the rows over
    (the lease is extended while the round lasts), and none may reach the server twice."""
    settings, pool = notify_env
    _, smtp, _ = peers
    smtp.data_delay_s = 1.0
    await handle(directory())
    await configure(settings, sso, peers)
    for _ in range(10):
        await handle(recurring())
    slow = settings.model_copy(
        update={
            "delivery_batch": 10,
            "delivery_concurrency": 2,
            "delivery_lease_s": 3,
            "delivery_timeout_s": 2.0,
        }
    )
    a, b = Deliverer(slow), Deliverer(slow)
    try:
        await asyncio.gather(drain(a, pool, 60), drain(b, pool, 60))
    finally:
        await a.close()
        await b.close()
    ids = Counter(
        message_from_bytes(e.original_content or b"")["X-Houqin-Delivery"] for e in smtp.received
    )
    assert len(ids) == 10 and set(ids.values()) == {1}, ids
    assert all(entry == ["sent"] for entry in await log_of(pool, "email"))


def replace_batch(settings: NotifySettings, batch: int) -> NotifySettings:
    return settings.model_copy(update={"delivery_batch": batch})


async def test_an_internal_address_stored_behind_the_apis_back_is_never_called(
    notify_env: Env, handle: Handle
) -> None:
    settings, pool = notify_env
    await handle(directory())
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO channels (name, type, settings) VALUES ('webhook', 'webhook', $1)",
            {"url": "http://10.0.0.7/hook", "secret": "x" * 20},
        )
        await conn.execute("UPDATE rules SET channels = '{webhook}' WHERE template = 'recurring'")
    await handle(recurring())
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT status, last_error FROM messages WHERE channel = 'webhook'"
        )
    assert row["status"] == "dead" and "internal address 10.0.0.7" in row["last_error"]
