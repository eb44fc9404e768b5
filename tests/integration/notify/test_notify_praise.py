"""Issue 14: a praise opens no ticket, but the team lead and the person it credits are told
(out of the box), with the category and place and never the reporter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from notify_support import Handle, directory

from houqin_shared.contracts import ComplaintFiled, Location, PraiseReceived
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
LOC = Location(campus="north", building="north-dorm-7", floor="3", room="312")


async def test_the_team_lead_and_the_person_praised_are_told_without_the_reporter(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO channels (name, type) VALUES ('wecom', 'wecom')")
    now = datetime.now(UTC)
    report = ComplaintFiled(
        report_id=uuid.uuid4(), tracking_no=f"FK-{uuid.uuid4().hex[:8]}", kind="praise",
        category="plumbing", channel="web", location=LOC, description="张师傅修得又快又好，王小明",
        anonymous=False, reporter_id="stu-wang", filed_at=now,
    )  # fmt: skip
    await handle(report)
    praise = PraiseReceived(
        report_id=report.report_id, tracking_no=report.tracking_no, category="plumbing",
        location=LOC, department_id="maintenance", team_id="plumbers", staff_id="plumber",
        received_at=now,
    )  # fmt: skip
    event_id = await handle(praise)
    await handle(praise, event_id)  # the same event again: told once
    got = [
        dict(r)
        for r in await pool.fetch(
            "SELECT recipient, channel, subject, body, address FROM messages"
            " WHERE tracking_no = $1 AND kind = 'praise' ORDER BY recipient, channel",
            report.tracking_no,
        )
    ]
    assert [(m["recipient"], m["channel"]) for m in got] == [
        ("plumber", "inbox"),
        ("plumber", "wecom"),
        ("plumbing-lead", "inbox"),  # the lead has no WeCom handle
    ]
    for m in got:
        text = m["subject"] + m["body"]
        assert "表扬" in text and "north-dorm-7" in text and "plumbing" in text
        assert "stu-wang" not in text and "王小明" not in text and "张师傅修得" not in text
    assert got[1]["address"] == "zhang.plumber"
