"""The directory through the API (JSON and YAML, backward compatible), with DirectoryUpdated (and,
while small, DirectoryChanged) in the same transaction; duty and leave edits; refusals change
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml
from tickets_support import DEMO, Env

pytestmark = pytest.mark.infra


async def test_demo_import_emits_a_full_snapshot(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.get("/v1/directory", headers=e.as_user("plumber"))
    body = r.json()
    assert body["version"] == 1 and len(body["teams"]) == 22 and len(body["departments"]) == 4
    [snap] = await e.outbox("DirectoryChanged")
    data = snap["data"]
    assert data["version"] == 1 and snap["key"] == "directory"
    plumbers = next(t for t in data["teams"] if t["id"] == "plumbers")
    assert plumbers["lead_id"] == "plumbing-lead" and plumbers["department_id"] == "maintenance"
    head = next(d for d in data["departments"] if d["id"] == "maintenance")
    assert head["lead_id"] == "maintenance-head"
    plumber = next(s for s in data["staff"] if s["id"] == "plumber")
    assert plumber["wecom"] == "zhangsf" and plumber["team_id"] == "plumbers"


async def test_yaml_and_the_old_document_still_load(tickets_env: Env) -> None:
    e = tickets_env
    old = {
        "departments": [{"id": "works", "name": "Works"}],
        "teams": [{"id": "w1", "department_id": "works", "name": "W1"}],
    }
    r = await e.client.put("/v1/directory", json=old, headers=e.as_user("admin"))
    assert r.status_code == 200, r.text
    more = {
        "areas": [
            {"id": "north-dorm-7-4", "parent_id": "north-dorm-7", "kind": "floor", "name": "4F"}
        ],
        "responsibilities": [
            {"area_id": "north-dorm-7-4", "category": "plumbing", "team_id": "w1"}
        ],
    }
    r = await e.client.put(
        "/v1/directory",
        content=yaml.safe_dump(more, allow_unicode=True),
        headers={**e.as_user("admin"), "Content-Type": "application/yaml"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 3
    assert {
        "area_id": "north-dorm-7-4",
        "category": "plumbing",
        "team_id": "w1",
        "department_id": None,
        "post_id": None,
    } in body["responsibilities"]
    assert [s["data"]["version"] for s in await e.outbox("DirectoryChanged")] == [1, 2, 3]


async def test_bad_documents_change_nothing(tickets_env: Env) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    for doc, content_type in [
        (
            {"posts": [{"id": "x", "team_id": "plumbers", "name": "X", "primary_id": "ghost"}]},
            "application/json",
        ),
        ({"responsibilities": [{"category": "plumbing"}]}, "application/json"),
        ({"teams": [{"id": "t", "department_id": "nowhere", "name": "T"}]}, "application/json"),
    ]:
        r = await e.client.put(
            "/v1/directory", json=doc, headers={**admin, "Content-Type": content_type}
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await e.client.put(
        "/v1/directory", content="a: [", headers={**admin, "Content-Type": "application/yaml"}
    )
    assert r.status_code == 422
    r = await e.client.put("/v1/directory", json=DEMO, headers=e.as_user("supervisor"))
    assert r.status_code == 403
    assert len(await e.outbox("DirectoryChanged")) == 1
    assert (await e.client.get("/v1/directory", headers=admin)).json()["version"] == 1


async def test_duty_and_leave_edits_by_the_lead_only(tickets_env: Env) -> None:
    e = tickets_env
    lead = e.as_user("plumbing-lead")
    r = await e.client.put(
        "/v1/directory/staff/plumber/on-duty", json={"on_duty": False}, headers=lead
    )
    assert r.status_code == 200, r.text
    assert r.json()["on_duty"] is False
    start = datetime.now(UTC)
    r = await e.client.post(
        "/v1/directory/staff/plumber/leave",
        json={
            "start": start.isoformat(),
            "end": (start + timedelta(days=2)).isoformat(),
            "reason": "sick",
        },
        headers=lead,
    )
    assert r.status_code == 201, r.text
    leave_id = r.json()["id"]
    staff = (await e.client.get("/v1/directory/staff/plumber", headers=lead)).json()
    assert [lv["id"] for lv in staff["leave"]] == [leave_id]
    # another team's lead, a plain worker, and a backwards leave are refused
    other = e.sso.auth(
        "electrician-lead", "staff", "team_lead", dept="maintenance", team="electricians"
    )
    r = await e.client.put(
        "/v1/directory/staff/plumber/on-duty", json={"on_duty": True}, headers=other
    )
    assert r.status_code == 403
    r = await e.client.put(
        "/v1/directory/staff/plumber/on-duty", json={"on_duty": True}, headers=e.as_user("plumber")
    )
    assert r.status_code == 403
    r = await e.client.post(
        "/v1/directory/staff/plumber/leave",
        json={"start": start.isoformat(), "end": (start - timedelta(days=1)).isoformat()},
        headers=lead,
    )
    assert r.status_code == 422
    r = await e.client.put(
        "/v1/directory/staff/ghost/on-duty", json={"on_duty": True}, headers=lead
    )
    assert r.status_code == 404
    r = await e.client.delete(
        f"/v1/directory/staff/plumber/leave/{leave_id}", headers=e.as_user("maintenance-head")
    )
    assert r.status_code == 204
    # duty and leave are not in the directory's events: an update with no entries each
    assert [s["data"]["version"] for s in await e.outbox("DirectoryChanged")] == [1]
    updates = [s["data"] for s in await e.outbox("DirectoryUpdated")]
    assert [u["version"] for u in updates] == [1, 2, 3, 4]
    assert all(u["staff"] == [] for u in updates[1:])


async def test_staff_from_a_spreadsheet(tickets_env: Env) -> None:
    e = tickets_env
    admin = {**e.as_user("admin"), "Content-Type": "text/csv"}
    csv = "id,name,roles,department_id,team_id,wecom,on_duty\nplumber-3,钱师傅,staff,maintenance,plumbers,qiansf,false\n"
    r = await e.client.put("/v1/directory", content=csv.encode(), headers=admin)
    assert r.status_code == 200, r.text
    staff = (
        await e.client.get("/v1/directory/staff/plumber-3", headers=e.as_user("plumbing-lead"))
    ).json()
    assert (staff["team_id"], staff["on_duty"]) == ("plumbers", False)
    snap = (await e.outbox("DirectoryChanged"))[-1]["data"]
    assert snap["version"] == 2 and any(s["wecom"] == "qiansf" for s in snap["staff"])
    for bad in ("id,salary\nx,1\n", "id,name,team_id\nx,X,nowhere\n"):
        r = await e.client.put("/v1/directory", content=bad.encode(), headers=admin)
        assert r.status_code == 422, bad
    assert len(await e.outbox("DirectoryChanged")) == 2
