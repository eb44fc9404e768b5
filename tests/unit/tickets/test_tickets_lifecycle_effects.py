"""The fields and clocks a lifecycle move changes (tickets.lifecycle.effects), without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tickets.lifecycle import effects, status_changed, transition
from tickets.pauses import Pause
from tickets.sla import WorkingCalendar, policy_for

CAL = WorkingCalendar()
POLICY = policy_for(None, "normal")
OPENED = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Shanghai


def ticket(status: str, **extra: Any) -> dict[str, Any]:
    due = {
        f"{s}_due_at": OPENED + timedelta(hours=h)
        for s, h in (("accept", 1), ("arrive", 4), ("finish", 24))
    }
    return {
        "id": uuid.uuid4(), "report_id": uuid.uuid4(), "tracking_no": "FK20261201-0001", "status": status,
        "track": "repair", "opened_at": OPENED, "clock_started_at": OPENED, "credit_s": 0.0,
        "paused_at": None, "paused_from": None, "cycle": 1, "esc_stage": None, "esc_step": 0,
        "department_id": "d", "team_id": "t", "assignee_id": "a", "accepted_at": None,
        "arrived_at": None, "resolved_at": None,
        **due, **extra,
    }  # fmt: skip


def test_accepting_in_time_completes_the_accept_stage() -> None:
    now = OPENED + timedelta(minutes=20)
    done = effects(ticket("assigned"), transition("assigned", "accept"), now, POLICY, CAL)
    assert done.fields["status"] == "accepted"
    assert done.fields["accepted_at"] == now
    assert done.on_time is True
    assert done.stage_due == OPENED + timedelta(hours=1)
    assert done.fields["esc_stage"] == "arrive"  # the next stage is timed now


def test_a_pause_stops_the_clock_and_is_looked_at_again_when_it_runs_out() -> None:
    now = OPENED + timedelta(hours=1)
    until = now + timedelta(days=2)
    pause = Pause("parts", 2, until, "waiting for a part")
    t = ticket("accepted", accepted_at=OPENED)
    done = effects(t, transition("accepted", "pause"), now, POLICY, CAL, pause=pause)
    assert done.fields["paused_at"] == now and done.fields["paused_from"] == "accepted"
    assert done.fields["pause_reason"] == "parts" and done.fields["pause_until"] == until
    assert done.fields["finish_due_at"] is None  # no due time while the clock stands still
    assert done.fields["next_check_at"] == until


def test_a_resume_credits_the_time_paused() -> None:
    paused = OPENED + timedelta(hours=1)
    t = ticket("paused", paused_at=paused, paused_from="on_site", accepted_at=OPENED)
    now = paused + timedelta(hours=2)
    tr = transition("paused", "resume", paused_from="on_site")
    done = effects(t, tr, now, POLICY, CAL)
    assert done.fields["status"] == "on_site"
    assert done.fields["paused_at"] is None and done.fields["pause_reason"] is None
    assert done.fields["credit_s"] == CAL.between(paused, now) > 0
    assert done.fields["finish_due_at"] is not None


def test_a_reopen_starts_a_new_round() -> None:
    now = OPENED + timedelta(days=3)
    t = ticket("closed", accepted_at=OPENED, resolved_at=OPENED, closed_at=OPENED, cycle=2)
    done = effects(t, transition("closed", "reopen"), now, POLICY, CAL)
    assert done.fields["cycle"] == 3 and done.fields["clock_started_at"] == now
    assert done.fields["accepted_at"] is None and done.fields["closed_at"] is None
    assert done.fields["esc_stage"] == "accept"  # timed again from its first stage
    assert done.fields["accept_due_at"] > now


def test_cannot_handle_waits_for_a_decision_and_is_chased() -> None:
    now = OPENED + timedelta(minutes=5)
    tr = transition("assigned", "cannot_handle", note="no ladder long enough")
    done = effects(ticket("assigned"), tr, now, POLICY, CAL)
    assert done.fields["stuck_at"] == now
    assert done.fields["esc_stage"] == "decide" and done.fields["esc_step"] == 0
    assert done.fields["next_check_at"] > now


def test_cannot_do_closes_late_and_the_event_says_so() -> None:
    now = OPENED + timedelta(minutes=5)
    t = ticket("cannot_handle", stuck_at=OPENED)
    tr = transition("cannot_handle", "cannot_do", note="the building is to be demolished")
    done = effects(t, tr, now, POLICY, CAL)
    assert done.fields["closed_as"] == "cannot_be_done" and done.fields["stuck_at"] is None
    assert done.on_time is False
    event = status_changed(
        t, tr, done, actor="lead", note=tr.action, now=now, outcome=None, pause=None, superior=None
    )
    assert event.closed_as == "cannot_be_done" and event.on_time is False
