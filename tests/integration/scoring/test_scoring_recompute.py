"""Facts in through the real handlers, scores out of the real PostgreSQL: every figure of a small
campaign, the veto and its reversal, ScoreComputed only for changes, incremental == full."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from scoring_support import Scoring, announced, make_campaign, plain, recompute, scores
from scoring_world import EXPECTED, PERIOD, World, at

from houqin_shared.contracts import DirectoryChanged, FixRejected, Location, PraiseReceived
from scoring import compute, repository

pytestmark = pytest.mark.infra


async def test_every_figure_of_a_small_campaign(scoring: Scoring) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    await scoring.feed(*w.events())
    await recompute(scoring, cid)
    got = await scores(scoring, cid)
    assert plain(w, got) == EXPECTED

    plumbers = got[("team", w.u("plumbers"))]
    # ratings 15+12+6 points over 3 -> 200 on the 0-100 scale; survey A's result 80 x 2
    # replaces its single response of 10: (200 + 160) / 5 = 72
    assert plumbers["satisfaction_score"] == 72
    assert plumbers["inspection_score"] == 85  # (90 + 80) / 2; the safety inspection is not scored
    assert plumbers["work_score"] == 88  # inherited from the department's mark
    assert plumbers["on_time_rate"] == 0.6667  # finished in time: T1, T3; T2 late (T4 open)
    assert plumbers["pass_rate"] == 0.6667  # T3 was reopened: 2 of 3 closed passed
    m = plumbers["detail"]["metrics"]
    assert m["volume"] == 4  # T5 moved to the electricians
    assert m["on_time"]["accept"] == {"done": 4, "on_time": 3, "rate": 0.75}
    assert m["on_time"]["finish"] == {"done": 3, "on_time": 2, "rate": 0.6667}
    assert (m["confirmed"], m["auto_confirmed"], m["fix_rejected"]) == (1, 1, 1)
    assert m["satisfied_rate"] == 0.3333  # the auto-confirmed fix is not satisfied
    assert (m["overdue"], m["transfers"], m["votes"]) == (1, 1, 2)
    assert (m["quality_inspections"], m["safety_inspections"]) == (2, 1)
    assert plumbers["detail"]["work_source"] == f"department:{w.u('maint')}"

    maint = got[("department", w.u("maint"))]
    assert maint["satisfaction_score"] == 82.5  # (575 + 250) / 10
    assert maint["inspection_score"] == 88.33
    assert maint["award"] == "organisation"
    assert {k[1] for k, r in got.items() if r["award"] == "team"} == {
        w.u("electricians"),
        w.u("plumbers"),
    }  # quota 2
    assert [k[1] for k, r in got.items() if r["award"] == "individual"] == [
        w.u("e1")
    ]  # 8 x 10% -> 1

    kitchen = got[("team", w.u("kitchen"))]
    assert kitchen["vetoed"] and kitchen["rank"] is None and kitchen["award"] is None
    assert str(w.incident_id) in kitchen["not_ranked_reason"]
    assert kitchen["detail"]["vetoed_by"][0]["summary"] == "rude to a student at the counter"
    assert not got[("staff", w.u("k2"))]["vetoed"]  # a colleague's incident is not theirs

    property_ = got[("department", w.u("property"))]  # its tickets name only the team
    assert property_["detail"]["metrics"]["volume"] == 1
    assert property_["not_ranked_reason"].startswith("1 satisfaction sample(s)")

    cleaning = got[("team", w.u("cleaning"))]
    assert cleaning["composite"] is None
    assert cleaning["not_ranked_reason"].startswith("1 satisfaction sample(s)")


async def test_overturn_restores_and_only_changes_are_announced(scoring: Scoring) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    await scoring.feed(*w.events())
    assert await recompute(scoring, cid) == len(EXPECTED)
    assert await recompute(scoring, cid) == 0  # nothing changed, nothing announced

    await scoring.feed(w.overturn())
    changed = await recompute(scoring, cid)
    got = await scores(scoring, cid)
    assert (
        got[("team", w.u("kitchen"))]["rank"] == 3 and not got[("team", w.u("kitchen"))]["vetoed"]
    )
    assert got[("department", w.u("catering"))]["rank"] == 2
    assert got[("department", w.u("catering"))]["award"] == "organisation"
    assert got[("staff", w.u("k1"))]["rank"] == 4 and got[("staff", w.u("k2"))]["rank"] == 5
    events = await announced(scoring)
    last = events[-changed:]
    assert {(e["unit_type"], e["unit_id"]) for e in last} == {
        ("department", w.u("catering")),
        ("team", w.u("kitchen")),
        ("staff", w.u("k1")),
        ("staff", w.u("k2")),  # its rank moved from 4 to 5
    }
    kitchen = next(e for e in last if e["unit_id"] == w.u("kitchen"))
    assert kitchen["composite"] == 66 and kitchen["vetoed"] is False
    assert kitchen["period_start"] == PERIOD[0].isoformat()


async def kept_and_rebuilt_totals(
    s: Scoring, cid: uuid.UUID
) -> tuple[repository.totals.Totals, repository.totals.Totals]:
    """The running totals the handlers kept, and the totals of the stored facts now."""
    async with s.pool.acquire() as conn, conn.transaction():
        campaign = await repository.campaigns.get(conn, cid)
        assert campaign is not None
        kept = await repository.totals.load(conn, cid)
        fresh = await repository.totals.from_facts(conn, *compute.campaign_bounds(campaign), cid)
    return repository.totals.nonzero(kept), repository.totals.nonzero(fresh)


async def built_at(s: Scoring, cid: uuid.UUID) -> datetime | None:
    async with s.pool.acquire() as conn:
        return await repository.totals.built_at(conn, cid)


async def follow_incrementally(s: Scoring, cid: uuid.UUID, events: list[Any]) -> None:
    """The worker's path: the facts with their running totals, then the periodic task; the
    totals are built once (for the directory) and only kept by the handlers after that."""
    first, rest = events[0], events[1:]
    assert isinstance(first, DirectoryChanged)
    await s.feed(first)
    await compute.recompute_touched(s.pool)
    built = await built_at(s, cid)
    assert built is not None
    for i in range(0, len(rest), 7):
        await s.feed(*rest[i : i + 7])
        await compute.recompute_touched(s.pool)
    assert await built_at(s, cid) == built  # never rebuilt: every figure came from the deltas
    assert await s.fetch("SELECT * FROM campaign_touches") == []


def without_time(got: dict[tuple[str, str], dict[str, Any]]) -> dict[Any, Any]:
    return {k: {c: v for c, v in r.items() if c != "computed_at"} for k, r in got.items()}


async def test_incremental_equals_full_recompute_and_redelivery_changes_nothing(
    scoring: Scoring,
) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    await follow_incrementally(scoring, cid, events)
    assert plain(w, await scores(scoring, cid)) == EXPECTED
    # a late rejection of T1's fix that names only the report fails T1's closure
    late = FixRejected(
        report_id=w.reports["T1"], ticket_id=None, tracking_no="T1", reason="leaks again",
        rejected_at=at(2, 12),
    )  # fmt: skip
    events.append(late)
    await scoring.feed(late)
    await compute.recompute_touched(scoring.pool)
    incremental = await scores(scoring, cid)
    assert incremental[("team", w.u("plumbers"))]["pass_rate"] == 0.3333  # T2 of T1-T3
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh and len(kept) > 10

    await scoring.feed(*events)  # every fact told again (as a redelivery would)
    await compute.recompute_touched(scoring.pool)
    assert await kept_and_rebuilt_totals(scoring, cid) == (kept, fresh)  # nothing counted twice
    assert without_time(await scores(scoring, cid)) == without_time(incremental)

    async with scoring.pool.acquire() as conn, conn.transaction():
        await repository.scores.delete_all(conn, cid)
    await recompute(scoring, cid)  # the full recompute, from nothing
    assert without_time(await scores(scoring, cid)) == without_time(incremental)


async def test_runs_of_events_handled_together_keep_the_same_totals(scoring: Scoring) -> None:
    """The worker's batches: every run of one type in one call, the whole batch in one
    transaction; the kept totals equal the facts' and the scores are the expected ones."""
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    await scoring.feed(events[0])
    await compute.recompute_touched(scoring.pool)
    built = await built_at(scoring, cid)
    await scoring.feed_runs(*events[1:])
    await compute.recompute_touched(scoring.pool)
    assert await built_at(scoring, cid) == built  # from the deltas, not a rebuild
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh and len(kept) > 10
    assert plain(w, await scores(scoring, cid)) == EXPECTED
    await scoring.feed_runs(*events[1:])  # the batch redelivered: nothing counted twice
    assert await kept_and_rebuilt_totals(scoring, cid) == (kept, fresh)


