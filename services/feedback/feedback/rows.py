"""The rows that leave feedback's repositories, typed (no I/O): a wrong key is found by mypy,
not at run time. tests/unit/test_rows.py keeps each in step with its repository's column list."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from typing_extensions import TypedDict


class ReportRow(TypedDict):
    """A report as stored: `repository.reports.COLUMNS`."""

    id: UUID
    tracking_no: str
    kind: str
    category: str
    channel: str
    urgency: str
    location: dict[str, Any]
    description: str
    anonymous: bool
    reporter_id: str | None
    contact: str | None
    filed_by: str
    status: str
    filed_at: datetime
    origin: str | None
    transcribed_by: str | None
    request_hash: str | None
    source_system: str | None
    external_id: str | None
    ticket_id: UUID | None
    ticket_status: str | None
    department_id: str | None
    team_id: str | None
    assignees: list[str]
    explanation: str | None
    resolved_at: datetime | None
    awaiting_confirmation: bool
    confirmation: str | None
    confirmed_at: datetime | None
    primary_id: UUID | None
    media_url: str | None


class StagedReportRow(ReportRow):
    """A report with the reporter's tab it falls in (`repository.reports` _READ): received,
    in_progress, to_confirm or done."""

    stage: str


# What the database fills in for a report's columns that filing leaves out (the migrations'
# defaults), so a freshly filed report is presented as it was stored without reading it back.
REPORT_DEFAULTS: dict[str, Any] = {
    "origin": None,
    "transcribed_by": None,
    "request_hash": None,
    "source_system": None,
    "external_id": None,
    "ticket_id": None,
    "ticket_status": None,
    "department_id": None,
    "team_id": None,
    "assignees": [],
    "explanation": None,
    "resolved_at": None,
    "awaiting_confirmation": False,
    "confirmation": None,
    "confirmed_at": None,
    "primary_id": None,
    "media_url": None,
}


def report_as_stored(values: dict[str, Any]) -> ReportRow:
    """The row a report's insert `values` became: its columns, each missing one at its default
    (the insert's other values, such as the idempotency key, are not part of the row)."""
    row = {name: values.get(name, REPORT_DEFAULTS.get(name)) for name in ReportRow.__annotations__}
    return cast(ReportRow, row)
