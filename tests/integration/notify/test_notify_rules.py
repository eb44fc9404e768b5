"""Rules as data, the directory read model and the recipients they resolve, through the
worker's handlers against the real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from notify_support import Handle, directory

from houqin_shared.contracts import (
    AwardsPublished,
    ComplaintFiled,
    Location,
    RectificationOverdue,
    RecurringProblemDetected,
    ScoreComputed,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
)
from houqin_shared.contracts.scoring import Award
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
NOW = datetime.now(UTC)
LOC = Location(campus="north", building="north-dorm-7", room="312")


def filed(anonymous: bool = False, reporter: str | None = "stu-1") -> ComplaintFiled:
    return ComplaintFiled(
        report_id=uuid.uuid4(),
        tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
        kind="repair",
        category="plumbing",
        channel="web",
        location=LOC,
        description="the tap leaks; I am stu-1",
        anonymous=anonymous,
        reporter_id=None if anonymous else reporter,
        filed_at=NOW,
    )


def status(report: ComplaintFiled, new: str, note: str | None = None) -> TicketStatusChanged:
    return TicketStatusChanged(
        ticket_id=uuid.uuid4(),
        report_id=report.report_id,
        tracking_no=report.tracking_no,
        status=new,  # type: ignore[arg-type]
        previous_status="on_site",
        note=note,
        changed_at=NOW,
    )


async def rows(pool: asyncpg.Pool, where: str = "true", *args: Any) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        found = await conn.fetch(
            f"SELECT * FROM messages WHERE {where} ORDER BY recipient, channel", *args
        )
    return [dict(r) for r in found]


async def enable(pool: asyncpg.Pool, *channels: str) -> None:
    async with pool.acquire() as conn:
        for ch in channels:
            await conn.execute(
                "INSERT INTO channels (name, type) VALUES ($1, $1) ON CONFLICT DO NOTHING", ch
            )


async def test_receipt_once_even_when_the_event_comes_again(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    report = filed()
    event_id = await handle(report)
    await handle(report, event_id)  # redelivered: the same CloudEvents id
    got = await rows(pool, "tracking_no = $1", report.tracking_no)
    assert [(m["recipient"], m["channel"], m["status"]) for m in got] == [
        ("stu-1", "inbox", "sent")
    ]
    assert report.tracking_no in got[0]["subject"]
    assert got[0]["kind"] == "receipt"


async def test_without_feedback_an_anonymous_reporter_gets_nothing_and_is_never_named(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    report = filed(anonymous=True)
    await handle(report)
    await handle(status(report, "resolved"))
    assert await rows(pool, "tracking_no = $1", report.tracking_no) == []
    # A named reporter's id never reaches a message to someone else (the team queue here).
    named = filed()
    await handle(named)
    await handle(
        TicketOpened(
            ticket_id=uuid.uuid4(),
            report_id=named.report_id,
            tracking_no=named.tracking_no,
            kind="repair",
            category="plumbing",
            urgency="normal",
            location=LOC,
            department_id="maintenance",
            team_id="plumbers",
            opened_at=NOW,
        )
    )
    others = await rows(pool, "tracking_no = $1 AND recipient <> 'stu-1'", named.tracking_no)
    assert [m["recipient"] for m in others] == ["team:plumbers"]
    assert all("stu-1" not in m["subject"] + m["body"] for m in others)


async def test_resolved_asks_the_reporter_and_cannot_handle_explains(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    report = filed()
    await handle(report)
    await handle(status(report, "accepted"))
    await handle(status(report, "resolved"))
    await handle(status(report, "cannot_handle", note="需要更换整段水管 <b>"))
    got = await rows(pool, "tracking_no = $1", report.tracking_no)
    kinds = [m["kind"] for m in got]
    assert sorted(kinds) == ["confirm_request", "explanation", "receipt"]
    explanation = next(m for m in got if m["kind"] == "explanation")
    assert "需要更换整段水管 &lt;b&gt;" in explanation["body"]  # autoescaped
    assert {m["recipient"] for m in got} == {"stu-1"}


async def test_assignment_goes_to_the_assignee_on_their_channels(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    await enable(pool, "email", "wecom", "sms")
    tracking = f"FK-{uuid.uuid4().hex[:8]}"
    await handle(
        TicketAssigned(
            ticket_id=uuid.uuid4(),
            report_id=uuid.uuid4(),
            tracking_no=tracking,
            assignee_id="plumber-backup",
            team_id="plumbers",
            department_id="maintenance",
            via="backup",
            assigned_at=NOW,
        )
    )
    got = await rows(pool, "tracking_no = $1", tracking)
    # The backup has an e-mail address but no WeCom or phone: inbox and e-mail only.
    assert [(m["recipient"], m["channel"], m["status"]) for m in got] == [
        ("plumber-backup", "email", "pending"),
        ("plumber-backup", "inbox", "sent"),
    ]
    assert "辅岗" in got[0]["body"]
    assert got[0]["address"] == "backup@campus.test"


async def test_overdue_levels_reach_their_recipients(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    tracking = f"FK-{uuid.uuid4().hex[:8]}"
    for level in (1, 2, 3):
        await handle(
            RectificationOverdue(
                subject_kind="ticket",
                subject_id=uuid.uuid4(),
                tracking_no=tracking,
                stage="finish",
                level=level,
                due_at=NOW - timedelta(hours=2),
                overdue_by_s=2 * 3600 + 5 * 60,
                department_id="maintenance",
                team_id="plumbers",
                detected_at=NOW,
            )
        )
    got = await rows(pool, "tracking_no = $1 AND channel = 'inbox'", tracking)
    by = {m["recipient"]: m for m in got}
    assert set(by) == {"plumbing-lead", "maintenance-head", "supervisor", "leader"}
    assert by["supervisor"]["priority"] == "urgent"
    assert "2小时5分钟" in by["plumbing-lead"]["body"]
    assert "二级督办" in by["maintenance-head"]["subject"]


async def test_recurring_scores_and_awards(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    await handle(
        RecurringProblemDetected(
            problem_id="p1",
            category="plumbing",
            location=LOC,
            count=3,
            window_days=30,
            ticket_ids=[uuid.uuid4()],
            detected_at=NOW,
        )
    )
    await handle(
        ScoreComputed(
            campaign_id=uuid.uuid4(),
            unit_type="team",
            unit_id="plumbers",
            period_start=NOW.date(),
            period_end=NOW.date(),
            composite=88.0,
            work_score=None,
            inspection_score=None,
            satisfaction_score=None,
            on_time_rate=None,
            pass_rate=None,
            computed_at=NOW,
        )
    )
    await handle(
        AwardsPublished(
            campaign_id=uuid.uuid4(),
            campaign_name="优质服务月",
            awards=[Award(award="team", unit_type="team", unit_id="plumbers", rank=1, composite=9)],
            published_at=NOW,
        )
    )
    got = await rows(pool, "channel = 'inbox'")
    pairs = sorted((m["kind"], m["recipient"]) for m in got)
    assert pairs == [
        ("awards", "catering-head"),
        ("awards", "maintenance-head"),
        ("recurring", "supervisor"),
        ("score", "maintenance-head"),
    ]


async def test_a_newer_directory_wins_and_an_older_one_is_ignored(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory(version=2))
    await handle(directory(version=1, staff=[]))  # late, older: ignored
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM directory_staff") == 7
    await handle(directory(version=3, staff=[]))
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM directory_staff") == 0
        assert await conn.fetchval("SELECT version FROM directory_state") == 3


async def test_a_disabled_rule_tells_no_one(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    async with pool.acquire() as conn:
        await conn.execute("UPDATE rules SET enabled = false WHERE template = 'receipt'")
    report = filed()
    await handle(report)
    assert await rows(pool, "tracking_no = $1", report.tracking_no) == []


async def test_cannot_handle_is_reported_to_the_superior_without_the_reporter(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    report = filed(reporter="stu-9")
    await handle(report)
    changed = status(report, "cannot_handle", note="整段水管需更换").model_copy(
        update={"team_id": "plumbers"}
    )
    await handle(changed)
    got = await rows(pool, "tracking_no = $1 AND kind <> 'receipt'", report.tracking_no)
    assert sorted((m["recipient"], m["kind"]) for m in got if m["channel"] == "inbox") == [
        ("plumbing-lead", "cannot_handle_report"),
        ("stu-9", "explanation"),
    ]
    lead = [m for m in got if m["recipient"] == "plumbing-lead"]
    assert {m["channel"] for m in lead} == {"inbox"}  # e-mail is not configured here
    assert all("stu-9" not in m["subject"] + m["body"] for m in lead)
    assert "整段水管需更换" in lead[0]["body"]


async def test_a_template_broken_behind_the_apis_back_loses_no_message(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO templates (name, lang, subject, body)"
            " VALUES ('receipt', 'zh-CN', '{{ gone }}', '{% if %}')"
        )
    report = filed(reporter="stu-8")
    await handle(report)
    got = await rows(pool, "tracking_no = $1", report.tracking_no)
    assert [m["subject"] for m in got] == [f"已受理：{report.tracking_no}"]


async def test_a_run_of_events_is_handled_together_as_one_by_one(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    from houqin_shared.contracts.base import Envelope
    from notify.handlers import BATCH_HANDLERS

    _, pool = notify_env
    await handle(directory())
    reports = [filed(reporter=f"stu-{i}") for i in range(3)]
    envs = [Envelope(r) for r in reports]
    for _ in range(2):  # the same run delivered twice: no second message
        async with pool.acquire() as conn, conn.transaction():
            await BATCH_HANDLERS[ComplaintFiled](conn, envs)
    got = await rows(pool, "kind = 'receipt'")
    assert sorted((m["recipient"], m["event_id"]) for m in got) == sorted(
        (f"stu-{i}", envs[i].id) for i in range(3)
    )
    # Their reporters were remembered: later news of each report reaches its own reporter.
    async with pool.acquire() as conn, conn.transaction():
        await BATCH_HANDLERS[TicketStatusChanged](
            conn, [Envelope(status(r, "resolved")) for r in reports]
        )
    asked = await rows(pool, "kind = 'confirm_request'")
    assert sorted((m["recipient"], m["tracking_no"]) for m in asked) == sorted(
        (f"stu-{i}", reports[i].tracking_no) for i in range(3)
    )
