"""Helpers for the tickets integration tests: the in-process environment, demo data, events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import yaml
from helpers import Sso

from houqin_shared.contracts import ComplaintFiled, Location
from houqin_shared.contracts.base import Envelope, Event
from tickets.__main__ import SPEC

ROOT = Path(__file__).resolve().parents[3]
DEMO = yaml.safe_load((ROOT / "deploy/demo/directory.yaml").read_text())


@dataclass
class Env:
    client: httpx.AsyncClient
    pool: asyncpg.Pool
    sso: Sso
    schema: str

    def as_user(self, user: str) -> dict[str, str]:
        """Headers for a demo user, with the claims users.json gives them."""
        for u in json_users():
            if u["username"] == user:
                return self.sso.auth(user, *u["roles"], dept=u.get("dept"), team=u.get("team"))
        raise KeyError(user)

    async def handle(self, event: Event, time: datetime | None = None) -> None:
        env = Envelope(event) if time is None else Envelope(event, time=time)
        async with self.pool.acquire() as conn, conn.transaction():
            await SPEC.handlers[type(event)](conn, env)

    async def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(
            "SELECT event_type, key, convert_from(payload, 'UTF8') AS payload FROM outbox"
            " WHERE $1::text IS NULL OR event_type = $1 ORDER BY id",
            None if event_type is None else f"houqin.tickets.{event_type}.v1",
        )
        import json

        return [{**dict(r), "data": json.loads(r["payload"])} for r in rows]


def json_users() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "deploy/demo/users.json").read_text()))


def complaint(category: str = "plumbing", urgency: str = "normal", **where: str) -> ComplaintFiled:
    location = where or {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"}
    return ComplaintFiled(
        report_id=uuid.uuid4(),
        tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
        kind="repair",
        category=category,
        channel="web",
        urgency=urgency,  # type: ignore[arg-type]
        location=Location(**location),
        description="the tap leaks",
        anonymous=True,
        filed_at=datetime.now(UTC),
    )


async def opened(e: Env, category: str = "plumbing", urgency: str = "normal") -> dict[str, Any]:
    c = complaint(category, urgency)
    await e.handle(c)
    r = await e.client.get(f"/v1/tickets/by-report/{c.report_id}", headers=e.as_user("supervisor"))
    return dict(r.json())
