"""Issue 14: rectification results and recurring problems count in the supervision (inspection) component where the
campaign says so: each result of the period that failed acceptance or came late takes the
campaign's rectification_points off the unit's inspection score; counted per department, team
and responsible person, once however often told, the same kept and rebuilt."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from scoring_support import Scoring, make_campaign, plain, recompute, scores
from scoring_world import EXPECTED, World, at
from test_scoring_recompute import follow_incrementally, kept_and_rebuilt_totals

from houqin_shared.contracts import (
    Location,
    RectificationAccepted,
    RectificationRejected,
    RecurringProblemDetected,
)
from scoring import repository

pytestmark = pytest.mark.infra


def results(w: World) -> list[Any]:
    a, b = uuid.uuid4(), uuid.uuid4()
    team, person = w.u("plumbers"), w.u("p1")
    return [
        RectificationRejected(
            item_id=a, team_id=team, responsible_id=person, rejected_by="sup", reason="still cold",
            new_deadline=at(9), rejected_at=at(5),
        ),
        RectificationAccepted(
            item_id=a, team_id=team, responsible_id=person, accepted_by="sup", on_time=False,
            accepted_at=at(8),
        ),
        RectificationAccepted(
            item_id=b, team_id=team, accepted_by="sup", on_time=True, accepted_at=at(6)
        ),
    ]  # fmt: skip


async def test_rectification_results_weigh_on_the_inspection_score(scoring: Scoring) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    events, told = w.events(), results(w)
    await follow_incrementally(scoring, cid, [*events, *told, told[0]])
    got = await scores(scoring, cid)
    assert plain(w, got) == EXPECTED  # counted, not weighed, by default
    m = {k: r["detail"]["metrics"] for k, r in got.items()}
    for unit in (("team", w.u("plumbers")), ("department", w.u("maint"))):
        assert (m[unit]["rectifications_passed"], m[unit]["rectifications_failed"]) == (1, 2)
    assert m[("staff", w.u("p1"))]["rectifications_failed"] == 2
    assert m[("team", w.u("electricians"))]["rectifications_failed"] == 0
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    before = {k: r["inspection_score"] for k, r in got.items()}

    async with scoring.pool.acquire() as conn, conn.transaction():
        c = await repository.campaigns.get(conn, cid)
        assert c is not None
        rules = {**c["rules"], "rectification_points": 1.5}
        await repository.campaigns.update(
            conn, cid, c["name"], c["period_start"], c["period_end"], c["timezone"],
            c["departments"], rules,
        )  # fmt: skip
    await recompute(scoring, cid)
    after = {k: r["inspection_score"] for k, r in (await scores(scoring, cid)).items()}
    for unit in (("team", "plumbers"), ("department", "maint"), ("staff", "p1")):
        key = (unit[0], w.u(unit[1]))
        assert before[key] is not None
        assert after[key] == round(before[key] - 3.0, 2), unit  # 2 failed x 1.5
    electricians = ("team", w.u("electricians"))
    assert after[electricians] == before[electricians]


def detections(w: World) -> list[Any]:
    where = Location(campus="north", building="north-dorm-7", room="312")
    return [
        RecurringProblemDetected(
            problem_id="plumbing@north/north-dorm-7//312", category="plumbing", location=where,
            count=3, window_days=30, ticket_ids=[uuid.uuid4()], team_id=w.u("plumbers"),
            detected_at=at(day),
        )
        for day in (3, 7)
    ]  # fmt: skip


async def test_recurring_problems_cost_more_each_time(scoring: Scoring) -> None:
    """Seed 000 §六5: the same link failing again is penalised more: at 1 point, the first
    detection of a problem costs 1, the second 2 (3 in all), for its team and department."""
    w = World()
    cid = await make_campaign(scoring, w)
    events, told = w.events(), detections(w)
    await follow_incrementally(scoring, cid, [*events, *told, told[1]])
    got = await scores(scoring, cid)
    assert plain(w, got) == EXPECTED  # counted, not weighed, by default
    m = {k: r["detail"]["metrics"] for k, r in got.items()}
    for unit in (("team", w.u("plumbers")), ("department", w.u("maint"))):
        assert (m[unit]["recurring_problems"], m[unit]["recurring_weight"]) == (2, 3)
    assert m[("team", w.u("electricians"))]["recurring_problems"] == 0
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    before = {k: r["inspection_score"] for k, r in got.items()}
    async with scoring.pool.acquire() as conn, conn.transaction():
        c = await repository.campaigns.get(conn, cid)
        assert c is not None
        rules = {**c["rules"], "recurring_points": 1}
        await repository.campaigns.update(
            conn, cid, c["name"], c["period_start"], c["period_end"], c["timezone"],
            c["departments"], rules,
        )  # fmt: skip
    await recompute(scoring, cid)
    after = {k: r["inspection_score"] for k, r in (await scores(scoring, cid)).items()}
    for key in (("team", w.u("plumbers")), ("department", w.u("maint"))):
        assert after[key] == round(before[key] - 3.0, 2), key
    electricians = ("team", w.u("electricians"))
    assert after[electricians] == before[electricians]
