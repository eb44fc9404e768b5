"""Helpers of the delivery tests: the peers fixture, channel set-up through the API, events,
and running the delivery loop until nothing is due."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from helpers import Sso, api_client
from peers import HttpPeer, SmtpPeer, channel_settings

from houqin_shared.contracts import Location, RecurringProblemDetected, TicketAssigned
from notify.__main__ import create_app
from notify.delivery import Deliverer
from notify.settings import NotifySettings

NOW = datetime.now(UTC)
Env = tuple[NotifySettings, asyncpg.Pool]


async def configure(
    settings: NotifySettings,
    sso: Sso,
    peers: tuple[HttpPeer, SmtpPeer, int],
    **extra: dict[str, Any],
) -> None:
    http, _, port = peers
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        for name, s in channel_settings(http, port).items():
            body = {"settings": s, **extra.get(name, {})}
            r = await client.put(f"/v1/channels/{name}", json=body, headers=admin)
            assert r.status_code == 200, r.text
        rules = (await client.get("/v1/rules", headers=admin)).json()
        recurring = next(r for r in rules if r["template"] == "recurring")
        r = await client.put(
            f"/v1/rules/{recurring['id']}",
            json={**recurring, "channels": ["inbox", "email", "webhook"]},
            headers=admin,
        )
        assert r.status_code == 200, r.text


def assigned(to: str = "plumber") -> TicketAssigned:
    return TicketAssigned(
        ticket_id=uuid.uuid4(),
        report_id=uuid.uuid4(),
        tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
        assignee_id=to,
        team_id="plumbers",
        department_id="maintenance",
        via="primary",
        assigned_at=NOW,
    )


def recurring() -> RecurringProblemDetected:
    return RecurringProblemDetected(
        problem_id=uuid.uuid4().hex,
        category="plumbing",
        location=Location(building="north-dorm-7"),
        count=3,
        window_days=30,
        ticket_ids=[],
        detected_at=NOW,
    )


async def drain(deliverer: Deliverer, pool: asyncpg.Pool, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        done = await deliverer.run_once(pool)
        async with pool.acquire() as conn:
            left = await conn.fetchval("SELECT count(*) FROM messages WHERE status = 'pending'")
        if left == 0:
            return
        assert time.monotonic() < deadline, f"{left} deliveries still pending"
        if not done:
            await asyncio.sleep(0.01)


async def log_of(pool: asyncpg.Pool, channel: str) -> list[list[str]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT m.id, array_agg(a.status ORDER BY a.id) AS log FROM messages m"
            " JOIN delivery_attempts a ON a.message_id = m.id WHERE m.channel = $1"
            " GROUP BY m.id ORDER BY m.id",
            channel,
        )
    return [list(r["log"]) for r in rows]