async def test_totals_follow_facts_in_any_order_and_owner_changes(scoring: Scoring) -> None:
    """Ratings and confirmations before their tickets, a rated ticket moving to another team,
    the incident's overturn: the kept totals always equal the facts' totals."""
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    feedback = [e for e in events if e.topic == "houqin.feedback.events"]
    others = [e for e in events[1:] if e.topic != "houqin.feedback.events"]
    await follow_incrementally(scoring, cid, [events[0], *feedback, *others, w.overturn()])
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    incremental = await scores(scoring, cid)
    # T5 was rated while it was the plumbers'; its rating moved with it to the electricians
    electricians = incremental[("team", w.u("electricians"))]["detail"]["metrics"]
    assert electricians["ratings"] == 4  # T5-T8
    assert incremental[("team", w.u("kitchen"))]["rank"] == 3  # restored by the overturn
    await recompute(scoring, cid)
    assert without_time(await scores(scoring, cid)) == without_time(incremental)


async def test_edited_campaign_and_new_directory_rebuild_the_totals(scoring: Scoring) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    await follow_incrementally(scoring, cid, events)
    first = await built_at(scoring, cid)
    async with scoring.pool.acquire() as conn, conn.transaction():  # half the period
        await conn.execute(
            "UPDATE campaigns SET period_end = period_start + 9, updated_at = now() WHERE id = $1",
            cid,
        )
        await repository.campaigns.touch(conn, cid)
    await compute.recompute_touched(scoring.pool)
    second = await built_at(scoring, cid)
    assert first is not None and second is not None and second > first
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    got = await scores(scoring, cid)
    assert got[("team", w.u("plumbers"))]["detail"]["metrics"]["volume"] == 4  # T1-T5 by 10th
    assert got[("team", w.u("kitchen"))]["detail"]["metrics"]["volume"] == 0  # from the 11th

    await scoring.feed(w.directory(version=2_000_000_001))
    await compute.recompute_touched(scoring.pool)
    third = await built_at(scoring, cid)
    assert third is not None and third > second


