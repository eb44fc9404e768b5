"""Issue 14, no loopholes in the figures: a cannot_handle ticket reaches the lead, then the head,
until someone decides; a close as cannot be done tells the reporter why and counts late unless a
supervisor accepts the reason; a pause needs a listed reason and a bounded length, and is chased
when it runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import ROOT, Env, opened

from tickets import sla_service
from tickets.escalation import REMIND_EVERY_S
from tickets.sweeper import sweep

pytestmark = pytest.mark.infra
REASON = "总水管属于市自来水公司，已报自来水公司处理"


async def cannot_handle(e: Env) -> dict:
    t = await opened(e)
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/cannot-handle",
        json={"note": "main pipe, not ours"},
        headers=e.as_user("plumber"),
    )
    assert r.status_code == 200, r.text
    return t


async def test_cannot_handle_reaches_the_lead_then_the_head(tickets_env: Env) -> None:
    e = tickets_env
    t = await cannot_handle(e)
    [change] = [x["data"] for x in await e.outbox("TicketStatusChanged")]
    assert change["superior_id"] == "plumbing-lead"
    row = await e.pool.fetchrow(
        "SELECT stuck_at, next_check_at FROM tickets WHERE id = $1", t["id"]
    )
    async with e.pool.acquire() as conn:
        cal = await sla_service.calendar(conn)
    head_at = cal.add(row["stuck_at"], REMIND_EVERY_S)
    assert row["next_check_at"] == head_at  # today: None, never chased
    assert await sweep(e.pool, head_at - timedelta(seconds=1)) == 0
    assert await sweep(e.pool, head_at + timedelta(seconds=1)) == 1
    [esc] = [x["data"] for x in await e.outbox("RectificationOverdue")]
    assert (esc["subject_id"], esc["level"], esc["stage"]) == (t["id"], 2, "finish")
    sup_at = cal.add(row["stuck_at"], 2 * REMIND_EVERY_S)
    assert await sweep(e.pool, sup_at + timedelta(seconds=1)) == 1
    assert [x["data"]["level"] for x in await e.outbox("RectificationOverdue")] == [2, 3]
    # the lead decides by reassigning: it is no longer chased as cannot_handle
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/assign",
        json={"assignee_id": "plumber-backup"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned", r.text


async def test_a_cannot_handle_ticket_can_be_transferred(tickets_env: Env) -> None:
    e = tickets_env
    t = await cannot_handle(e)
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/transfers",
        json={"to_team_id": "electricians", "reason": "it is the pump's wiring"},
        headers=e.as_user("plumbing-lead"),
    )
    assert r.status_code == 201, r.text  # today: 409 ticket-not-transferable


async def test_cannot_be_done_tells_the_reporter_counts_late_until_accepted(
    tickets_env: Env,
) -> None:
    e = tickets_env
    t = await cannot_handle(e)
    url = f"/v1/tickets/{t['id']}"
    r = await e.client.post(f"{url}/cannot-do", json={"note": REASON}, headers=e.as_user("plumber"))
    assert r.status_code == 403 and r.json()["type"].endswith("/ticket-decide-forbidden")
    r = await e.client.post(f"{url}/cannot-do", json={}, headers=e.as_user("maintenance-head"))
    assert r.status_code == 422 and r.json()["type"].endswith("/ticket-note-required")
    r = await e.client.post(
        f"{url}/cannot-do", json={"note": REASON}, headers=e.as_user("maintenance-head")
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["closed_as"]) == ("closed", "cannot_be_done")
    close = [x["data"] for x in await e.outbox("TicketStatusChanged")][-1]
    assert (close["status"], close["note"], close["closed_as"]) == (
        "closed",
        REASON,
        "cannot_be_done",
    )
    assert (close["stage"], close["on_time"]) == ("finish", False)  # late, though not yet due
    # nobody but a supervisor accepts the reason
    for who in ("plumbing-lead", "maintenance-head"):
        r = await e.client.post(f"{url}/accept-reason", headers=e.as_user(who))
        assert r.status_code == 403 and r.json()["type"].endswith("/reason-accept-supervisors-only")
    sup = e.as_user("supervisor")
    r = await e.client.post(f"{url}/accept-reason", json={"note": "确属市政管网"}, headers=sup)
    assert r.status_code == 200 and r.json()["reason_accepted_by"] == "supervisor", r.text
    fix = [x["data"] for x in await e.outbox("TicketStatusChanged")][-1]
    assert (fix["status"], fix["stage"], fix["on_time"], fix["reason_accepted_by"]) == (
        "closed",
        "finish",
        True,
        "supervisor",
    )
    # scoring keeps the latest completion at or after the one it has: the same time restated
    assert fix["changed_at"] == close["changed_at"]
    r = await e.client.post(f"{url}/accept-reason", headers=sup)
    assert r.status_code == 409 and r.json()["type"].endswith("/ticket-reason-accepted")
    other = await opened(e)
    r = await e.client.post(f"/v1/tickets/{other['id']}/accept-reason", headers=sup)
    assert r.status_code == 409 and r.json()["type"].endswith("/ticket-not-cannot-be-done")


async def accepted(e: Env) -> dict:
    t = await opened(e)
    r = await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=e.as_user("plumber"))
    assert r.status_code == 200
    return t


async def test_pause_needs_a_listed_reason_and_a_bounded_length(tickets_env: Env) -> None:
    e = tickets_env
    t = await accepted(e)
    url = f"/v1/tickets/{t['id']}/pause"
    me = e.as_user("plumber")
    r = await e.client.post(url, json={"note": "having lunch"}, headers=me)
    assert r.status_code == 422 and r.json()["type"].endswith("/pause-reason-required")
    r = await e.client.post(url, json={"pause_reason": "lunch"}, headers=me)
    assert r.status_code == 422
    r = await e.client.post(
        url, json={"pause_reason": "waiting_parts", "pause_days": 5}, headers=me
    )
    assert r.status_code == 403 and r.json()["type"].endswith("/pause-too-long")
    assert (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()["status"] == "accepted"
    lead = e.as_user("plumbing-lead")
    r = await e.client.post(
        url, json={"pause_reason": "outside_contractor", "pause_days": 5}, headers=lead
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["pause_reason"]) == ("paused", "outside_contractor")
    change = [x["data"] for x in await e.outbox("TicketStatusChanged")][-1]
    assert (change["pause_reason"], change["note"]) == ("outside_contractor", "外包单位处理")
    assert change["pause_until"]
    # the rules set the cap: with 7 days a worker's 5 are fine
    rules = (await e.client.get("/v1/directory/rules", headers=me)).json()
    r = await e.client.put(
        "/v1/directory/rules", json={**rules, "pause_max_days": 7}, headers=e.as_user("admin")
    )
    assert r.status_code == 200, r.text
    t2 = await accepted(e)
    r = await e.client.post(
        f"/v1/tickets/{t2['id']}/pause",
        json={"pause_reason": "reporter_absent", "pause_days": 5},
        headers=me,
    )
    assert r.status_code == 200, r.text


async def test_a_pause_that_runs_out_is_resumed_and_chased(tickets_env: Env) -> None:
    e = tickets_env
    t = await accepted(e)
    me = e.as_user("plumber")
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/pause",
        json={"pause_reason": "reporter_absent", "pause_days": 1},
        headers=me,
    )
    assert r.status_code == 200, r.text
    until = datetime.fromisoformat(r.json()["pause_until"])
    assert await sweep(e.pool, until - timedelta(seconds=1)) == 0
    await sweep(e.pool, until + timedelta(seconds=1))
    body = (await e.client.get(f"/v1/tickets/{t['id']}", headers=me)).json()
    assert body["status"] == "accepted" and body["paused_at"] is None  # today: paused forever
    assert body["finish_due_at"] and body["pause_reason"] is None
    last = [x["data"] for x in await e.outbox("TicketStatusChanged")][-1]
    assert (last["status"], last["actor_id"]) == ("resumed", None)
    nxt = await e.pool.fetchval("SELECT next_check_at FROM tickets WHERE id = $1", t["id"])
    assert nxt is not None  # chased again like any ticket
    assert datetime.now(UTC) < until


async def test_a_team_without_a_lead_reports_to_the_head_at_once(tickets_env: Env) -> None:
    e = tickets_env
    t = await opened(e, "carpentry")  # the carpenters have no team lead
    assert t["team_id"] == "carpenters" and t["assignee_id"] == "carpenter"
    carpenter = e.sso.auth("carpenter", "staff", dept="maintenance", team="carpenters")
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/cannot-handle", json={"note": "需外请"}, headers=carpenter
    )
    assert r.status_code == 200, r.text
    [change] = [x["data"] for x in await e.outbox("TicketStatusChanged")]
    assert change["superior_id"] == "maintenance-head"
    r = await e.client.post(
        f"/v1/tickets/{t['id']}/cannot-do",
        json={"note": "需学校立项"},
        headers=e.as_user("maintenance-head"),
    )
    assert r.status_code == 200 and r.json()["closed_as"] == "cannot_be_done", r.text


async def test_pausing_again_and_again_does_not_get_round_the_cap(tickets_env: Env) -> None:
    e = tickets_env
    t = await accepted(e)
    url, me = f"/v1/tickets/{t['id']}", e.as_user("plumber")
    wait = {"pause_reason": "waiting_parts", "pause_days": 2}
    assert (await e.client.post(f"{url}/pause", json=wait, headers=me)).status_code == 200
    assert (await e.client.post(f"{url}/resume", headers=me)).status_code == 200
    r = await e.client.post(f"{url}/pause", json=wait, headers=me)  # 4 of 3 days
    assert r.status_code == 403 and r.json()["type"].endswith("/pause-too-long")
    one = {"pause_reason": "waiting_parts", "pause_days": 1}
    assert (await e.client.post(f"{url}/pause", json=one, headers=me)).status_code == 200
    audit = (await e.client.get(f"{url}/actions", headers=me)).json()
    assert [a["detail"].get("pause_days") for a in audit if a["action"] == "pause"] == [2, 1]


async def test_a_ticket_paused_before_pauses_had_a_length_runs_out_too(tickets_env: Env) -> None:
    e = tickets_env
    t = await accepted(e)
    began = datetime.now(UTC) - timedelta(days=4)
    await e.pool.execute(  # as 0010 left it: paused with a note, no reason nor end
        "UPDATE tickets SET status = 'paused', paused_from = 'accepted', paused_at = $2,"
        " pause_until = NULL, next_check_at = NULL WHERE id = $1",
        t["id"],
        began,
    )
    sql = (ROOT / "services/tickets/tickets/migrations/0012_paused_before_limits.sql").read_text()
    async with e.pool.acquire() as conn:
        await conn.execute(f"SET search_path TO {e.schema}; {sql}")
    await sweep(e.pool, datetime.now(UTC))
    body = (await e.client.get(f"/v1/tickets/{t['id']}", headers=e.as_user("plumber"))).json()
    assert body["status"] == "accepted" and body["paused_at"] is None
