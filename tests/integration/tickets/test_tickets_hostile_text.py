"""Hostile text at the tickets API (issue 15, found by the long schemathesis run): a NUL or other
control character, or an empty or unknown id, is a 422 or a typed refusal, never a 500 from the
database, and nothing is stored or sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tickets_support import Env, opened

pytestmark = pytest.mark.infra

HOSTILE = ["a\x00b", "bell\x07", "\ufffe", "esc\x1b[31m"]


def rectification(**kw: str) -> dict[str, str]:
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    return {"problem": "水压不足", "team_id": "plumbers", "deadline": deadline, **kw}


async def stored(e: Env, table: str) -> int:
    return int(await e.pool.fetchval(f"SELECT count(*) FROM {table}"))


async def test_rectification_ids_are_checked_before_the_database(tickets_env: Env) -> None:
    e = tickets_env
    sup = e.as_user("supervisor")
    for bad in ("", " ", "x\x00", "UPPER"):
        r = await e.client.post(
            "/v1/rectifications", json=rectification(responsible_id=bad), headers=sup
        )
        assert r.status_code == 422, (bad, r.status_code, r.text)
    r = await e.client.post(
        "/v1/rectifications", json=rectification(responsible_id="nobody-here"), headers=sup
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/staff-unknown"), r.text
    for field in ("team_id", "department_id"):
        r = await e.client.post(
            "/v1/rectifications", json=rectification(**{field: ""}), headers=sup
        )
        assert r.status_code == 422, (field, r.text)
    assert await stored(e, "rectifications") == 0
    assert await e.outbox("RectificationOpened") == []


async def test_control_characters_in_free_text_are_refused(tickets_env: Env) -> None:
    e = tickets_env
    sup, lead = e.as_user("supervisor"), e.as_user("plumbing-lead")
    t = await opened(e)
    for text in HOSTILE:
        calls = [
            ("/v1/rectifications", rectification(problem=text), sup),
            ("/v1/rectifications", rectification(measures=text), sup),
            ("/v1/recurring-problems/acknowledge", {"problem_id": text, "note": "修好"}, lead),
            ("/v1/recurring-problems/acknowledge", {"problem_id": "abc", "note": text}, lead),
            (f"/v1/tickets/{t['id']}/chase", {"note": text}, sup),
            (
                f"/v1/tickets/{t['id']}/transfers",
                {"to_team_id": "carpenters", "reason": text},
                lead,
            ),
        ]
        for path, body, who in calls:
            r = await e.client.post(path, json=body, headers=who)
            assert r.status_code == 422, (path, repr(text), r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
    r = await e.client.get("/v1/directory/staff/a%00b", headers=sup)
    assert r.status_code == 422, r.text
    assert await stored(e, "rectifications") == 0
    assert await e.outbox("TicketChased") == []