async def test_older_directory_snapshot_is_ignored(scoring: Scoring) -> None:
    w = World()
    await scoring.feed(w.directory(version=5))
    older = w.directory(version=4).model_copy(update={"departments": []})
    await scoring.feed(older)
    assert len(await scoring.fetch("SELECT * FROM departments")) == 3


async def test_feedback_before_its_ticket_and_unlinked_ratings_still_count(
    scoring: Scoring,
) -> None:
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    feedback = [e for e in events if e.topic == "houqin.feedback.events"]
    others = [e for e in events if e.topic != "houqin.feedback.events"]
    await scoring.feed(*feedback, *others)  # every rating and confirmation before its ticket
    await recompute(scoring, cid)
    first = await scores(scoring, cid)
    assert plain(w, first) == EXPECTED
    assert first[("team", w.u("plumbers"))]["detail"]["metrics"]["fix_rejected"] == 1
    assert first[("team", w.u("plumbers"))]["pass_rate"] == 0.6667

    # two workers racing can leave a rating or confirmation unlinked: matched by report then
    async with scoring.pool.acquire() as conn:
        await conn.execute("UPDATE ratings SET ticket_id = NULL")
        await conn.execute("UPDATE confirmations SET ticket_id = NULL")
    assert await recompute(scoring, cid) == 0
    again = await scores(scoring, cid)
    assert {k: r["detail"] for k, r in again.items()} == {k: r["detail"] for k, r in first.items()}


