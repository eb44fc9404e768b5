"""Leave hands work over (issue 14; seed 001 主辅岗制): when the plumbers' duty primary's leave
starts, their open tickets not yet accepted move to the post's backup, who is told
(TicketAssigned via backup); accepted work stays; a leave to come moves nothing until it starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tickets_support import Env, opened

from tickets.handover import hand_over

pytestmark = pytest.mark.infra


async def leave(e: Env, start: datetime, days: int = 2) -> None:
    r = await e.client.post(
        "/v1/directory/staff/plumber/leave",
        json={"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat()},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 201, r.text


async def ticket(e: Env, t: dict[str, Any]) -> dict[str, Any]:
    r = await e.client.get(f"/v1/tickets/{t['id']}", headers=e.as_user("supervisor"))
    return dict(r.json())


async def test_leave_moves_unaccepted_tickets_to_the_backup(tickets_env: Env) -> None:
    e = tickets_env
    waiting, working = await opened(e), await opened(e)
    assert waiting["assignee_id"] == working["assignee_id"] == "plumber"
    r = await e.client.post(f"/v1/tickets/{working['id']}/accept", headers=e.as_user("plumber"))
    assert r.status_code == 200, r.text
    now = datetime.now(UTC)
    await leave(e, now + timedelta(hours=1))
    assert await hand_over(e.pool, now) == 0  # the leave has not started
    later = now + timedelta(hours=1, minutes=1)
    assert await hand_over(e.pool, later) == 1
    assert await hand_over(e.pool, later) == 0  # once
    moved, kept = await ticket(e, waiting), await ticket(e, working)
    assert (moved["assignee_id"], moved["assigned_via"], moved["status"]) == (
        "plumber-backup",
        "backup",
        "assigned",
    )
    assert (kept["assignee_id"], kept["status"]) == ("plumber", "accepted")
    told = [x["data"] for x in await e.outbox("TicketAssigned")]
    assert (told[-1]["ticket_id"], told[-1]["assignee_id"], told[-1]["via"]) == (
        waiting["id"],
        "plumber-backup",
        "backup",
    )
    audit = (
        await e.client.get(f"/v1/tickets/{waiting['id']}/actions", headers=e.as_user("supervisor"))
    ).json()
    assert audit[-1]["action"] == "handover" and audit[-1]["detail"]["to"] == "plumber-backup"
    backup = await e.client.get("/v1/queues/mine", headers=e.as_user("plumber-backup"))
    assert [t["id"] for t in backup.json()["items"]] == [waiting["id"]]


async def test_no_available_backup_keeps_the_ticket(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e)
    r = await e.client.put(
        "/v1/directory/staff/plumber-backup/on-duty",
        json={"on_duty": False},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 200, r.text
    now = datetime.now(UTC)
    await leave(e, now - timedelta(minutes=1))
    assert await hand_over(e.pool, now) == 0
    assert (await ticket(e, t))["assignee_id"] == "plumber"
