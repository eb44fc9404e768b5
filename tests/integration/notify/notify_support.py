"""Shared fixtures of the notify integration tests: a migrated schema, its settings and pool,
a directory, and a way to hand events to the worker's handlers (real PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import pytest
from helpers import Infra, Sso, settings_for
from peers import HttpPeer, SmtpPeer, http_peer, smtp_peer

from houqin_shared import db
from houqin_shared.contracts import DirectoryChanged
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from notify.handlers import HANDLERS
from notify.settings import NotifySettings

Handle = Callable[..., Awaitable[str]]


def directory(version: int = 1, **changes: object) -> DirectoryChanged:
    staff = [
        StaffEntry(
            id="plumber",
            name="张师傅",
            department_id="maintenance",
            team_id="plumbers",
            roles=["staff"],
            email="plumber@campus.test",
            phone="13800000001",
            wecom="zhang.plumber",
        ),
        StaffEntry(
            id="plumber-backup",
            name="赵师傅",
            department_id="maintenance",
            team_id="plumbers",
            roles=["staff"],
            email="backup@campus.test",
        ),
        StaffEntry(
            id="plumbing-lead",
            name="陈班长",
            department_id="maintenance",
            team_id="plumbers",
            roles=["staff", "team_lead"],
            email="lead@campus.test",
        ),
        StaffEntry(
            id="maintenance-head",
            name="刘科长",
            department_id="maintenance",
            roles=["dept_head"],
            email="head@campus.test",
            dingtalk="liu.head",
        ),
        StaffEntry(
            id="catering-head",
            name="孙科长",
            department_id="catering",
            roles=["dept_head"],
            feishu="ou_sun",
        ),
        StaffEntry(
            id="supervisor",
            name="质量监督",
            roles=["supervisor"],
            email="qa@campus.test",
            phone="13800000009",
        ),
        StaffEntry(id="leader", name="分管领导", roles=["leader"], phone="13800000010"),
    ]
    return DirectoryChanged(
        version=version,
        departments=[
            UnitEntry(id="maintenance", name="维修管理科", lead_id="maintenance-head"),
            UnitEntry(id="catering", name="饮食服务科", lead_id="catering-head"),
        ],
        teams=[
            UnitEntry(
                id="plumbers", name="水工班", department_id="maintenance", lead_id="plumbing-lead"
            )
        ],
        staff=list(changes.get("staff", staff)),  # type: ignore[call-overload]
        changed_at=datetime.now(UTC),
    )


@pytest.fixture
async def notify_env(
    infra: Infra, sso: Sso, service_db: Callable[[str], str]
) -> AsyncIterator[tuple[NotifySettings, asyncpg.Pool]]:
    schema = service_db("notify")
    settings = settings_for(
        NotifySettings,
        infra,
        sso,
        schema,
        webhook_allow_hosts="127.0.0.1,localhost",
        delivery_backoff_ms=50,
        delivery_every_ms=20,
    )
    pool = await db.create_pool(settings)
    try:
        yield settings, pool
    finally:
        await pool.close()


@pytest.fixture
def handle(notify_env: tuple[NotifySettings, asyncpg.Pool]) -> Handle:
    """Run the worker's handler of `event` in one transaction, as the consumer runner would."""
    _, pool = notify_env

    async def run(event: Event, event_id: str | None = None, at: datetime | None = None) -> str:
        env = Envelope(event, id=event_id or str(uuid.uuid4()), time=at or datetime.now(UTC))
        async with pool.acquire() as conn, conn.transaction():
            await HANDLERS[type(event)](conn, env)
        return env.id

    return run


@pytest.fixture
async def peers() -> AsyncIterator[tuple[HttpPeer, SmtpPeer, int]]:
    async with http_peer() as http, smtp_peer() as (smtp, port):
        yield http, smtp, port