async def test_complaint_and_answer_tickets_are_not_repairs(scoring: Scoring) -> None:
    """Issue 14: a complaint about the plumbers answered late by their department head, and a
    suggestion answered by their lead, change none of the repair figures (volume, on-time and
    pass rates), incrementally or in a full recompute."""
    w = World()
    cid = await make_campaign(scoring, w)
    extra: list[Any] = []
    for name, track, kind in (("C1", "complaint", "complaint"), ("A1", "answer", "suggestion")):
        opened, *rest = w.ticket(name, "plumbers", "p1", 5, accept_on_time=False,
                                 finish_on_time=False)  # fmt: skip
        extra += [opened.model_copy(update={"track": track, "kind": kind}), *rest]
    events = w.events()
    await follow_incrementally(scoring, cid, [events[0], *extra, *events[1:]])
    incremental = await scores(scoring, cid)
    assert plain(w, incremental) == EXPECTED
    plumbers = incremental[("team", w.u("plumbers"))]["detail"]["metrics"]
    assert plumbers["volume"] == 4 and plumbers["on_time"]["accept"]["done"] == 4
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    async with scoring.pool.acquire() as conn, conn.transaction():
        await repository.scores.delete_all(conn, cid)
    await recompute(scoring, cid)
    assert without_time(await scores(scoring, cid)) == without_time(incremental)


async def test_praises_count_for_the_team_its_department_and_the_person(scoring: Scoring) -> None:
    """Issue 14: a praise (no ticket) is credited to its team, the team's department and the
    person on duty, counted once however often it comes, incrementally and in a full recompute;
    no score moves (a campaign weighs nothing for praises by default)."""
    w = World()
    cid = await make_campaign(scoring, w)
    praises = [
        PraiseReceived(
            report_id=uuid.uuid4(),
            tracking_no=f"PR{i}",
            category="plumbing",
            location=Location(campus="north", building="north-dorm-7"),
            department_id=None,
            team_id=w.u("plumbers"),
            staff_id=staff,
            received_at=at(3 + i),
        )
        for i, staff in enumerate((w.u("p1"), None))
    ]
    events = w.events()
    await follow_incrementally(scoring, cid, [events[0], *praises, praises[0], *events[1:]])
    got = await scores(scoring, cid)
    assert plain(w, got) == EXPECTED
    metrics = {k: r["detail"]["metrics"]["praises"] for k, r in got.items()}
    assert metrics[("team", w.u("plumbers"))] == 2
    assert metrics[("department", w.u("maint"))] == 2
    assert metrics[("staff", w.u("p1"))] == 1
    assert metrics[("team", w.u("electricians"))] == 0
    assert metrics[("staff", w.u("p2"))] == 0
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
    async with scoring.pool.acquire() as conn:
        listed, _ = await repository.explain.page(
            conn, "praises", "department", w.u("maint"), (at(1, 0), at(30, 23)), cid, None, 50,
            False,
        )  # fmt: skip
    assert sorted(x["tracking_no"] for x in listed) == ["PR0", "PR1"]
    async with scoring.pool.acquire() as conn, conn.transaction():
        await repository.scores.delete_all(conn, cid)
    await recompute(scoring, cid)
    assert without_time(await scores(scoring, cid)) == without_time(got)

    # a campaign that weighs praises: 2.5 points each on the work component (marks: maint 88)
    async with scoring.pool.acquire() as conn, conn.transaction():
        c = await repository.campaigns.get(conn, cid)
        assert c is not None
        rules = {**c["rules"], "praise_points": 2.5}
        await repository.campaigns.update(
            conn, cid, c["name"], c["period_start"], c["period_end"], c["timezone"],
            c["departments"], rules,
        )  # fmt: skip
    await recompute(scoring, cid)
    weighed = await scores(scoring, cid)
    work = {k: r["work_score"] for k, r in weighed.items()}
    assert work[("team", w.u("plumbers"))] == 93.0  # 88 + 2 x 2.5
    assert work[("department", w.u("maint"))] == 93.0
    assert work[("staff", w.u("p1"))] == 90.5
    assert work[("team", w.u("electricians"))] == 88.0
    assert work[("staff", w.u("p2"))] == 88.0
