"""Who a praise credits, without a database: routed like a repair (team, department, the post's
on-duty primary, else the backup), the reporter never named, no team: the department only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from houqin_shared.contracts import ComplaintFiled, Location
from tickets.domain import Leave, Post, Responsibility
from tickets.praises import credited
from tickets.routing import Availability
from tickets.routing_service import DirectoryView

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
VIEW = DirectoryView(
    parents={"north": None, "north-dorm-7": "north", "north-canteen": "north"},
    rules=[
        Responsibility(category="plumbing", team_id="plumbers"),
        Responsibility(area_id="north-canteen", category="*", department_id="catering"),
    ],
    team_departments={"plumbers": "maintenance"},
    posts=[
        Post(id="duty", team_id="plumbers", name="水工值班岗", primary_id="zhang", backup_id="li")
    ],
    staff={"zhang": Availability(True, []), "li": Availability(True, [])},
)


def praise(building: str = "north-dorm-7", category: str = "plumbing") -> ComplaintFiled:
    return ComplaintFiled(
        report_id=uuid.uuid4(), tracking_no="FK20261121-000042", kind="praise", category=category,
        channel="web", location=Location(campus="north", building=building),
        description="张师傅修得又快又好", anonymous=False, reporter_id="stu-1", filed_at=NOW,
    )  # fmt: skip


def test_a_praise_credits_the_team_its_department_and_the_primary() -> None:
    p = praise()
    c = credited(p, VIEW, NOW, NOW)
    assert (c.department_id, c.team_id, c.staff_id) == ("maintenance", "plumbers", "zhang")
    assert (c.report_id, c.key(), c.received_at) == (p.report_id, str(p.report_id), NOW)
    assert "stu-1" not in c.model_dump_json() and "张师傅" not in c.model_dump_json()


def test_the_backup_is_credited_when_the_primary_is_on_leave() -> None:
    away = Leave(start=NOW - timedelta(days=1), end=NOW + timedelta(days=1))
    view = DirectoryView(
        **{**VIEW.__dict__, "staff": {"zhang": Availability(True, [away]), "li": VIEW.staff["li"]}}
    )
    assert credited(praise(), view, NOW, NOW).staff_id == "li"


def test_a_department_queue_is_credited_without_a_person() -> None:
    c = credited(praise("north-canteen", "canteen"), VIEW, NOW, NOW)
    assert (c.department_id, c.team_id, c.staff_id) == ("catering", None, None)
