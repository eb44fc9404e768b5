"""A report's ticket-side state and its timeline, following tickets' events a run at a time: one
statement updates the reports and adds their timeline entries."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from uuid import UUID

from houqin_shared.db import Conn


@dataclass(frozen=True)
class News:
    """One ticket event as the report sees it (also its timeline entry)."""

    report_id: UUID
    event_id: str
    kind: str  # the timeline entry's kind
    status: str
    at: datetime
    team_id: str | None = None
    department_id: str | None = None
    note: str | None = None
    ticket_id: UUID | None = None
    assignee_id: str | None = None
    on_time: bool | None = None
    on_timeline: bool = True  # False: it changes the report, but the reporter saw this step


# What each kind of news changes on the report; `r` is the report, `k` the news.
OPENED = (
    "ticket_id = k.ticket_id, department_id = k.department_id, team_id = k.team_id,"
    " ticket_status = coalesce(r.ticket_status, 'new'),"
    " status = CASE WHEN r.status = 'filed' THEN 'ticket_opened' ELSE r.status END"
)
# A cannot_handle ticket reassigned by the lead or head is in progress again.
ASSIGNED = (
    "assignees = CASE WHEN k.assignee_id = ANY(r.assignees) THEN r.assignees"
    " ELSE array_append(r.assignees, k.assignee_id) END,"
    " department_id = coalesce(k.department_id, r.department_id),"
    " team_id = coalesce(k.team_id, r.team_id), ticket_status = 'assigned',"
    " status = CASE WHEN r.status IN ('filed', 'ticket_opened', 'cannot_handle') THEN 'assigned'"
    "   ELSE r.status END"
)
# `resolved` starts waiting for the reporter's confirmation, anything but `closed` afterwards
# ends that wait; `cannot_handle` keeps its explanation.
STATUS = (
    "ticket_status = k.status, status = k.status,"
    " explanation = CASE WHEN k.status = 'cannot_handle' THEN k.note ELSE r.explanation END,"
    " resolved_at = CASE WHEN k.status = 'resolved' THEN k.at ELSE r.resolved_at END,"
    " awaiting_confirmation = CASE WHEN k.status = 'resolved' THEN true"
    "   WHEN k.status = 'closed' THEN r.awaiting_confirmation ELSE false END,"
    " confirmation = CASE WHEN k.status = 'resolved' THEN NULL ELSE r.confirmation END,"
    " assignees = CASE WHEN k.assignee_id IS NULL OR k.assignee_id = ANY(r.assignees)"
    "   THEN r.assignees ELSE array_append(r.assignees, k.assignee_id) END,"
    " finished_on_time = coalesce(k.on_time, r.finished_on_time)"
)

_FOLLOW = """
WITH k AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
    $6::text[], $7::text[], $8::text[], $9::uuid[], $10::text[], $11::bool[], $12::bool[])
  AS k(report_id, event_id, kind, status, at, team_id, department_id, note, ticket_id,
    assignee_id, on_time, on_timeline)
), u AS (
  UPDATE reports r SET {change} FROM k
  WHERE (r.id = k.report_id AND r.primary_id IS NULL) OR r.primary_id = k.report_id
  RETURNING r.id
), e AS (
  INSERT INTO report_events (report_id, event_id, kind, status, note, team_id, department_id, at)
  SELECT report_id, event_id, kind, status, note, team_id, department_id, at FROM k
  WHERE report_id IN (SELECT id FROM u) AND on_timeline
)
SELECT id FROM u
"""


async def follow(conn: Conn, change: str, news: list[News]) -> set[UUID]:
    """Apply `change` (OPENED, ASSIGNED or STATUS) to each news' report and add the news to its
    timeline; the reports that are ours (others are left alone). At most one news per report.

    A report linked as a duplicate follows its primary's ticket (the primary's news change it
    too, its timeline shows the primary's entries) and no longer its own merged one's."""
    if not news:
        return set()
    assert len({n.report_id for n in news}) == len(news), "one news per report per call"
    columns = [list(c) for c in zip(*(astuple(n) for n in news), strict=True)]
    rows = await conn.fetch(_FOLLOW.format(change=change), *columns)
    return {r["id"] for r in rows}
