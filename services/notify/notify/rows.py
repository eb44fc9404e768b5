"""The rows that leave notify's repositories, typed (no I/O): a wrong key is found by mypy, not
at run time. tests/unit/test_rows.py keeps each in step with its repository's column list."""

from __future__ import annotations

from datetime import datetime

from typing_extensions import TypedDict


class MessageRow(TypedDict):
    """A message (and, for a channel other than the inbox, its delivery): `repository.messages`
    COLUMNS. What operators read names a reporter "reporter" (OPERATOR_COLUMNS)."""

    id: int
    event_id: str
    event_type: str
    recipient: str
    channel: str
    subject: str
    body: str
    tracking_no: str | None
    created_at: datetime
    read_at: datetime | None
    kind: str
    priority: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    link: str | None
    link_label: str | None


class AttemptRow(TypedDict):
    """One try to deliver a message: `repository.messages.ATTEMPT_COLUMNS`."""

    attempt: int
    status: str
    error: str | None
    duration_ms: float | None
    at: datetime
