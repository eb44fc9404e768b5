"""The rows that leave tickets' repositories, typed (no I/O): a wrong key is found by mypy, not
at run time. tests/unit/test_rows.py keeps each in step with its repository's column list."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, NamedTuple, cast
from uuid import UUID

from typing_extensions import TypedDict


# repository.transfers.COLUMNS
class TransferRow(TypedDict):
    """A request to hand a ticket to another team or department (转单), and its answer."""

    id: UUID
    ticket_id: UUID
    from_team_id: str | None
    from_department_id: str | None
    to_team_id: str | None
    to_department_id: str
    reason: str
    state: Literal["requested", "accepted", "rejected"]
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


# repository.tickets.COLUMNS
class TicketRow(TypedDict):
    """A ticket: one report's work, its stage clocks, escalation and outcome."""

    id: UUID
    report_id: UUID
    tracking_no: str
    kind: str
    category: str
    urgency: str
    location: dict[str, Any]
    description: str
    status: str
    department_id: str | None
    team_id: str | None
    opened_at: datetime
    assignee_id: str | None
    assigned_via: str | None
    policy: dict[str, Any] | None
    clock_started_at: datetime | None
    credit_s: float
    paused_at: datetime | None
    paused_from: str | None
    accept_due_at: datetime | None
    arrive_due_at: datetime | None
    finish_due_at: datetime | None
    accepted_at: datetime | None
    arrived_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    transfer_count: int
    cycle: int
    updated_at: datetime | None
    esc_stage: str | None
    esc_step: int
    next_check_at: datetime | None
    place_key: str | None
    track: str
    outcome: str | None
    about_team_id: str | None
    stuck_at: datetime | None
    closed_as: str | None
    reason_accepted_by: str | None
    reason_accepted_at: datetime | None
    pause_reason: str | None
    pause_until: datetime | None
    merged_into: UUID | None


# repository.rectifications.COLUMNS
class RectificationRow(TypedDict):
    """A rectification item (整改): a problem found, its measures, who answers for it and by when."""

    id: UUID
    origin: str
    origin_id: str | None
    problem: str
    measures: str | None
    responsible_id: str | None
    department_id: str | None
    team_id: str | None
    deadline: datetime
    status: str
    round: int
    round_started_at: datetime
    opened_by: str
    opened_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None
    esc_step: int
    next_check_at: datetime | None


# repository.escalations.DUE_COLUMNS
class DueTicketRow(TypedDict):
    """What the overdue sweeper reads of a ticket whose next check is due."""

    id: UUID
    report_id: UUID
    tracking_no: str
    status: str
    urgency: str
    policy: dict[str, Any] | None
    opened_at: datetime
    clock_started_at: datetime | None
    credit_s: float
    paused_at: datetime | None
    accepted_at: datetime | None
    arrived_at: datetime | None
    resolved_at: datetime | None
    esc_stage: str | None
    esc_step: int
    cycle: int
    team_id: str | None
    department_id: str | None
    assignee_id: str | None
    accept_due_at: datetime | None
    arrive_due_at: datetime | None
    finish_due_at: datetime | None
    stuck_at: datetime | None
    pause_until: datetime | None


def ticket_with(t: TicketRow, fields: Mapping[str, Any]) -> TicketRow:
    """`t` after `fields` (some of its columns) were stored: a name that is not a column of a
    ticket is a mistake, found here rather than later by a reader."""
    unknown = fields.keys() - TicketRow.__annotations__.keys()
    if unknown:
        raise KeyError(f"not columns of a ticket: {sorted(unknown)}")
    return cast(TicketRow, {**t, **fields})


class EscalationKey(NamedTuple):
    """What makes one escalation fire once (the escalations table's unique key): a ticket's
    (or a rectification item's) cycle, stage, level, warning or not, and step."""

    subject_kind: str
    subject_id: UUID
    cycle: int
    stage: str
    level: int
    warning: bool
    seq: int


class FiredEscalation(NamedTuple):
    """An escalation to record: its key, when its stage was due and when it fired."""

    key: EscalationKey
    due_at: datetime
    fired_at: datetime
