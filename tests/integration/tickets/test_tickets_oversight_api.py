"""The 超时督办 board (issue 17): late tickets with their current level, counted by department,
team and person; a department head sees their own department only; chasing a ticket keeps the
note in its audit trail; the inspection checklists are data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_tickets_sweeper import one_minute_limits, open_at
from tickets_support import Env

from tickets.sweeper import sweep

pytestmark = pytest.mark.infra


async def board(e: Env, user: str | dict[str, str], **params: Any) -> Any:
    headers = e.as_user(user) if isinstance(user, str) else user
    return await e.client.get("/v1/overdue-board", params=params, headers=headers)


async def test_board_shows_levels_by_unit_and_a_chase_is_kept(tickets_env: Env) -> None:
    e = tickets_env
    await one_minute_limits(e)
    now = datetime.now(UTC)
    level_2 = await open_at(e, now - timedelta(seconds=150))  # 2.5 x the one-minute limit
    level_3 = await open_at(e, now - timedelta(minutes=5))
    warned = await open_at(e, now - timedelta(seconds=55))  # past 80% of the minute
    fresh = await open_at(e, now)
    await sweep(e.pool, now)

    r = await board(e, "supervisor")
    assert r.status_code == 200, r.text
    got = {x["id"]: (x["level"], x["warning"], x["stage"]) for x in r.json()["items"]}
    assert got == {
        level_3: (3, False, "accept"), level_2: (2, False, "accept"), warned: (1, True, "accept")
    }  # fmt: skip
    assert [x["id"] for x in r.json()["items"]] == [level_3, level_2, warned]
    assert fresh not in got
    [dept] = r.json()["departments"]
    assert dept == {"id": "maintenance", "warning": 1, "level_1": 0, "level_2": 1, "level_3": 1}
    assert [t["id"] for t in r.json()["teams"]] == ["plumbers"]
    assert {p["id"] for p in r.json()["people"]} == {"plumber"}
    only_2 = (await board(e, "supervisor", level=2)).json()
    assert [x["id"] for x in only_2["items"]] == [level_2]
    warnings = (await board(e, "supervisor", level=0)).json()
    assert [x["id"] for x in warnings["items"]] == [warned]

    # a department head: their own department; another's is refused, not emptied
    head = (await board(e, "maintenance-head")).json()
    assert head["department_id"] == "maintenance" and len(head["items"]) == 3
    r = await board(e, "maintenance-head", department_id="catering")
    assert r.status_code == 403 and r.json()["type"].endswith("/overdue-read-forbidden")
    other_head = e.sso.auth("catering-head", "dept_head", dept="catering")
    assert (await board(e, other_head)).json()["items"] == []
    assert (await board(e, "plumber")).status_code == 403

    # 督办: the note is kept with the level the ticket had
    note = {"note": "请今天下班前到场处理 please be there before the end of today"}
    r = await e.client.post(
        f"/v1/tickets/{level_2}/chase", json=note, headers=e.as_user("supervisor")
    )
    assert r.status_code == 201, r.text
    assert r.json()["level"] == 2 and r.json()["chases"][0]["note"] == note["note"]
    actions = await e.client.get(f"/v1/tickets/{level_2}/actions", headers=e.as_user("plumber"))
    assert next(a for a in actions.json() if a["action"] == "chase")["note"] == note["note"]
    again = (await board(e, "supervisor", level=2)).json()["items"][0]
    assert again["chased_at"] is not None
    # ... and sent: TicketChased in the outbox, for notify to tell the assignee and the lead
    [sent] = [x["data"] for x in await e.outbox("TicketChased")]
    assert (sent["ticket_id"], sent["note"], sent["chased_by"], sent["level"]) == (
        str(level_2), note["note"], "supervisor", 2,
    )  # fmt: skip
    assert sent["assignee_id"] == again["assignee_id"] and sent["team_id"] == again["team_id"]
    for who, status in ((other_head, 403), (e.as_user("plumber"), 403)):
        r = await e.client.post(f"/v1/tickets/{level_2}/chase", json=note, headers=who)
        assert r.status_code == status, r.text
    assert len(await e.outbox("TicketChased")) == 1  # a refused chase sends nothing
    r = await e.client.post(
        f"/v1/tickets/{level_2}/chase", json={"note": ""}, headers=e.as_user("supervisor")
    )
    assert r.status_code == 422


async def test_inspection_templates_are_data(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.get("/v1/inspection-templates", headers=e.as_user("supervisor"))
    assert r.status_code == 200, r.text
    by_id = {t["id"]: t for t in r.json()}
    assert {"canteen-hygiene", "safety-round"} <= set(by_id)
    items = by_id["canteen-hygiene"]["items"]
    assert sum(i["max_score"] for i in items) == 100 and all(i["name_en"] for i in items)
    assert by_id["safety-round"]["kind"] == "safety"
