"""Ranking, ties, quotas and their rounding, award candidates, vetoed and unranked units."""

from __future__ import annotations

from fractions import Fraction

import pytest

from scoring.domain import Incident, Metrics
from scoring.domain_ranking import Quotas, Rules, Unit, rank, score_campaign, staff_quota


@pytest.mark.parametrize(
    ("heads", "rounding", "expected"),
    [
        (25, "half_up", 3),  # 2.5 -> 3
        (24, "half_up", 2),  # 2.4 -> 2
        (25, "floor", 2),
        (21, "ceil", 3),
        (3, "half_up", 1),  # 0.3 -> 0, but at least 1
        (0, "half_up", 0),  # nobody evaluated, nobody wins
        (100, "half_up", 10),
    ],
)
def test_staff_quota_is_10_percent_with_the_stated_rounding(
    heads: int, rounding: str, expected: int
) -> None:
    assert staff_quota(heads, Quotas(rounding=rounding)) == expected  # type: ignore[arg-type]


def test_staff_quota_minimum_is_configurable() -> None:
    assert staff_quota(3, Quotas(staff_min=0)) == 0
    assert staff_quota(5, Quotas(staff_percent=50, rounding="half_up")) == 3


def good(ratings: int = 5, points: int = 60, insp: int = 80) -> Metrics:
    return Metrics(
        ratings=ratings,
        rating_points=points,
        quality_inspections=1,
        inspection_points=Fraction(insp),
    )


def team(uid: str) -> Unit:
    return Unit("team", uid, uid, department_id="maint")


def test_ties_are_broken_by_satisfaction_then_inspection_then_work_then_id() -> None:
    units = [team(u) for u in ("d", "c", "b", "a")]
    # d and c: same composite, d has higher satisfaction
    # b and a: identical in everything: the id decides
    marks = {("team", "d"): Fraction(70), ("team", "c"): Fraction(70)}
    marks |= {("team", "b"): Fraction(60), ("team", "a"): Fraction(60)}
    metrics = {
        # satisfaction 100, inspection 50: 28 + 15 + 30 = 73
        ("team", "d"): good(points=75, insp=50),
        # satisfaction 50, inspection 100: 28 + 30 + 15 = 73
        ("team", "c"): good(points=45, insp=100),
        ("team", "b"): good(),
        ("team", "a"): good(),
    }
    results = score_campaign(units, metrics, marks, [], Rules(quotas=Quotas(teams=3)))
    assert [(r.unit.unit_id, r.rank, r.award) for r in results] == [
        ("d", 1, "team"),
        ("c", 2, "team"),
        ("a", 3, "team"),
        ("b", 4, None),
    ]
    assert results[0].composite == results[1].composite == 73


def test_vetoed_and_unranked_units_get_no_rank_and_no_award() -> None:
    units = [team("a"), team("b"), team("c")]
    marks = {("department", "maint"): Fraction(90)}
    metrics = {
        ("team", "a"): good(),
        ("team", "b"): good(points=75),
        ("team", "c"): good(ratings=2),
    }
    veto = Incident("i-9", "service_quality", "team", "b", "maint", None, "rude", "2026-11-02")
    results = score_campaign(units, metrics, marks, [veto], Rules(quotas=Quotas(teams=7)))
    by_id = {r.unit.unit_id: r for r in results}
    assert by_id["a"].rank == 1 and by_id["a"].award == "team"
    assert by_id["b"].vetoed and by_id["b"].rank is None and by_id["b"].award is None
    assert by_id["b"].composite is not None  # still scored, shown with the incident
    assert "i-9" in (by_id["b"].not_ranked_reason or "")
    assert by_id["c"].composite is None and by_id["c"].rank is None
    assert "2 satisfaction sample(s)" in (by_id["c"].not_ranked_reason or "")
    assert [r.unit.unit_id for r in results] == ["a", "b", "c"]


def test_overturned_incident_gives_the_rank_back() -> None:
    units = [team("a"), team("b")]
    marks = {("department", "maint"): Fraction(90)}
    metrics = {("team", "a"): good(), ("team", "b"): good(points=75)}
    veto = Incident("i-9", "safety", "team", "b", "maint", None, "x", "2026-11-02", overturned=True)
    results = score_campaign(units, metrics, marks, [veto], Rules())
    assert [(r.unit.unit_id, r.rank) for r in results] == [("b", 1), ("a", 2)]


def test_quotas_per_unit_type_and_fewer_winners_when_fewer_are_eligible() -> None:
    units = [Unit("department", f"d{i}", f"d{i}") for i in range(4)]
    units += [
        Unit("staff", f"s{i:02}", f"s{i}", team_id="t", department_id="d0") for i in range(25)
    ]
    marks = {("department", f"d{i}"): Fraction(60 + i) for i in range(4)}
    metrics = {(u.unit_type, u.unit_id): good() for u in units}
    results = score_campaign(units, metrics, marks, [], Rules())
    winners = [r for r in results if r.award]
    assert [r.unit.unit_id for r in winners if r.unit.unit_type == "department"] == ["d3", "d2"]
    # 25 staff: 10% = 2.5, half up -> 3
    assert len([r for r in winners if r.award == "individual"]) == 3
    assert {r.award for r in winners} == {"organisation", "individual"}


def test_rank_is_repeatable() -> None:
    units = [team(u) for u in "xyz"]
    marks = {("department", "maint"): Fraction(50)}
    metrics = {("team", u): good(points=40 + i * 5) for i, u in enumerate("xyz")}
    first = [(r.unit.unit_id, r.rank) for r in score_campaign(units, metrics, marks, [], Rules())]
    results = score_campaign(units, metrics, marks, [], Rules())
    again = [(r.unit.unit_id, r.rank) for r in rank(list(reversed(results)), 7)]
    assert first == again == [("z", 1), ("y", 2), ("x", 3)]


def test_access_leaders_see_all_heads_their_department_staff_themselves() -> None:
    from scoring.domain_access import Viewer, can_see

    leader = Viewer("boss", frozenset({"leader"}))
    supervisor = Viewer("qa", frozenset({"supervisor"}))
    head = Viewer("h", frozenset({"dept_head"}), department_id="maint")
    lead = Viewer("l", frozenset({"team_lead"}), department_id="maint", team_id="plumbers")
    worker = Viewer("p1", frozenset({"staff"}), department_id="maint", team_id="plumbers")
    other_dept = ("department", "catering", "catering", None)
    assert can_see(leader, *other_dept) and can_see(supervisor, *other_dept)
    assert can_see(head, "department", "maint", "maint", None)
    assert can_see(head, "team", "plumbers", "maint", "plumbers")
    assert can_see(head, "staff", "p2", "maint", "plumbers")
    assert not can_see(head, *other_dept)
    assert can_see(lead, "staff", "p2", "maint", "plumbers")
    assert not can_see(lead, "department", "maint", "maint", None)
    assert can_see(worker, "staff", "p1", "maint", "plumbers")
    assert not can_see(worker, "staff", "p2", "maint", "plumbers")
    assert not can_see(worker, "team", "plumbers", "maint", "plumbers")
