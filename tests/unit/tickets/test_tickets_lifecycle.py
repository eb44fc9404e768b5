"""The ticket state machine: allowed moves, refused moves, notes, pause and resume, stages."""

from __future__ import annotations

import pytest

from tickets.lifecycle import InvalidTransition, transition


def test_the_happy_path() -> None:
    status = "assigned"
    stages = []
    for action, note in (
        ("accept", None),
        ("on_site", None),
        ("resolve", "replaced the washer"),
        ("close", None),
    ):
        t = transition(status, action, note=note)  # type: ignore[arg-type]
        stages.append(t.stage)
        status = t.to_status
    assert status == "closed"
    assert stages == ["accept", "arrive", "finish", None]


def test_resolve_without_going_on_site_and_reopen() -> None:
    assert transition("accepted", "resolve", note="done by phone").to_status == "resolved"
    assert transition("resolved", "reopen").to_status == "reopened"
    assert transition("closed", "reopen").to_status == "reopened"
    assert transition("reopened", "accept").to_status == "accepted"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("new", "accept"),
        ("assigned", "on_site"),
        ("assigned", "resolve"),
        ("closed", "accept"),
        ("closed", "close"),
        ("resolved", "pause"),
        ("accepted", "resume"),
        ("paused", "resolve"),
        ("accepted", "reopen"),
        ("closed", "cannot_handle"),
    ],
)
def test_invalid_moves(status: str, action: str) -> None:
    with pytest.raises(InvalidTransition):
        transition(status, action, note="x")  # type: ignore[arg-type]


def test_notes_are_required_where_the_reporter_or_superior_reads_them() -> None:
    for action, status in (
        ("resolve", "on_site"),
        ("cannot_handle", "accepted"),
        ("cannot_do", "cannot_handle"),
    ):
        with pytest.raises(InvalidTransition, match="needs a note"):
            transition(status, action, note="  ")  # type: ignore[arg-type]
    t = transition("accepted", "cannot_handle", note="needs a new pipe from the city")
    assert t.to_status == "cannot_handle" and t.stage is None
    assert transition("cannot_handle", "close").to_status == "closed"


def test_pause_and_resume_return_to_where_it_was() -> None:
    p = transition("on_site", "pause", note="waiting for parts")
    assert (p.to_status, p.event_status) == ("paused", "paused")
    r = transition("paused", "resume", paused_from="on_site")
    assert (r.to_status, r.event_status, r.stage) == ("on_site", "resumed", None)
