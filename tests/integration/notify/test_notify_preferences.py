"""Preferences per person: channels per kind of message, quiet hours (urgent escalations never
wait), and the daily digest of low-priority items, against the real PostgreSQL and SMTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from helpers import Sso, api_client
from notify_support import Handle, directory
from peers import HttpPeer, SmtpPeer, channel_settings

from houqin_shared.contracts import RectificationOverdue, ScoreComputed, TicketAssigned
from notify.__main__ import create_app
from notify.delivery import Deliverer
from notify.digest import run_digests
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
Env = tuple[NotifySettings, asyncpg.Pool]


async def setup(
    settings: NotifySettings,
    sso: Sso,
    peers: tuple[HttpPeer, SmtpPeer, int],
    prefs: dict[str, dict[str, Any]],
) -> None:
    http, _, port = peers
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        for name, s in channel_settings(http, port).items():
            r = await client.put(f"/v1/channels/{name}", json={"settings": s}, headers=admin)
            assert r.status_code == 200, r.text
        for person, body in prefs.items():
            r = await client.put(f"/v1/preferences/{person}", json=body, headers=admin)
            assert r.status_code == 200, r.text


async def rows(pool: asyncpg.Pool, recipient: str) -> dict[str, dict[str, Any]]:
    async with pool.acquire() as conn:
        found = await conn.fetch("SELECT * FROM messages WHERE recipient = $1", recipient)
    return {r["channel"]: dict(r) for r in found}


def assigned(to: str) -> TicketAssigned:
    return TicketAssigned(
        ticket_id=uuid.uuid4(),
        report_id=uuid.uuid4(),
        tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
        assignee_id=to,
        team_id="plumbers",
        via="primary",
        assigned_at=datetime.now(UTC),
    )


def score(unit: str = "plumbers") -> ScoreComputed:
    kind = "department" if unit == "maintenance" else "team"
    now = datetime.now(UTC)
    return ScoreComputed(
        campaign_id=uuid.uuid4(),
        unit_type=kind,
        unit_id=unit,
        period_start=now.date(),
        period_end=now.date(),
        composite=80.0,
        work_score=None,
        inspection_score=None,
        satisfaction_score=None,
        on_time_rate=None,
        pass_rate=None,
        computed_at=now,
    )


async def deliver_due(settings: NotifySettings, pool: asyncpg.Pool) -> int:
    deliverer = Deliverer(settings)
    try:
        total = 0
        while n := await deliverer.run_once(pool):
            total += n
        return total
    finally:
        await deliverer.close()


async def test_preferences_api_validates_and_keeps_people_to_themselves(
    notify_env: Env, sso: Sso
) -> None:
    settings, _ = notify_env
    me = sso.auth("plumber", "staff")
    async with api_client(create_app(settings)) as client:
        got = (await client.get("/v1/preferences/me", headers=me)).json()
        assert got["lang"] == "zh-CN" and got["quiet_start"] is None
        for bad in (
            {"timezone": "Mars/Olympus"},
            {"quiet_start": "22:00"},
            {"quiet_start": "22:00", "quiet_end": "22:00"},
            {"channels": {"assignment": ["pigeon"]}},
            {"lang": "fr"},
        ):
            r = await client.put("/v1/preferences/me", json=bad, headers=me)
            assert r.status_code == 422, bad
            assert r.headers["content-type"].startswith("application/problem+json")
        ok = await client.put(
            "/v1/preferences/me",
            json={"lang": "en", "quiet_start": "22:00", "quiet_end": "07:00"},
            headers=me,
        )
        assert ok.status_code == 200
        assert (await client.get("/v1/preferences/me", headers=me)).json()[
            "quiet_end"
        ] == "07:00:00"
        other = await client.put("/v1/preferences/plumber-backup", json={}, headers=me)
        assert other.status_code == 403


async def test_channels_per_kind_and_language(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, _, _ = peers
    await handle(directory())
    await setup(
        settings, sso, peers, {"plumber": {"lang": "en", "channels": {"assignment": ["sms"]}}}
    )
    await handle(assigned("plumber"))
    got = await rows(pool, "plumber")
    assert list(got) == ["sms"]
    await deliver_due(settings, pool)
    assert http.bodies("/sms")[0]["text"].startswith("【后勤服务】Ticket ")


async def test_quiet_hours_hold_ordinary_messages_but_not_level_3(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    _, smtp, _ = peers
    now = datetime.now(UTC)
    quiet = {
        "timezone": "UTC",
        "quiet_start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "quiet_end": (now + timedelta(hours=1)).strftime("%H:%M"),
    }
    await handle(directory())
    await setup(settings, sso, peers, {"plumber": quiet, "supervisor": quiet})
    await handle(assigned("plumber"))
    await handle(
        RectificationOverdue(
            subject_kind="ticket",
            subject_id=uuid.uuid4(),
            tracking_no="FK-L3",
            stage="finish",
            level=3,
            due_at=now - timedelta(hours=30),
            overdue_by_s=30 * 3600,
            department_id="maintenance",
            detected_at=now,
        )
    )
    await deliver_due(settings, pool)
    plumber = await rows(pool, "plumber")
    assert plumber["inbox"]["status"] == "sent"  # the inbox is read when they choose
    assert plumber["email"]["status"] == "pending"
    end = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    assert plumber["email"]["next_attempt_at"] == end
    assert [e.rcpt_tos for e in smtp.received] == [["qa@campus.test"]]  # level 3 went at once
    assert (await rows(pool, "supervisor"))["email"]["status"] == "sent"


async def test_low_priority_items_wait_for_one_daily_digest(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    _, smtp, _ = peers
    await handle(directory())
    await setup(
        settings,
        sso,
        peers,
        {"maintenance-head": {"timezone": "UTC", "digest": True, "digest_at": "00:00"}},
    )
    for unit in ("plumbers", "maintenance", "plumbers"):
        await handle(score(unit))
    assert await deliver_due(settings, pool) == 0
    async with pool.acquire() as conn:
        held = await conn.fetchval(
            "SELECT count(*) FROM messages WHERE status = 'digest' AND channel = 'email'"
        )
    assert held == 3
    now = datetime.now(UTC)
    assert await run_digests(pool, now) == 1
    assert await run_digests(pool, now) == 0
    await deliver_due(settings, pool)
    assert len(smtp.received) == 1
    text = smtp.texts()[0]
    assert text.startswith("每日汇总")
    assert text.count("水工班") == 2 and "维修管理科" in text  # by name, not id
    await handle(score())
    assert await run_digests(pool, now) == 0  # today's digest is out: tomorrow's
    assert await run_digests(pool, now + timedelta(days=1)) == 1
    async with pool.acquire() as conn:
        second = await conn.fetch(
            "SELECT status, next_attempt_at, body FROM messages WHERE kind = 'digest' ORDER BY id"
        )
    assert [r["status"] for r in second] == ["sent", "pending"]
    assert second[1]["next_attempt_at"] == now + timedelta(days=1)  # goes out tomorrow
    assert second[1]["body"].count("水工班") == 1
