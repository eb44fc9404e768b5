"""Every scoring formula, without a database: rates, normalisation, weights, minimum samples,
auto-confirmation, the veto and its reversal, inherited work marks."""

from __future__ import annotations

from fractions import Fraction

from scoring.domain import (
    Incident,
    Metrics,
    MinSamples,
    VetoRules,
    Weights,
    composite,
    inherited_mark,
    not_ranked_reasons,
    rating_score,
    round_half_up,
    vetoing_incidents,
)


def test_rating_normalisation_maps_1_to_0_and_5_to_100() -> None:
    assert rating_score(1, 1, 1) == 0
    assert rating_score(3, 3, 3) == 50
    assert rating_score(5, 5, 5) == 100
    assert rating_score(5, 4, 4) == 83.33  # mean 4.333 -> 83.33


def test_satisfaction_is_sample_weighted_mean_of_ratings_and_survey_answers() -> None:
    # two ratings: all 5s (100) and all 3s (50); a survey result of 70 from 2 responses
    m = Metrics(ratings=2, rating_points=15 + 9, survey_responses=2, survey_points=Fraction(140))
    assert m.satisfaction() == Fraction(100 + 50 + 140, 4)
    assert round_half_up(m.satisfaction()) == 72.5
    assert m.average_rating() == Fraction(24, 6)
    assert m.satisfaction_samples() == 4


def test_no_samples_means_no_satisfaction_or_inspection() -> None:
    assert Metrics().satisfaction() is None
    assert Metrics().inspection() is None
    assert Metrics().on_time_rate() is None
    assert Metrics().pass_rate() is None


def test_inspection_is_mean_of_quality_inspections() -> None:
    m = Metrics(
        quality_inspections=3, inspection_points=Fraction(80 + 90 + 95), safety_inspections=2
    )
    assert round_half_up(m.inspection()) == 88.33


def test_on_time_rate_per_stage_and_headline_is_the_finish_stage() -> None:
    m = Metrics(stage_done={"accept": 4, "finish": 3}, stage_on_time={"accept": 3, "finish": 2})
    assert m.stage_rate("accept") == Fraction(3, 4)
    assert m.stage_rate("finish") == Fraction(2, 3)
    assert m.stage_rate("arrive") is None
    assert m.on_time_rate() == Fraction(2, 3)


def test_pass_rate_is_closed_without_rework_over_closed() -> None:
    assert Metrics(closed=8, passed=6).pass_rate() == Fraction(3, 4)


def test_auto_confirmed_fix_is_never_counted_as_satisfied() -> None:
    m = Metrics(confirmed=3, auto_confirmed=1)
    assert m.satisfied_rate() == Fraction(3, 4)
    assert Metrics(auto_confirmed=5).satisfied_rate() == 0
    assert Metrics(confirmed=1, fix_rejected=1).satisfied_rate() == Fraction(1, 2)


def test_default_weights_are_40_30_30_and_the_composite_is_their_weighted_sum() -> None:
    w = Weights()
    assert (w.work, w.inspection, w.satisfaction) == (40, 30, 30)
    assert composite(w, Fraction(90), Fraction(80), Fraction(70)) == 36 + 24 + 21
    other = Weights(work=50, inspection=25, satisfaction=25)
    assert composite(other, Fraction(100), Fraction(0), Fraction(0)) == 50


def test_weights_must_add_up_to_100() -> None:
    assert Weights().problems() == []
    assert "weights must add up to 100" in Weights(40, 30, 20).problems()
    assert any("0-100" in p for p in Weights(120, -10, -10).problems())


def test_rounding_is_half_up() -> None:
    assert round_half_up(Fraction(1, 8), 2) == 0.13
    assert round_half_up(Fraction(5, 1000), 2) == 0.01
    assert round_half_up(2.675, 2) == 2.68  # binary float would give 2.67
    assert round_half_up(None) is None


