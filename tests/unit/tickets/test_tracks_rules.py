"""Each kind of report its own path, as pure rules: the track of a kind, who handles a complaint or
an answer, their limits, the moves each track has, and a complaint's outcome."""

from __future__ import annotations

import pytest

from tickets.lifecycle import InvalidTransition, NotForTrack, transition
from tickets.recurring import TicketRules
from tickets.routing import Route
from tickets.tracks import (
    OutcomeProblem,
    assigned_via,
    check_outcome,
    handler,
    may_take_complaint,
    policy_of,
    track_of,
)

CANTEEN = Route("catering", "north-canteen-hot", "north-canteen-duty", None)
HEADS = {"catering": "catering-head", "clinic": None}
LEADS = {"north-canteen-hot": None, "plumbers": "plumbing-lead"}


def test_each_kind_has_its_track_and_praise_none() -> None:
    assert [track_of(k) for k in ("repair", "complaint", "suggestion", "consultation")] == [
        "repair",
        "complaint",
        "answer",
        "answer",
    ]
    assert track_of("praise") is None


def test_a_complaint_goes_to_the_head_never_to_the_team() -> None:
    h = handler("complaint", CANTEEN, HEADS, LEADS, ["supervisor"])
    assert (h.assignee_id, h.role, h.team_id) == ("catering-head", "department_head", None)
    clinic = Route("clinic", "nurses", None, None)
    h = handler("complaint", clinic, HEADS, {"nurses": "nurse-lead"}, ["q1", "q2"])
    assert (h.assignee_id, h.role, h.team_id) == ("q1", "supervisor", None)
    h = handler("complaint", clinic, HEADS, {}, [])
    assert (h.assignee_id, h.role) == (None, None)


def test_an_answer_goes_to_the_lead_then_the_head_then_a_supervisor() -> None:
    plumbers = Route("maintenance", "plumbers", None, None)
    heads = {"maintenance": "maintenance-head", **HEADS}
    h = handler("answer", plumbers, heads, LEADS, ["supervisor"])
    assert (h.assignee_id, h.role, h.team_id) == ("plumbing-lead", "team_lead", "plumbers")
    h = handler("answer", CANTEEN, HEADS, LEADS, ["supervisor"])  # the team has no lead
    assert (h.assignee_id, h.role, h.team_id) == (
        "catering-head",
        "department_head",
        "north-canteen-hot",
    )
    unrouted = Route(None, None, None, None)
    assert handler("answer", unrouted, HEADS, LEADS, ["s"]).role == "supervisor"


def test_limits_are_the_rules_data() -> None:
    rules = TicketRules(complaint_acknowledge_minutes=60, answer_reply_minutes=90)
    c = policy_of("complaint", rules)
    assert c is not None and (c.accept_s, c.arrive_s, c.finish_s) == (3600, 1440 * 60, 2400 * 60)
    a = policy_of("answer", rules)
    assert a is not None and (a.accept_s, a.arrive_s, a.finish_s) == (None, None, 5400)
    assert policy_of("repair", rules) is None


@pytest.mark.parametrize("track", ["complaint", "answer"])
@pytest.mark.parametrize("action", ["on_site", "pause", "resume"])
def test_no_worker_steps_off_the_repair_track(track: str, action: str) -> None:
    with pytest.raises(NotForTrack):
        transition("accepted", action, note="x", track=track)  # type: ignore[arg-type]


def test_investigating_is_for_complaints_once() -> None:
    with pytest.raises(NotForTrack):
        transition("accepted", "investigate", note="x")
    t = transition("accepted", "investigate", note="cameras checked", track="complaint")
    assert (t.to_status, t.stage) == ("accepted", "arrive")
    with pytest.raises(InvalidTransition):
        transition("accepted", "investigate", note="x", track="complaint", investigated=True)
    with pytest.raises(InvalidTransition):
        transition("assigned", "investigate", note="x", track="complaint")


def test_an_answer_is_given_without_accepting_first() -> None:
    assert transition("assigned", "resolve", note="r", track="answer").stage == "finish"
    with pytest.raises(InvalidTransition):
        transition("assigned", "resolve", note="r", track="complaint")
    with pytest.raises(InvalidTransition):
        transition("assigned", "resolve", note="r")


def test_a_complaint_is_resolved_only_with_an_outcome() -> None:
    for bad in (None, "maybe"):
        with pytest.raises(OutcomeProblem) as exc:
            check_outcome("complaint", "resolve", bad)
        assert exc.value.slug == "complaint-outcome-required"
    for good in ("upheld", "partly_upheld", "not_upheld"):
        check_outcome("complaint", "resolve", good)
    with pytest.raises(OutcomeProblem) as exc:
        check_outcome("repair", "resolve", "upheld")
    assert exc.value.slug == "ticket-outcome-not-for-track"
    check_outcome("complaint", "accept", None)


def test_the_assigned_event_names_the_role() -> None:
    assert assigned_via("backup") == {"via": "backup"}
    assert assigned_via("department_head") == {"via": "manual", "as_role": "department_head"}


def test_a_complaint_never_goes_to_a_member_of_the_team_it_is_about() -> None:
    assert not may_take_complaint("north-canteen-hot", "north-canteen-hot")
    assert may_take_complaint("north-canteen-hot", "south-canteen-hot")
    assert may_take_complaint("north-canteen-hot", None)  # a head belongs to no team
    assert may_take_complaint(None, "north-canteen-hot")
