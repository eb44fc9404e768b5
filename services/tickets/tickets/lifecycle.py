"""The ticket state machine without I/O.

new → assigned → accepted → on_site → resolved → closed, with reopened (FixRejected),
cannot_handle (explanation required), and paused (clock stopped) from accepted or on_site.
A cannot_handle ticket waits for its team lead or department head (tickets.decisions): they
reassign or transfer it, or close it as cannot be done (不能办理, `cannot_do`, a reason the
reporter sees), which completes the finish stage late unless a supervisor accepts the reason.

A complaint ticket (tickets.tracks) is acknowledged (accept), investigated (findings noted; it
stays accepted) and answered (resolve); an answer ticket (suggestion, consultation) is answered
(resolve) from wherever it waits. Neither goes on site nor pauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tickets.sla import Stage

Action = Literal[
    "accept",
    "on_site",
    "investigate",
    "resolve",
    "cannot_handle",
    "pause",
    "resume",
    "close",
    "reopen",
    "cannot_do",
]
OPEN = frozenset({"new", "assigned", "accepted", "on_site", "paused", "reopened"})
# cannot_handle too: the lead or head decides by reassigning or transferring it.
TRANSFERABLE = frozenset({"new", "assigned", "accepted", "reopened", "cannot_handle"})
# Where a reassignment or an accepted transfer starts the ticket again.
RESTARTS = frozenset({"new", "assigned", "accepted", "cannot_handle"})

_RULES: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"assigned", "reopened"}), "accepted"),
    "on_site": (frozenset({"accepted"}), "on_site"),
    "investigate": (frozenset({"accepted"}), "accepted"),
    "resolve": (frozenset({"accepted", "on_site"}), "resolved"),
    "cannot_handle": (
        frozenset({"new", "assigned", "accepted", "on_site", "reopened"}),
        "cannot_handle",
    ),
    "pause": (frozenset({"accepted", "on_site"}), "paused"),
    "resume": (frozenset({"paused"}), "*"),  # back to where it paused
    "close": (frozenset({"resolved", "cannot_handle"}), "closed"),
    "reopen": (frozenset({"resolved", "closed", "cannot_handle"}), "reopened"),
    "cannot_do": (frozenset({"cannot_handle"}), "closed"),
}
# A pause needs a listed reason instead (tickets.pauses).
NEEDS_NOTE = frozenset({"resolve", "cannot_handle", "investigate", "cannot_do"})
# Moves only a team lead, a department head or a supervisor makes.
MANAGERS_ONLY = frozenset({"cannot_do"})
STAGE_OF: dict[str, Stage] = {
    "accept": "accept",
    "on_site": "arrive",
    "investigate": "arrive",
    "resolve": "finish",
    "cannot_do": "finish",
}
_COMMON = frozenset({"accept", "resolve", "cannot_handle", "close", "reopen", "cannot_do"})
ACTIONS_OF: dict[str, frozenset[str]] = {
    "repair": frozenset(_RULES) - {"investigate"},
    "complaint": _COMMON | {"investigate"},
    "answer": _COMMON,
}
# An answer may be given without accepting first.
_FROM: dict[tuple[str, str], frozenset[str]] = {
    ("answer", "resolve"): frozenset({"new", "assigned", "accepted", "reopened"}),
}


def stage_on_time(action: str, timely: bool | None) -> bool | None:
    """A close as cannot be done counts as late, whatever the clock says (until a supervisor
    accepts the reason: tickets.decisions)."""
    return False if action == "cannot_do" else timely


class InvalidTransition(Exception):
    pass


class NoteRequired(InvalidTransition):
    pass


class NotForTrack(InvalidTransition):
    pass


@dataclass(frozen=True)
class Transition:
    action: Action
    from_status: str
    to_status: str
    event_status: str  # what TicketStatusChanged says ("resumed" for a resume)
    stage: Stage | None


def transition(
    status: str,
    action: Action,
    paused_from: str | None = None,
    note: str | None = None,
    track: str = "repair",
    investigated: bool = False,
) -> Transition:
    """The move `action` makes from `status` on a ticket of `track`, or InvalidTransition
    (nothing changes); NotForTrack for a step the track does not have."""
    if action not in ACTIONS_OF.get(track, ACTIONS_OF["repair"]):
        raise NotForTrack(f"a {track} ticket has no {action} step")
    allowed, target = _RULES[action]
    allowed = _FROM.get((track, action), allowed)
    if status not in allowed or (action == "investigate" and investigated):
        raise InvalidTransition(f"cannot {action} a ticket that is {status}")
    if action in NEEDS_NOTE and not (note and note.strip()):
        raise NoteRequired(f"{action} needs a note (a reply, an explanation or a reason)")
    if action == "resume":
        target = paused_from or "accepted"
    return Transition(
        action, status, target, "resumed" if action == "resume" else target, STAGE_OF.get(action)
    )
