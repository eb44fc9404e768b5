"""Contracts published by the feedback service (topic houqin.feedback.events)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Channel, Location, ReportKind, Urgency

FEEDBACK_TOPIC = "houqin.feedback.events"
FEEDBACK_SOURCE = "/houqin/feedback"


class ComplaintFiled(Event):
    """A report (repair request, complaint, suggestion, praise or consultation) was filed.

    An anonymous reporter's identity is never in this event: `reporter_id` is null for them.
    """

    event_type = "houqin.feedback.ComplaintFiled.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A report was filed through any channel and given a tracking number."

    report_id: UUID = Field(description="Opaque id of the report; the aggregate id.")
    tracking_no: str = Field(description="Human-readable tracking number, e.g. FK20261121-0042.")
    kind: ReportKind
    category: str = Field(description="Service catalogue code, e.g. 'plumbing'.")
    channel: Channel
    urgency: Urgency = "normal"
    location: Location
    description: str
    anonymous: bool = Field(description="True when the reporter asked to stay anonymous.")
    reporter_id: str | None = Field(
        None, description="Reporter's user id; always null when anonymous is true."
    )
    photo_count: int = Field(0, ge=0)
    filed_at: datetime

    def key(self) -> str:
        return str(self.report_id)
