"""The public board: per category and department, reports, resolved, on-time share, average
rating; no login and no personal data; auto-confirmations add no rating."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from feedback_support import Feedback

from houqin_shared.contracts import Location, TicketOpened, TicketStatusChanged

pytestmark = pytest.mark.infra
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"building": "north-dorm-7", "room": "312"},
    "description": "leak",
}


def opened(report: dict[str, Any], ticket: uuid.UUID, dept: str) -> TicketOpened:
    return TicketOpened(
        ticket_id=ticket,
        report_id=uuid.UUID(report["id"]),
        tracking_no=report["tracking_no"],
        kind="repair",
        category=report["category"],
        urgency="normal",
        location=Location(building="b"),
        department_id=dept,
        opened_at=datetime.now(UTC),
    )


def resolved(report: dict[str, Any], ticket: uuid.UUID, on_time: bool) -> TicketStatusChanged:
    return TicketStatusChanged(
        ticket_id=ticket,
        report_id=uuid.UUID(report["id"]),
        tracking_no=report["tracking_no"],
        status="resolved",
        previous_status="on_site",
        stage="finish",
        on_time=on_time,
        changed_at=datetime.now(UTC),
    )


async def test_board_aggregates_without_personal_data(feedback: Feedback) -> None:
    sso = feedback.sso
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing", public=True)
        await feedback.publish(client, "canteen", department_id="catering", public=True)
        made = []
        for i, on_time in enumerate((True, False, True)):
            who = sso.auth(f"stu-{i}", "reporter")
            r = (await client.post("/v1/reports", json=REPORT, headers=who)).json()
            ticket = uuid.uuid4()
            await feedback.handle(opened(r, ticket, "maintenance"), resolved(r, ticket, on_time))
            made.append((r, who))
        for (r, who), scores in zip(made[:2], ((5, 5, 5), (2, 3, 4)), strict=True):
            q, t, a = scores
            rated = await client.post(
                f"/v1/reports/{r['id']}/rating",
                json={"quality": q, "timeliness": t, "attitude": a, "comment": "ok"},
                headers=who,
            )
            assert rated.status_code == 201
        await client.post(
            "/v1/reports",
            json={**REPORT, "category": "canteen", "anonymous": True, "contact": "13900000000"},
            headers=sso.auth("teacher-9", "reporter"),
        )
        board = await client.get("/v1/board")  # no token
        assert board.status_code == 200, board.text
        body = board.json()
        assert "stu-" not in board.text and "teacher-9" not in board.text
        assert "13900000000" not in board.text
        lines = {line["key"]: line for line in body["by_category"]}
        assert lines["plumbing"] == {
            "key": "plumbing",
            "reports": 3,
            "resolved": 3,
            "on_time_share": pytest.approx(2 / 3, abs=1e-3),
            "ratings": 2,
            "average_rating": 4.0,
        }
        assert "canteen" not in lines  # its only report is anonymous: never on the board
        departments = {line["key"]: line["reports"] for line in body["by_department"]}
        assert departments == {"maintenance": 3}
        old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
        empty = await client.get(
            "/v1/board",
            params={"start": old, "end": (datetime.now(UTC) - timedelta(days=300)).isoformat()},
        )
        assert empty.json()["by_category"] == []
        bad = await client.get(
            "/v1/board", params={"start": datetime.now(UTC).isoformat(), "end": old}
        )
        assert bad.status_code == 422
