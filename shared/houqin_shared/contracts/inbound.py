"""The inbound topic where other campus systems publish reports (a leak sensor, the campus app).

Feedback turns each valid one into a report with channel `external`, once per source and
external id; an invalid one goes to the dead-letter topic with the reason.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Location, ReportKind, Urgency

INBOUND_TOPIC = "houqin.inbound.reports"


class ReportSubmitted(Event):
    """A report from another campus system."""

    event_type = "houqin.inbound.ReportSubmitted.v1"
    topic = INBOUND_TOPIC
    source = "/campus/systems"
    summary = "Another campus system reports a problem (publish this; ce_source names you)."
    action = "receive"

    source_system: str = Field(min_length=1, max_length=64, description="e.g. 'iot-leak-sensors'.")
    external_id: str = Field(
        min_length=1, max_length=128, description="Your id; repeats are ignored."
    )
    kind: ReportKind = "repair"
    category: str = Field(min_length=1, max_length=64)
    urgency: Urgency = "normal"
    location: Location
    description: str = Field(min_length=1, max_length=4000)
    occurred_at: datetime

    def key(self) -> str:
        return f"{self.source_system}:{self.external_id}"


CONTRACTS: tuple[type[Event], ...] = (ReportSubmitted,)
