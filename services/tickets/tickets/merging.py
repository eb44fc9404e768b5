"""Linked duplicates worked as one (issue 14). When feedback links a report as a duplicate of a
primary one (ReportLinked), the duplicate's own ticket is merged into the primary's: closed
without work (closed_as duplicate, merged_into), off every queue and chase, and out of every
count (scoring drops a merged ticket from volume and rates on TicketMerged; the recurring check
skips it). The primary's ticket is worked for every reporter: their confirmations and "not
fixed" answers reach it (tickets.handlers)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from houqin_shared import outbox
from houqin_shared.contracts import ReportLinked, TicketMerged
from houqin_shared.contracts.base import Envelope
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets.lifecycle import OPEN
from tickets.repository import tickets as repo
from tickets.rows import TicketRow

log = get_logger(__name__)
# Work already done (resolved, closed) stays counted as done; anything else merges.
MERGEABLE = OPEN | {"cannot_handle"}


def why_not_merged(dup: TicketRow | None, primary: TicketRow | None) -> str | None:
    """Why the duplicate's ticket is not merged into the primary's (None: it is). No I/O."""
    if dup is None:
        return "the linked report has no ticket"
    if primary is None:
        return "the primary report has no ticket"
    if dup["id"] == primary["id"] or dup["merged_into"] is not None:
        return "already merged"
    if primary["merged_into"] is not None:
        return "the primary's ticket was itself merged"
    if dup["status"] not in MERGEABLE:
        return f"the linked report's ticket is already {dup['status']}"
    return None


def merged_fields(primary: TicketRow, now: datetime) -> dict[str, Any]:
    """What merging changes on the duplicate's ticket: closed, chased no more."""
    return {
        "status": "closed", "closed_as": "duplicate", "merged_into": primary["id"],
        "closed_at": now, "updated_at": now, "esc_stage": None, "next_check_at": None,
        "stuck_at": None, "paused_at": None, "paused_from": None, "pause_reason": None,
        "pause_until": None,
    }  # fmt: skip


async def on_report_linked(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, ReportLinked)
    dup = await repo.find_ticket_by_report(conn, e.report_id, lock=True)
    primary = await repo.find_ticket_by_report(conn, e.primary_report_id)
    if reason := why_not_merged(dup, primary):
        log.info("duplicate_not_merged", report_id=str(e.report_id), reason=reason)
        return
    assert dup is not None
    assert primary is not None
    now = datetime.now(UTC)
    await repo.update_ticket(conn, dup["id"], merged_fields(primary, now))
    await repo.add_action(
        conn, dup["id"], now, None, "merge", dup["status"], "closed",
        f"same problem as {primary['tracking_no']}", {"into_ticket_id": str(primary["id"])},
    )  # fmt: skip
    merged = TicketMerged(
        ticket_id=dup["id"], report_id=dup["report_id"], tracking_no=dup["tracking_no"],
        into_ticket_id=primary["id"], into_report_id=primary["report_id"],
        into_tracking_no=primary["tracking_no"], previous_status=dup["status"],
        department_id=dup["department_id"], team_id=dup["team_id"],
        assignee_id=dup["assignee_id"], merged_at=now,
    )  # fmt: skip
    await outbox.add(conn, Envelope(merged, correlation_id=env.correlation_id or env.id))
    log.info("duplicate_merged", ticket_id=str(dup["id"]), into=str(primary["id"]))


async def worked_ticket(conn: Conn, t: TicketRow | None) -> TicketRow | None:
    """The ticket a reporter's answer reaches: a merged ticket's primary, locked."""
    if t is None or t["merged_into"] is None:
        return t
    return await repo.get_ticket(conn, t["merged_into"], lock=True)
