"""Helpers of the scoring tests: the service's pool with a way to feed it events through its
real handlers, campaigns from the World, and the stored scores."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
from scoring_world import World

from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.runs import group_runs
from scoring import compute, repository
from scoring.handlers import BATCH_HANDLERS, HANDLERS
from scoring.schemas import CampaignIn
from scoring.settings import ScoringSettings


@dataclass
class Scoring:
    schema: str
    settings: ScoringSettings
    pool: asyncpg.Pool

    async def feed(self, *events: Event) -> None:
        """Each event in its own transaction, through the worker's handler."""
        for event in events:
            async with self.pool.acquire() as conn, conn.transaction():
                await HANDLERS[type(event)](conn, Envelope(event))

    async def feed_runs(self, *events: Event) -> None:
        """As the worker does with one batch from Kafka: the runs it cuts (every type shares
        one batch handler here, so mixed runs, each key's events in order), all in one
        transaction."""
        kinds = [BATCH_HANDLERS[type(e)] for e in events]
        keys = [e.key() for e in events]
        runs = group_runs(list(events), kinds, keys, set(BATCH_HANDLERS.values()))
        assert len(runs) < len(events) / 2  # the runs are long: the test must mix types
        async with self.pool.acquire() as conn, conn.transaction():
            for run in runs:
                await BATCH_HANDLERS[type(run[0])](conn, [Envelope(e) for e in run])

    async def fetch(self, query: str, *args: Any) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            return [dict(r) for r in await conn.fetch(query, *args)]


async def make_campaign(s: Scoring, w: World) -> uuid.UUID:
    body = CampaignIn.model_validate(w.campaign())
    async with s.pool.acquire() as conn, conn.transaction():
        c = await repository.campaigns.create(
            conn, uuid.uuid4(), body.name, body.period_start, body.period_end, body.timezone,
            body.departments, body.rules.model_dump(), "leader-1",
        )  # fmt: skip
        for unit_type, unit_id, mark in w.marks():
            await repository.campaigns.set_mark(
                conn, c["id"], unit_type, unit_id, mark, "活动方案完整", "leader-1"
            )
    return uuid.UUID(str(c["id"]))


async def recompute(s: Scoring, cid: uuid.UUID) -> int:
    async with s.pool.acquire() as conn, conn.transaction():
        n = await compute.recompute(conn, cid)
    assert n is not None
    return n


async def scores(s: Scoring, cid: uuid.UUID) -> dict[tuple[str, str], dict[str, Any]]:
    rows = await s.fetch("SELECT * FROM scores WHERE campaign_id = $1", cid)
    return {(r["unit_type"], r["unit_id"]): r for r in rows}


async def announced(s: Scoring) -> list[dict[str, Any]]:
    rows = await s.fetch("SELECT event_type, payload FROM outbox ORDER BY id")
    return [json.loads(r["payload"]) for r in rows if r["event_type"].endswith("ScoreComputed.v1")]


def plain(
    w: World, got: dict[tuple[str, str], dict[str, Any]]
) -> dict[tuple[str, str], tuple[Any, Any]]:
    return {
        (t, uid.removesuffix(f"-{w.tag}")): (r["composite"], r["rank"])
        for (t, uid), r in got.items()
    }
