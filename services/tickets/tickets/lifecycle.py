"""The ticket state machine without I/O.

new → assigned → accepted → on_site → resolved → closed, with reopened (FixRejected),
cannot_handle (explanation required), and paused (clock stopped) from accepted or on_site.

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
]
OPEN = frozenset({"new", "assigned", "accepted", "on_site", "paused", "reopened"})
TRANSFERABLE = frozenset({"new", "assigned", "accepted", "reopened"})

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
}
NEEDS_NOTE = frozenset({"resolve", "cannot_handle", "pause", "investigate"})
STAGE_OF: dict[str, Stage] = {
    "accept": "accept",
    "on_site": "arrive",
    "investigate": "arrive",
    "resolve": "finish",
}
_COMMON = frozenset({"accept", "resolve", "cannot_handle", "close", "reopen"})
ACTIONS_OF: dict[str, frozenset[str]] = {
    "repair": frozenset(_RULES) - {"investigate"},
    "complaint": _COMMON | {"investigate"},
    "answer": _COMMON,
}
# An answer may be given without accepting first.
_FROM: dict[tuple[str, str], frozenset[str]] = {
    ("answer", "resolve"): frozenset({"new", "assigned", "accepted", "reopened"}),
}


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
