"""Contracts published by the tickets service (topic houqin.tickets.events)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Location, ReportKind, Urgency

TICKETS_TOPIC = "houqin.tickets.events"
TICKETS_SOURCE = "/houqin/tickets"


class TicketOpened(Event):
    """A ticket was opened for a report and routed to a team (or a department's queue)."""

    event_type = "houqin.tickets.TicketOpened.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket was opened for a filed report."

    ticket_id: UUID = Field(description="The ticket's id; the aggregate id.")
    report_id: UUID
    tracking_no: str
    kind: ReportKind
    category: str
    urgency: Urgency
    location: Location
    department_id: str | None = Field(None, description="Owning department, when routed.")
    team_id: str | None = Field(None, description="Responsible team, when routed to one.")
    opened_at: datetime

    def key(self) -> str:
        return str(self.ticket_id)


class TicketAssigned(Event):
    """A ticket was assigned to a person (the on-duty primary, the backup, or by hand)."""

    event_type = "houqin.tickets.TicketAssigned.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket was assigned to a member of staff."

    ticket_id: UUID
    report_id: UUID
    tracking_no: str
    assignee_id: str
    team_id: str | None = None
    department_id: str | None = None
    via: Literal["primary", "backup", "manual"] = Field(
        description="primary: the post's primary; backup: primary away; manual: by a lead."
    )
    assigned_at: datetime

    def key(self) -> str:
        return str(self.ticket_id)


class RectificationOverdue(Event):
    """A ticket stage or a rectification item ran past (or, as a warning, close to) its due time.

    Levels: 1 team lead, 2 department head, 3 quality supervisors and the division leader.
    """

    event_type = "houqin.tickets.RectificationOverdue.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "Something is late (or about to be): escalate to the level's recipients."

    subject_kind: Literal["ticket", "rectification"]
    subject_id: UUID = Field(description="The ticket or rectification item; the aggregate id.")
    tracking_no: str | None = None
    stage: Literal["accept", "arrive", "finish", "deadline"]
    level: int = Field(ge=1, le=3)
    warning: bool = Field(False, description="True for the warning sent before the due time.")
    due_at: datetime
    overdue_by_s: int = Field(description="Seconds past due (negative for a warning).")
    department_id: str | None = None
    team_id: str | None = None
    responsible_id: str | None = None
    detected_at: datetime

    def key(self) -> str:
        return str(self.subject_id)
