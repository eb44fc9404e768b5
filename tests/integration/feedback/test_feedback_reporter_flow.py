"""The reporter's side, driven by tickets' events run through the worker's handlers: the
timeline with public replies, answering an explanation, confirming and rating a fix,
auto-confirmation, and unmasking an anonymous reporter."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from feedback_support import Feedback

from feedback.periodic import auto_confirm
from houqin_shared.contracts import (
    Location,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
)
from houqin_shared.problem_types import uri

pytestmark = pytest.mark.infra
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


class Ticket:
    """Builds the tickets service's events for one report."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.id = uuid.uuid4()
        self.report = report
        self.status = "new"

    def common(self) -> dict[str, Any]:
        return {
            "ticket_id": self.id,
            "report_id": uuid.UUID(self.report["id"]),
            "tracking_no": self.report["tracking_no"],
        }

    def opened(self) -> TicketOpened:
        return TicketOpened(
            **self.common(),
            kind="repair",
            category="plumbing",
            urgency="normal",
            location=Location(building="north-dorm-7"),
            department_id="maintenance",
            team_id="plumbers",
            opened_at=datetime.now(UTC),
        )

    def assigned(self, who: str) -> TicketAssigned:
        return TicketAssigned(
            **self.common(),
            assignee_id=who,
            team_id="plumbers",
            department_id="maintenance",
            via="primary",
            assigned_at=datetime.now(UTC),
        )

    def moved(
        self, status: str, note: str | None = None, at: datetime | None = None
    ) -> TicketStatusChanged:
        previous, self.status = self.status, status
        return TicketStatusChanged(
            **self.common(),
            status=status,  # type: ignore[arg-type]
            previous_status=previous,  # type: ignore[arg-type]
            actor_id="plumber-1",
            assignee_id="plumber-1",
            team_id="plumbers",
            note=note,
            changed_at=at or datetime.now(UTC),
        )


async def file(client: httpx.AsyncClient, headers: dict[str, str], **change: Any) -> dict[str, Any]:
    r = await client.post("/v1/reports", json={**REPORT, **change}, headers=headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_timeline_replies_and_answering_an_explanation(feedback: Feedback) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, student)
        rid = report["id"]
        early = await client.post(
            f"/v1/reports/{rid}/answers", json={"text": "ok"}, headers=student
        )
        assert early.status_code == 409
        t = Ticket(report)
        await feedback.handle(
            t.opened(),
            t.assigned("plumber-1"),
            t.moved("accepted", "we are on our way"),
            t.moved("cannot_handle", "the riser pipe must be replaced by the city water company"),
        )
        seen = (await client.get(f"/v1/reports/{rid}", headers=student)).json()
        assert seen["status"] == "cannot_handle" and seen["ticket_status"] == "cannot_handle"
        assert seen["explanation"].startswith("the riser pipe")
        answer = await client.post(
            f"/v1/reports/{rid}/answers",
            json={"text": "then please give me a date"},
            headers=student,
        )
        assert answer.status_code == 201, answer.text
        stranger = await client.post(
            f"/v1/reports/{rid}/answers", json={"text": "x"}, headers=sso.auth("stu-2", "reporter")
        )
        assert stranger.status_code == 404
        supervisor = await client.post(
            f"/v1/reports/{rid}/answers", json={"text": "x"}, headers=sso.auth("sup", "supervisor")
        )
        assert supervisor.status_code == 403
        empty = await client.post(f"/v1/reports/{rid}/answers", json={"text": " "}, headers=student)
        assert empty.status_code == 422
        tl = await client.get(f"/v1/reports/{rid}/timeline", headers=student)
        assert tl.status_code == 200
        entries = tl.json()
        assert [(e["kind"], e["status"]) for e in entries] == [
            ("filed", "filed"),
            ("ticket_opened", "ticket_opened"),
            ("assigned", "assigned"),
            ("status", "accepted"),
            ("status", "cannot_handle"),
            ("reporter_answer", None),
        ]
        assert entries[3]["note"] == "we are on our way"
        assert entries[5]["note"] == "then please give me a date" and entries[5]["by_reporter"]
        assert entries[2]["team_id"] == "plumbers"
        assert "plumber-1" not in tl.text  # the reporter sees the team, not the worker
        other = await client.get(f"/v1/reports/{rid}/timeline", headers=sso.auth("x", "reporter"))
        assert other.status_code == 404


