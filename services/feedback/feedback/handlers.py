"""What the feedback worker does with tickets' events: keep the reporter's status and timeline
current (reports of other feedback instances are ignored)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from feedback import inbound
from feedback.repository import ticket_state, timeline
from feedback.repository.ticket_state import News
from houqin_shared.consumer import BatchHandler, Handler, one_at_a_time
from houqin_shared.contracts import (
    ReportSubmitted,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from houqin_shared.runs import distinct_chunks

log = get_logger(__name__)


def _opened(env: Envelope) -> News:
    e = env.data
    assert isinstance(e, TicketOpened)
    return News(
        e.report_id, env.id, "ticket_opened", "ticket_opened", e.opened_at,
        e.team_id, e.department_id, ticket_id=e.ticket_id,
    )  # fmt: skip


def _assigned(env: Envelope) -> News:
    e = env.data
    assert isinstance(e, TicketAssigned)
    # The reporter sees which team took it on, not the worker's identity.
    return News(
        e.report_id, env.id, "assigned", "assigned", e.assigned_at,
        e.team_id, e.department_id, assignee_id=e.assignee_id,
    )  # fmt: skip


def _status(env: Envelope) -> News:
    e = env.data
    assert isinstance(e, TicketStatusChanged)
    # A supervisor's acceptance of a cannot-be-done reason corrects the close's on-time flag:
    # the reporter already saw the close, once.
    return News(
        e.report_id, env.id, "status", e.status, e.changed_at, e.team_id, e.department_id,
        note=e.note, assignee_id=e.assignee_id, on_time=e.on_time if e.stage == "finish" else None,
        on_timeline=e.reason_accepted_by is None,
    )  # fmt: skip


def _following(change: str, news_of: Callable[[Envelope], News]) -> BatchHandler:
    """A run of one kind of tickets' events: each piece of the run with a report at most once
    is one statement."""

    async def handle(conn: Conn, envs: list[Envelope]) -> None:
        news = [news_of(env) for env in envs]
        ours: set[UUID] = set()
        for piece in distinct_chunks(news, [n.report_id for n in news]):
            ours |= await ticket_state.follow(conn, change, piece)
        log.info(
            "report_status",
            type=envs[0].type,
            events=len(envs),
            reports=[str(n.report_id) for n in news if n.report_id in ours],
            statuses=[n.status for n in news if n.report_id in ours],
            unknown_reports=[str(n.report_id) for n in news if n.report_id not in ours],
        )

    return handle


async def on_ticket_transferred(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketTransferred)
    accepted = e.state == "accepted"
    moved = await timeline.ticket_transferred(
        conn,
        e.report_id,
        e.to_department_id if accepted else None,
        e.to_team_id if accepted else None,
    )
    if not moved:
        return
    await timeline.add_entry(
        conn,
        e.report_id,
        f"transfer_{e.state}",
        e.at,
        event_id=env.id,
        team_id=e.to_team_id,
        department_id=e.to_department_id,
    )


BATCH_HANDLERS: dict[type[Event], BatchHandler] = {
    TicketOpened: _following(ticket_state.OPENED, _opened),
    TicketAssigned: _following(ticket_state.ASSIGNED, _assigned),
    TicketStatusChanged: _following(ticket_state.STATUS, _status),
}
HANDLERS: dict[type[Event], Handler] = {
    **{t: one_at_a_time(h) for t, h in BATCH_HANDLERS.items()},
    TicketTransferred: on_ticket_transferred,
    ReportSubmitted: inbound.on_report_submitted,
}
