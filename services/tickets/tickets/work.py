"""What a worker or team lead may do with a ticket now, without I/O (the console's buttons).

The moves follow the state machine (tickets.lifecycle) and who may act (tickets.access); a
worker's pause longer than the rules allow becomes a request the team lead approves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tickets.lifecycle import TRANSFERABLE, Action, InvalidTransition, transition
from tickets.rows import TicketRow

MOVES: tuple[Action, ...] = (
    "accept", "on_site", "investigate", "resolve", "pause", "resume", "cannot_handle", "cannot_do",
)  # fmt: skip
MANAGER_MOVES = frozenset({"cannot_do"})


@dataclass(frozen=True)
class Standing:
    """Who the caller is to the ticket."""

    acts: bool  # the assignee, or whoever manages its team or department
    manages: bool  # its team lead, department head, a supervisor
    transfer_pending: bool = False
    pause_request_pending: bool = False


def allowed(t: TicketRow, who: Standing) -> list[str]:
    """The moves (API names: accept, on-site, ...) and other steps (transfer, reassign,
    pause-request, approve-pause) the caller may take now."""
    out: list[str] = []
    if not who.acts:
        return out
    for move in MOVES:
        if move in MANAGER_MOVES and not who.manages:
            continue
        try:  # a note is checked when it is given, not here
            transition(
                t["status"], move, t.get("paused_from"), "-", t.get("track", "repair"),
                t.get("arrived_at") is not None,
            )  # fmt: skip
        except InvalidTransition:
            continue
        out.append(move.replace("_", "-"))
    if "pause" in out and not who.manages and not who.pause_request_pending:
        out.append("pause-request")
    if t["status"] in TRANSFERABLE and not who.transfer_pending:
        out.append("transfer")
    if who.manages and t["status"] in TRANSFERABLE:
        out.append("reassign")
    if who.manages and who.pause_request_pending:
        out.append("approve-pause")
    return out


def on_leave_now(leave: list[dict[str, Any]], now: Any) -> bool:
    return any(lv["start"] <= now < lv["end"] for lv in leave)