async def test_a_run_of_events_follows_every_report_in_order(feedback: Feedback) -> None:
    """The worker takes a run of one type at once: the same report twice in one run gets both
    changes in their order, and a report that is not ours is left alone."""
    student = feedback.sso.auth("stu-run", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        reports = [await file(client, student, description=f"leak {i}") for i in range(3)]
        tickets = [Ticket(r) for r in reports]
        stranger = Ticket({"id": str(uuid.uuid4()), "tracking_no": "FK20260101-9999"})
        await feedback.handle_run(*(t.opened() for t in [*tickets, stranger]))
        await feedback.handle_run(*(t.assigned("plumber-1") for t in tickets))
        a, b, c = tickets
        await feedback.handle_run(
            a.moved("accepted"), b.moved("accepted"), a.moved("on_site"), a.moved("resolved"),
            c.moved("accepted"), stranger.moved("accepted"),
        )  # fmt: skip
        seen = [
            (await client.get(f"/v1/reports/{r['id']}", headers=student)).json() for r in reports
        ]
        assert [s["status"] for s in seen] == ["resolved", "accepted", "accepted"]
        assert seen[0]["awaiting_confirmation"] and not seen[1]["awaiting_confirmation"]
        tl = (await client.get(f"/v1/reports/{reports[0]['id']}/timeline", headers=student)).json()
        assert [(e["kind"], e["status"]) for e in tl] == [
            ("filed", "filed"),
            ("ticket_opened", "ticket_opened"),
            ("assigned", "assigned"),
            ("status", "accepted"),
            ("status", "on_site"),
            ("status", "resolved"),
        ]
        stray = await feedback.fetch(
            "SELECT count(*) AS n FROM report_events WHERE report_id = $1",
            stranger.common()["report_id"],
        )
        assert stray[0]["n"] == 0


async def test_transfer_shows_the_new_department(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, student)
        t = Ticket(report)
        opened = t.opened()
        transfer = {
            **t.common(),
            "transfer_id": uuid.uuid4(),
            "from_department_id": "maintenance",
            "to_department_id": "property",
            "to_team_id": "north-roads",
            "reason": "it is a blocked street drain",
            "transfer_count": 1,
            "at": datetime.now(UTC),
        }
        await feedback.handle(
            opened,
            TicketTransferred(**transfer, state="requested"),
            TicketTransferred(**transfer, state="accepted"),
        )
        kinds = [
            e["kind"]
            for e in (
                await client.get(f"/v1/reports/{report['id']}/timeline", headers=student)
            ).json()
        ]
    assert kinds == ["filed", "ticket_opened", "transfer_requested", "transfer_accepted"]
    [row] = await feedback.fetch("SELECT department_id, team_id FROM reports")
    assert dict(row) == {"department_id": "property", "team_id": "north-roads"}


async def test_confirm_and_rate_a_fix(feedback: Feedback) -> None:
    sso = feedback.sso
    student = sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, student)
        rid = report["id"]
        t = Ticket(report)
        await feedback.handle(t.opened(), t.assigned("plumber-1"))
        not_yet = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=student
        )
        assert not_yet.status_code == 409
        too_soon = await client.post(
            f"/v1/reports/{rid}/rating",
            json={"quality": 5, "timeliness": 5, "attitude": 5},
            headers=student,
        )
        assert too_soon.status_code == 409
        await feedback.handle(t.moved("resolved", "replaced the washer"))
        seen = (await client.get(f"/v1/reports/{rid}", headers=student)).json()
        assert seen["awaiting_confirmation"] and seen["status"] == "resolved"
        other = await client.post(
            f"/v1/reports/{rid}/confirmation",
            json={"fixed": True},
            headers=sso.auth("x", "reporter"),
        )
        assert other.status_code == 404
        no_reason = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": False}, headers=student
        )
        assert no_reason.status_code == 422
        ok = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=student
        )
        assert ok.status_code == 200 and ok.json()["confirmation"] == "confirmed"
        again = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=student
        )
        assert again.status_code == 409
        low = {"quality": 2, "timeliness": 4, "attitude": 5}
        no_comment = await client.post(f"/v1/reports/{rid}/rating", json=low, headers=student)
        assert no_comment.status_code == 422
        for bad in (
            {"quality": 0, "timeliness": 3, "attitude": 3},
            {"quality": 6, "timeliness": 3, "attitude": 3},
        ):
            assert (
                await client.post(f"/v1/reports/{rid}/rating", json=bad, headers=student)
            ).status_code == 422
        rated = await client.post(
            f"/v1/reports/{rid}/rating", json={**low, "comment": "it still drips"}, headers=student
        )
        assert rated.status_code == 201, rated.text
        twice = await client.post(
            f"/v1/reports/{rid}/rating", json={**low, "comment": "x"}, headers=student
        )
        assert twice.status_code == 409
        mine = await client.get(f"/v1/reports/{rid}/rating", headers=student)
        assert mine.json()["comment"] == "it still drips"
    [confirmed] = await feedback.events("houqin.feedback.FixConfirmed.v1")
    assert confirmed["auto"] is False and confirmed["ticket_id"] == str(t.id)
    [rating] = await feedback.events("houqin.feedback.SatisfactionRated.v1")
    assert (rating["quality"], rating["timeliness"], rating["attitude"]) == (2, 4, 5)
    assert rating["category"] == "plumbing" and rating["comment"] == "it still drips"
    assert "stu-1" not in str(rating)


