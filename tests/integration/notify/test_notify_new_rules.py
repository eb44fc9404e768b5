"""The person responsible is told (issue 14; migration 0009), through the worker's handlers
against the real PostgreSQL: an overdue warning reaches the assignee and not the team lead (who
gets the level-1 escalation only); a rectification item's responsible person hears it opened
and rejected; a merged ticket's assignee hears it needs no more work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from notify_support import Handle, directory

from houqin_shared.contracts import (
    RectificationOpened,
    RectificationOverdue,
    RectificationRejected,
    TicketMerged,
)
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
NOW = datetime.now(UTC)


async def told(pool: asyncpg.Pool, event_id: str) -> list[dict[str, Any]]:
    found = await pool.fetch(
        "SELECT recipient, subject, body, link FROM messages"
        " WHERE event_id = $1 AND channel = 'inbox' ORDER BY recipient",
        event_id,
    )
    return [dict(r) for r in found]


async def test_the_responsible_person_is_told(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    ticket, tracking = uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}"
    warning = RectificationOverdue(
        subject_kind="ticket", subject_id=ticket, tracking_no=tracking, stage="accept", level=1,
        warning=True, due_at=NOW + timedelta(minutes=20), overdue_by_s=-20 * 60,
        department_id="maintenance", team_id="plumbers", responsible_id="plumber",
        detected_at=NOW,
    )  # fmt: skip
    [w] = await told(pool, await handle(warning))
    assert w["recipient"] == "plumber" and "即将超时" in w["subject"]
    assert "张师傅" in w["body"] and "20分钟" in w["body"]
    assert w["link"] == f"/work/tickets/{ticket}"
    late = warning.model_copy(update={"warning": False, "overdue_by_s": 60})
    assert [m["recipient"] for m in await told(pool, await handle(late))] == ["plumbing-lead"]

    item = uuid.uuid4()
    opened = RectificationOpened(
        item_id=item, origin="reception_day", problem="3楼热水器不出热水", measures="更换温控阀",
        responsible_id="plumber", department_id="maintenance", team_id="plumbers",
        deadline=datetime(2026, 12, 8, 9, 0, tzinfo=UTC), opened_at=NOW,
    )  # fmt: skip
    [o] = await told(pool, await handle(opened))
    assert o["recipient"] == "plumber" and o["link"] == "/manage"
    assert "3楼热水器不出热水" in o["body"] and "接待日" in o["body"]
    assert "12月8日 17:00" in o["subject"] + o["body"]  # the deadline in Asia/Shanghai
    rejected = RectificationRejected(
        item_id=item, department_id="maintenance", team_id="plumbers", responsible_id="plumber",
        rejected_by="maintenance-head", reason="温控阀未更换", new_deadline=datetime(
            2026, 12, 10, 9, 0, tzinfo=UTC), rejected_at=NOW,
    )  # fmt: skip
    [r] = await told(pool, await handle(rejected))
    assert r["recipient"] == "plumber" and r["link"] == "/manage"
    assert "温控阀未更换" in r["body"] and "刘科长" in r["body"]
    assert "12月10日 17:00" in r["subject"] + r["body"]
    assert "maintenance-head" not in r["body"]

    merged = TicketMerged(
        ticket_id=ticket, report_id=uuid.uuid4(), tracking_no=tracking,
        into_ticket_id=uuid.uuid4(), into_report_id=uuid.uuid4(), into_tracking_no="FK-primary",
        previous_status="assigned", department_id="maintenance", team_id="plumbers",
        assignee_id="plumber", merged_at=NOW,
    )  # fmt: skip
    [m] = await told(pool, await handle(merged))
    assert m["recipient"] == "plumber" and "FK-primary" in m["body"] and "无需再处理" in m["body"]
