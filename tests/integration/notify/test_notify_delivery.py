"""Deliveries through every channel to real peers (an SMTP server, and an HTTP server checking
each robot's, the webhook's and the SMS gateway's format and signature): retries with backoff,
dead letters and resend, deduplication, rate limits, replicas and refused addresses."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from delivery_helpers import Env, assigned, configure, drain, log_of, recurring
from helpers import Sso, api_client
from notify_support import Handle, directory
from peers import HttpPeer, SmtpPeer
from prometheus_client import REGISTRY

from houqin_shared.contracts import (
    AwardsPublished,
    RectificationOverdue,
)
from houqin_shared.contracts.scoring import Award
from notify.__main__ import create_app
from notify.delivery import Deliverer

pytestmark = pytest.mark.infra
NOW = datetime.now(UTC)


async def test_every_channel_delivers_in_its_vendors_format(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    await handle(assigned("plumber"))
    await handle(
        RectificationOverdue(
            subject_kind="rectification",
            subject_id=uuid.uuid4(),
            stage="deadline",
            level=2,
            due_at=NOW - timedelta(days=1),
            overdue_by_s=86400,
            department_id="maintenance",
            detected_at=NOW,
        )
    )
    await handle(
        AwardsPublished(
            campaign_id=uuid.uuid4(),
            campaign_name="优质服务月",
            awards=[Award(award="team", unit_type="team", unit_id="plumbers", rank=1, composite=9)],
            published_at=NOW,
        )
    )
    await handle(recurring())
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    assert http.rejected == []
    assert sorted(e.rcpt_tos[0] for e in smtp.received) == [
        "head@campus.test",
        "head@campus.test",
        "plumber@campus.test",
        "qa@campus.test",
    ]
    assert sum(t.startswith("工单派给您：FK-") for t in smtp.texts()) == 1  # decoded UTF-8 subject
    assert http.bodies("/wecom/send")[0]["text"]["mentioned_list"] == ["zhang.plumber"]
    assert http.bodies("/sms")[0]["to"] == "13800000001"
    ding = http.bodies("/dingtalk/robot/send")
    assert ding[0]["at"]["atUserIds"] == ["liu.head"] and "1天" in ding[0]["text"]["content"]
    assert http.bodies("/feishu/hook/abc")[0]["content"]["text"].startswith('<at user_id="ou_sun">')
    hook = http.bodies("/webhook")
    assert [h["recipient"] for h in hook] == ["supervisor"] and hook[0]["kind"] == "recurring"
    for ch in ("email", "wecom", "sms", "dingtalk", "feishu", "webhook"):
        assert all(entry == ["sent"] for entry in await log_of(pool, ch)), ch


async def test_failures_are_retried_until_they_succeed(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    http.fail_next["/webhook"] = 2
    smtp.fail_next = 2

    def failed() -> float:
        labels = {"channel": "webhook", "outcome": "failed"}
        return REGISTRY.get_sample_value("houqin_notify_deliveries_total", labels) or 0.0

    before = failed()
    await handle(recurring())
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    assert len(http.bodies("/webhook")) == 1 and len(smtp.received) == 1
    assert await log_of(pool, "webhook") == [["failed", "failed", "sent"]]
    assert failed() - before == 2  # the worker's /metrics counts them
    assert await log_of(pool, "email") == [["failed", "failed", "sent"]]
    async with pool.acquire() as conn:
        errors = await conn.fetch(
            "SELECT a.error FROM delivery_attempts a JOIN messages m ON m.id = a.message_id"
            " WHERE m.channel = 'webhook' AND a.status = 'failed'"
        )
        times = await conn.fetch(
            "SELECT a.at FROM delivery_attempts a JOIN messages m ON m.id = a.message_id"
            " WHERE m.channel = 'webhook' ORDER BY a.id"
        )
    assert all("503" in r["error"] for r in errors)
    gaps = [(b["at"] - a["at"]).total_seconds() for a, b in itertools.pairwise(times)]
    # base 50 ms doubled, each with at least half of it as jitter's floor: 25 ms then 50 ms
    assert gaps[0] >= 0.025 and gaps[1] >= 0.05


async def test_dead_after_the_last_attempt_then_resent_by_an_operator(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    settings = settings.model_copy(update={"delivery_max_attempts": 3})
    http, _, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    http.fail_next["/sms"] = 5
    await handle(assigned("plumber"))
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
        async with pool.acquire() as conn:
            dead = await conn.fetchrow("SELECT * FROM messages WHERE channel = 'sms'")
        assert dead["status"] == "dead" and dead["attempts"] == 3 and "503" in dead["last_error"]
        assert await log_of(pool, "sms") == [["failed", "failed", "dead"]]
        admin = sso.auth("admin", "admin")
        async with api_client(create_app(settings)) as client:
            shown = (await client.get(f"/v1/deliveries/{dead['id']}", headers=admin)).json()
            assert [a["status"] for a in shown["log"]] == ["failed", "failed", "dead"]
            listed = await client.get("/v1/deliveries", params={"status": "dead"}, headers=admin)
            assert [d["id"] for d in listed.json()] == [dead["id"]]
            r = await client.post(f"/v1/deliveries/{dead['id']}/resend", headers=admin)
            assert r.status_code == 200 and r.json()["status"] == "pending"
            again = await client.post(f"/v1/deliveries/{dead['id']}/resend", headers=admin)
            assert again.status_code == 409
            no = await client.post(
                f"/v1/deliveries/{dead['id']}/resend", headers=sso.auth("q", "supervisor")
            )
            assert no.status_code == 403
        http.fail_next["/sms"] = 0
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    assert len(http.bodies("/sms")) == 1
    assert await log_of(pool, "sms") == [["failed", "failed", "dead", "resend", "sent"]]


async def test_a_redelivered_event_is_sent_once(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    event = assigned("plumber")
    event_id = await handle(event)
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
        await handle(event, event_id)  # the same CloudEvent again, after delivery
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    assert len(smtp.received) == 1
    assert len(http.bodies("/wecom/send")) == 1 and len(http.bodies("/sms")) == 1


async def test_rate_limit_throttles_a_channel(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, _, _ = peers
    await handle(directory())
    await configure(settings, sso, peers, webhook={"rate_per_s": 20, "burst": 3})
    for _ in range(10):
        await handle(recurring())
    deliverer = Deliverer(settings)
    try:
        began = time.monotonic()
        first = await deliverer.run_once(pool)
        async with pool.acquire() as conn:
            hooks = await conn.fetchval(
                "SELECT count(*) FROM delivery_attempts a JOIN messages m ON m.id = a.message_id"
                " WHERE m.channel = 'webhook'"
            )
        assert first >= 3 and hooks == 3  # the burst, not all ten
        await drain(deliverer, pool)
        took = time.monotonic() - began
    finally:
        await deliverer.close()
    assert len(http.bodies("/webhook")) == 10
    assert took >= (10 - 3) / 20  # the seven after the burst waited for tokens at 20/s