async def test_nobody_rates_their_own_work(feedback: Feedback) -> None:
    plumber = feedback.sso.auth("plumber-1", "reporter", "staff")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, plumber)
        t = Ticket(report)
        await feedback.handle(t.opened(), t.assigned("plumber-1"), t.moved("resolved"))
        r = await client.post(
            f"/v1/reports/{report['id']}/rating",
            json={"quality": 5, "timeliness": 5, "attitude": 5},
            headers=plumber,
        )
    assert r.status_code == 403 and r.json()["type"] == uri("rating-own-work")
    assert await feedback.events("houqin.feedback.SatisfactionRated.v1") == []


async def test_not_fixed_reopens_and_waits_again(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        report = await file(client, student)
        rid = report["id"]
        t = Ticket(report)
        await feedback.handle(t.opened(), t.moved("resolved"))
        r = await client.post(
            f"/v1/reports/{rid}/confirmation",
            json={"fixed": False, "reason": "still leaking under the sink"},
            headers=student,
        )
        assert r.status_code == 200 and r.json()["status"] == "not_fixed"
        await feedback.handle(t.moved("reopened"))
        assert not (await client.get(f"/v1/reports/{rid}", headers=student)).json()[
            "awaiting_confirmation"
        ]
        await feedback.handle(t.moved("resolved"))
        again = await client.post(
            f"/v1/reports/{rid}/confirmation", json={"fixed": True}, headers=student
        )
        assert again.status_code == 200
    [rejected] = await feedback.events("houqin.feedback.FixRejected.v1")
    assert rejected["reason"] == "still leaking under the sink"
    assert rejected["ticket_id"] == str(t.id)
    assert len(await feedback.events("houqin.feedback.FixConfirmed.v1")) == 1


async def test_unanswered_fixes_are_auto_confirmed_once_and_never_rated(feedback: Feedback) -> None:
    student = feedback.sso.auth("stu-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        old, recent = await file(client, student), await file(client, student)
        t_old, t_recent = Ticket(old), Ticket(recent)
        await feedback.handle(
            t_old.opened(),
            t_old.moved("resolved", at=datetime.now(UTC) - timedelta(days=8)),
            t_recent.opened(),
            t_recent.moved("resolved", at=datetime.now(UTC) - timedelta(days=2)),
        )
        async with feedback.pool() as pool:
            counts = await asyncio.gather(*(auto_confirm(pool, days=7) for _ in range(3)))
        assert sorted(counts) == [0, 0, 1]
        seen = (await client.get(f"/v1/reports/{old['id']}", headers=student)).json()
        assert seen["confirmation"] == "auto" and not seen["awaiting_confirmation"]
        late = await client.post(
            f"/v1/reports/{old['id']}/confirmation",
            json={"fixed": False, "reason": "no"},
            headers=student,
        )
        assert late.status_code == 409
        still = (await client.get(f"/v1/reports/{recent['id']}", headers=student)).json()
        assert still["awaiting_confirmation"]
    [auto] = await feedback.events("houqin.feedback.FixConfirmed.v1")
    assert auto["auto"] is True and auto["report_id"] == old["id"]
    assert await feedback.events("houqin.feedback.SatisfactionRated.v1") == []
