"""Each service's chase and reply deadline are catalogue data (issue 14): the assignee's warning
and levels 1-3 at the service's shares of the limit, its reminder spacing, level 1 to the
department head where the team has no lead, and a suggestion's reply deadline the service's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, complaint

from houqin_shared.contracts import ServiceCatalogChanged
from houqin_shared.contracts.feedback import EscalationSteps, StageLimits
from tickets import sla_service
from tickets.sweeper import sweep

pytestmark = pytest.mark.infra
CHASE = EscalationSteps(warn_at_percent=50, level_percents=[100, 150, 200], remind_every_minutes=30)


async def publish(e: Env, code: str, **extra: Any) -> None:
    limits = [StageLimits(urgency="normal", accept_minutes=10, finish_minutes=600)]
    await e.handle(
        ServiceCatalogChanged(
            code=code,
            name=code,
            limits=limits,
            calendar="round_the_clock",
            version=1,
            changed_at=datetime.now(UTC),
            **extra,
        )
    )


async def steps_of(e: Env, ticket_id: Any) -> list[tuple[int, bool]]:
    events = [x["data"] for x in await e.outbox("RectificationOverdue")]
    return [(x["level"], x["warning"]) for x in events if x["subject_id"] == str(ticket_id)]


async def test_the_service_s_chase_and_no_lead_goes_to_the_head(tickets_env: Env) -> None:
    e = tickets_env
    await publish(e, "carpentry", escalation=CHASE)  # the carpenters have no team lead
    await publish(e, "plumbing", escalation=CHASE)
    start = datetime.now(UTC)
    wood, water = complaint("carpentry"), complaint("plumbing")
    await e.handle(wood, time=start)
    await e.handle(water, time=start)
    rows = {
        r["report_id"]: r
        for r in await e.pool.fetch("SELECT id, report_id, team_id, policy FROM tickets")
    }
    w, p = rows[wood.report_id], rows[water.report_id]
    assert w["team_id"] == "carpenters" and p["team_id"] == "plumbers"
    assert w["policy"]["chase"]["levels"] == [1.0, 1.5, 2.0]
    assert await sweep(e.pool, start + timedelta(minutes=4)) == 0
    assert await sweep(e.pool, start + timedelta(minutes=5, seconds=1)) == 2  # 50%: warnings
    assert await sweep(e.pool, start + timedelta(minutes=10, seconds=1)) == 2  # due
    assert await steps_of(e, w["id"]) == [(1, True), (2, False)]  # no lead: the head
    assert await steps_of(e, p["id"]) == [(1, True), (1, False)]  # the plumbers' lead
    assert await sweep(e.pool, start + timedelta(minutes=15, seconds=1)) == 1  # 150%: level 2
    assert await steps_of(e, w["id"]) == [(1, True), (2, False)]  # told once
    assert await sweep(e.pool, start + timedelta(minutes=20, seconds=1)) == 2  # 200%: level 3
    async with e.pool.acquire() as conn:  # reminders: 30 minutes of working time apart
        remind = (await sla_service.calendar(conn)).add(start + timedelta(minutes=20), 30 * 60)
    assert await sweep(e.pool, remind - timedelta(seconds=1)) == 0
    assert await sweep(e.pool, remind + timedelta(seconds=1)) == 2
    assert await steps_of(e, p["id"]) == [(1, True), (1, False), (2, False), (3, False), (3, False)]


async def test_a_suggestion_s_reply_deadline_is_the_service_s(tickets_env: Env) -> None:
    e = tickets_env
    await publish(e, "plumbing", reply_minutes=90)
    await publish(e, "electrical")  # publishes none: the tickets rules' default
    own, default = complaint("plumbing"), complaint("electrical")
    for c in (own, default):
        await e.handle(c.model_copy(update={"kind": "suggestion"}))
    rows = {
        r["report_id"]: (r["track"], r["policy"])
        for r in await e.pool.fetch("SELECT report_id, track, policy FROM tickets")
    }
    assert rows[own.report_id][0] == "answer"
    assert rows[own.report_id][1]["finish_s"] == 90 * 60
    assert rows[default.report_id][1]["finish_s"] == 2400 * 60
