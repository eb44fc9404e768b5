"""The rows that leave tickets' repositories, typed (no I/O): a wrong key is found by mypy, not
at run time. tests/unit/test_rows.py keeps each in step with its repository's column list."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
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
