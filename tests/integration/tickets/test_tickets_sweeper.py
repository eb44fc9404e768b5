"""The overdue sweeper against the real PostgreSQL: warning, levels 1-3, each fired exactly once
even with two sweepers at once; accepting moves to the next stage; paused tickets are not chased."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env, complaint

from houqin_shared.contracts import ServiceCatalogChanged
from houqin_shared.contracts.feedback import StageLimits
from tickets.sweeper import sweep

pytestmark = pytest.mark.infra


async def one_minute_limits(e: Env) -> None:
    await e.handle(
        ServiceCatalogChanged(
            code="plumbing",
            name="水",
            limits=[
                StageLimits(
                    urgency="normal", accept_minutes=1, arrive_minutes=10, finish_minutes=100
                )
            ],
            calendar="round_the_clock",
            version=1,
            changed_at=datetime.now(UTC),
        )
    )


async def open_at(e: Env, when: datetime) -> str:
    c = complaint("plumbing")
    await e.handle(c, time=when)
    r = await e.client.get(f"/v1/tickets/by-report/{c.report_id}", headers=e.as_user("supervisor"))
    return str(r.json()["id"])


async def test_two_sweepers_fire_each_escalation_exactly_once(tickets_env: Env) -> None:
    e = tickets_env
    await one_minute_limits(e)
    now = datetime.now(UTC)
    late = [await open_at(e, now - timedelta(minutes=5)) for _ in range(40)]
    fresh = await open_at(e, now)
    fired = await asyncio.gather(sweep(e.pool, now, batch=7), sweep(e.pool, now, batch=7))
    assert sum(fired) == 40 * 4
    events = [x["data"] for x in await e.outbox("RectificationOverdue")]
    keys = Counter((x["subject_id"], x["stage"], x["level"], x["warning"]) for x in events)
    assert set(keys.values()) == {1} and len(keys) == 160
    assert {k[0] for k in keys} == set(late) and fresh not in {k[0] for k in keys}
    levels = sorted((x["level"], x["warning"]) for x in events if x["subject_id"] == late[0])
    assert levels == [(1, False), (1, True), (2, False), (3, False)]
    one = next(
        x for x in events if x["subject_id"] == late[0] and x["level"] == 1 and not x["warning"]
    )
    assert (
        one["stage"] == "accept"
        and one["overdue_by_s"] == 240
        and one["responsible_id"] == "plumber"
    )
    assert one["team_id"] == "plumbers" and one["department_id"] == "maintenance"
    # again, and again at once: nothing new
    assert await asyncio.gather(sweep(e.pool, now), sweep(e.pool, now)) == [0, 0]
    assert await e.pool.fetchval("SELECT count(*) FROM escalations") == 160


async def test_warning_first_then_levels_as_time_passes(tickets_env: Env) -> None:
    e = tickets_env
    await one_minute_limits(e)
    start = datetime.now(UTC)
    t = await open_at(e, start)
    assert await sweep(e.pool, start + timedelta(seconds=30)) == 0
    assert await sweep(e.pool, start + timedelta(seconds=50)) == 1  # 80% of a minute
    assert await sweep(e.pool, start + timedelta(seconds=61)) == 1  # level 1
    assert await sweep(e.pool, start + timedelta(seconds=150)) == 1  # level 2
    got = [
        (x["data"]["level"], x["data"]["warning"])
        for x in await e.outbox("RectificationOverdue")
        if x["key"] == t
    ]
    assert got == [(1, True), (1, False), (2, False)]


async def test_accepting_times_the_next_stage_and_pausing_stops_chasing(tickets_env: Env) -> None:
    e = tickets_env
    await one_minute_limits(e)
    now = datetime.now(UTC)
    t = await open_at(e, now - timedelta(minutes=9))
    paused = await open_at(e, now - timedelta(minutes=9))
    me = e.as_user("plumber")
    assert (await e.client.post(f"/v1/tickets/{t}/accept", headers=me)).status_code == 200
    await e.client.post(f"/v1/tickets/{paused}/accept", headers=me)
    r = await e.client.post(
        f"/v1/tickets/{paused}/pause",
        json={"note": "waiting for the reporter", "pause_reason": "reporter_absent"},
        headers=me,
    )
    assert r.status_code == 200
    await sweep(e.pool, now)
    got = [
        (x["data"]["stage"], x["data"]["level"], x["data"]["warning"])
        for x in await e.outbox("RectificationOverdue")
    ]
    # accept was done (late) before the sweep: only the arrive stage's warning (at 8 of 10 minutes)
    assert got == [("arrive", 1, True)]
    # looked at again only when the pause runs out (then resumed: test_tickets_no_dead_ends)
    row = await e.pool.fetchrow(
        "SELECT next_check_at, pause_until FROM tickets WHERE id = $1", paused
    )
    assert row["next_check_at"] == row["pause_until"] and row["pause_until"] > now
    row = await e.pool.fetchrow(
        "SELECT esc_stage, esc_step, next_check_at FROM tickets WHERE id = $1", t
    )
    assert row["esc_stage"] == "arrive" and row["esc_step"] == 1 and row["next_check_at"] > now
    overdue = (await e.client.get("/v1/queues/overdue", headers=e.as_user("supervisor"))).json()
    assert overdue["total"] == 0  # arrive is due at 10 minutes: not late yet
