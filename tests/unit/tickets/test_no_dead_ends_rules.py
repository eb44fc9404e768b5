"""Issue 14's rules without I/O: cannot_handle is decided (closed as cannot be done, late), a
pause has a listed reason and a bounded length, an undecided cannot_handle is chased."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tickets.escalation import due_decision_steps
from tickets.lifecycle import (
    MANAGERS_ONLY,
    RESTARTS,
    TRANSFERABLE,
    InvalidTransition,
    NotForTrack,
    stage_on_time,
    transition,
)
from tickets.pauses import REASONS, WORKING_DAY_S, PauseRefused, plan_pause
from tickets.sla import RoundTheClock

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
RTC = RoundTheClock()


def test_cannot_handle_is_closed_as_cannot_be_done_and_counts_late() -> None:
    t = transition("cannot_handle", "cannot_do", note="the city owns the main pipe")
    assert (t.to_status, t.event_status, t.stage) == ("closed", "closed", "finish")
    assert stage_on_time("cannot_do", True) is False
    assert stage_on_time("resolve", True) is True
    assert "cannot_do" in MANAGERS_ONLY
    for track in ("complaint", "answer"):
        assert transition("cannot_handle", "cannot_do", note="x", track=track).stage == "finish"


def test_cannot_do_needs_a_reason_and_a_cannot_handle_ticket() -> None:
    with pytest.raises(InvalidTransition, match="needs a note"):
        transition("cannot_handle", "cannot_do", note=" ")
    for status in ("accepted", "on_site", "resolved", "closed", "paused"):
        with pytest.raises(InvalidTransition):
            transition(status, "cannot_do", note="x")  # type: ignore[arg-type]


def test_a_cannot_handle_ticket_can_be_reassigned_or_transferred() -> None:
    assert "cannot_handle" in TRANSFERABLE and "cannot_handle" in RESTARTS


def test_pause_needs_a_listed_reason() -> None:
    assert set(REASONS) == {"waiting_parts", "reporter_absent", "outside_contractor"}
    for reason in (None, "lunch"):
        with pytest.raises(PauseRefused) as exc:
            plan_pause(reason, 1, None, NOW, RTC, 3, False)  # type: ignore[arg-type]
        assert exc.value.slug == "pause-reason-required"


def test_pause_length_is_capped_for_a_worker_not_for_the_lead() -> None:
    p = plan_pause("waiting_parts", None, "valve ordered", NOW, RTC, 3, False)
    assert p.days == 3 and p.until == NOW + timedelta(seconds=3 * WORKING_DAY_S)
    assert p.note == "等待配件：valve ordered"
    assert plan_pause("reporter_absent", 2, None, NOW, RTC, 3, False).note == "报修人不在"
    with pytest.raises(PauseRefused) as exc:
        plan_pause("waiting_parts", 4, None, NOW, RTC, 3, False)
    assert exc.value.slug == "pause-too-long"
    assert plan_pause("outside_contractor", 10, None, NOW, RTC, 3, True).days == 10
    with pytest.raises(PauseRefused):
        plan_pause("outside_contractor", 31, None, NOW, RTC, 3, True)


def test_an_undecided_cannot_handle_goes_to_the_head_then_the_supervisors() -> None:
    h = 3600
    fired, nxt = due_decision_steps(0, NOW + timedelta(hours=1), NOW, RTC, 2 * h)
    assert fired == [] and (nxt.level, nxt.at) == (2, NOW + timedelta(hours=2))
    fired, nxt = due_decision_steps(0, NOW + timedelta(hours=4), NOW, RTC, 2 * h)
    assert [(s.level, s.seq) for s in fired] == [(2, 0), (3, 0)]
    assert (nxt.level, nxt.seq, nxt.at) == (3, 1, NOW + timedelta(hours=6))
    # a sweeper away for a day sends one reminder, not a burst
    fired, _ = due_decision_steps(2, NOW + timedelta(hours=30), NOW, RTC, 2 * h)
    assert len(fired) == 1 and fired[0].seq > 1


def test_not_for_track_still_refuses_pause_on_a_complaint() -> None:
    with pytest.raises(NotForTrack):
        transition("accepted", "pause", track="complaint")


def test_pausing_again_and_again_does_not_get_round_the_cap() -> None:
    assert plan_pause("waiting_parts", None, None, NOW, RTC, 3, False, used_days=2).days == 1
    with pytest.raises(PauseRefused, match="2 used"):
        plan_pause("waiting_parts", 2, None, NOW, RTC, 3, False, used_days=2)
    with pytest.raises(PauseRefused):
        plan_pause("waiting_parts", None, None, NOW, RTC, 3, False, used_days=3)
    assert plan_pause("waiting_parts", 2, None, NOW, RTC, 3, True, used_days=3).days == 2