def test_minimum_samples_say_why_a_unit_is_not_ranked() -> None:
    m = Metrics(ratings=2, survey_responses=1, quality_inspections=0, volume=3)
    reasons = not_ranked_reasons(
        m, None, MinSamples(satisfaction=5, inspections=1, tickets=4), Weights()
    )
    assert len(reasons) == 4
    assert "no work mark" in reasons[0]
    assert reasons[1].startswith("0 quality inspection(s)")
    assert reasons[2].startswith("3 satisfaction sample(s)")
    assert reasons[3].startswith("3 ticket(s)")
    enough = Metrics(ratings=5, quality_inspections=1, volume=4)
    assert not_ranked_reasons(enough, Fraction(80), MinSamples(5, 1, 4), Weights()) == []


def test_a_component_weighted_zero_needs_no_samples() -> None:
    m = Metrics(ratings=5)
    assert not_ranked_reasons(m, None, MinSamples(), Weights(0, 0, 100)) == []


def incident(unit_type: str, unit_id: str, **kw: object) -> Incident:
    base: dict[str, object] = {
        "incident_id": "i-1",
        "kind": "safety",
        "unit_type": unit_type,
        "unit_id": unit_id,
        "department_id": "maint",
        "team_id": "plumbers" if unit_type == "staff" else None,
        "summary": "flooded basement",
        "occurred_at": "2026-11-10T10:00:00+00:00",
    }
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


def test_veto_rules_the_unit_out_and_cascades_to_team_and_department() -> None:
    found = [incident("staff", "p1")]
    assert vetoing_incidents("staff", "p1", found, VetoRules()) == found
    assert vetoing_incidents("team", "plumbers", found, VetoRules()) == found
    assert vetoing_incidents("department", "maint", found, VetoRules()) == found
    assert vetoing_incidents("staff", "p2", found, VetoRules()) == []
    assert vetoing_incidents("department", "catering", found, VetoRules()) == []


def test_veto_without_cascade_hits_only_the_unit_itself() -> None:
    found = [incident("team", "plumbers")]
    rules = VetoRules(cascade=False)
    assert vetoing_incidents("team", "plumbers", found, rules) == found
    assert vetoing_incidents("department", "maint", found, rules) == []


def test_overturned_incident_restores_the_unit() -> None:
    overturned = [incident("team", "plumbers", overturned=True)]
    assert vetoing_incidents("team", "plumbers", overturned, VetoRules()) == []


def test_veto_only_for_the_kinds_the_campaign_names() -> None:
    found = [incident("team", "plumbers", kind="safety")]
    assert vetoing_incidents("team", "plumbers", found, VetoRules(kinds=("service_quality",))) == []


def test_work_mark_is_own_else_team_else_department() -> None:
    marks = {("department", "maint"): Fraction(80), ("team", "plumbers"): Fraction(90)}
    assert inherited_mark("staff", "p1", "plumbers", "maint", marks) == (90, "team:plumbers")
    assert inherited_mark("team", "electricians", None, "maint", marks) == (80, "department:maint")
    marks[("staff", "p1")] = Fraction(70)
    assert inherited_mark("staff", "p1", "plumbers", "maint", marks) == (70, "staff:p1")
    assert inherited_mark("department", "catering", None, None, marks) == (None, None)


def test_people_are_scored_on_their_teams_inspections() -> None:
    from scoring.domain import inherit_team_inspections

    metrics = {
        ("team", "plumbers"): Metrics(quality_inspections=2, inspection_points=Fraction(170))
    }
    metrics[("staff", "p1")] = Metrics(ratings=3)
    inherit_team_inspections(metrics, {"p1": "plumbers", "p2": "plumbers", "loner": None})
    assert metrics[("staff", "p1")].inspection() == 85
    assert metrics[("staff", "p1")].ratings == 3
    assert metrics[("staff", "p2")].inspection() == 85
    assert metrics[("staff", "loner")].inspection() is None
