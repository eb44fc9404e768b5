"""A freshly filed report is presented from the row intake returns without reading it back
(feedback.rows.report_as_stored): that row must be exactly what PostgreSQL stored, on every
channel's path (plain, a praise, an answer given on the spot, an access code, an external id)."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from feedback_support import Feedback

from feedback import domain, intake, repository
from feedback.intake import TrackingNumbers

pytestmark = pytest.mark.infra

BASE: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "  the tap leaks \n",
    "contact": "138 0000 0000",
}
CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {}),
    ({"kind": "praise", "anonymous": True}, {}),
    ({"channel": "hotline"}, {"answered_on_spot": "fixed on the call", "transcribed_by": "desk"}),
    ({}, {"access_code": "ABCD2345", "idempotency_key": "k-1", "request_hash": "h"}),
    ({"channel": "external"}, {"source_system": "dorm-iot", "external_id": "1001"}),
]


@pytest.mark.parametrize(("body", "extra"), CASES)
async def test_the_returned_row_is_the_stored_row(
    feedback: Feedback, body: dict[str, Any], extra: dict[str, Any]
) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
    report = domain.ReportIn.model_validate({**BASE, **body})
    async with feedback.pool() as pool, pool.acquire() as conn:
        row = await intake.file(
            conn, report, intake.Desk(TrackingNumbers(), ZoneInfo("Asia/Shanghai"), "desk"),
            reporter="stu-1", **extra,
        )  # fmt: skip
        assert row is not None
        stored = await repository.get_report(conn, row["id"])
    assert stored is not None
    kept = {k: v for k, v in stored.items() if k != "stage"}
    assert row == kept
    assert row["filed_at"].tzinfo is not None and row["filed_at"].utcoffset() == UTC.utcoffset(None)
