"""Taking things out of the directory through the API (admins only): a post the area map no
longer names, an assignment of the area map (routing falls back at once), and a person who
leaves (their posts' backups take the work); each bumps the version and publishes
DirectoryUpdated."""

from __future__ import annotations

import pytest
from tickets_support import Env

pytestmark = pytest.mark.infra


async def _directory(e: Env) -> dict:  # type: ignore[type-arg]
    r = await e.client.get("/v1/directory", headers=e.as_user("admin"))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_post_is_removed_only_once_the_area_map_no_longer_names_it(
    tickets_env: Env,
) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    doc = {
        "posts": [{"id": "night-duty", "team_id": "plumbers", "name": "夜班", "primary_id": "plumber"}],
        "responsibilities": [
            {"area_id": "lab-2", "category": "plumbing", "team_id": "plumbers", "post_id": "night-duty"}
        ],
    }  # fmt: skip
    r = await e.client.put("/v1/directory", json=doc, headers=admin)
    assert r.status_code == 200, r.text
    r = await e.client.delete("/v1/directory/posts/night-duty", headers=admin)
    assert r.status_code == 409 and r.json()["type"].endswith("/post-in-use"), r.text
    head = e.as_user("maintenance-head")
    r = await e.client.delete(
        "/v1/directory/responsibilities", params={"area_id": "lab-2", "category": "plumbing"},
        headers=head,
    )  # fmt: skip
    assert r.status_code == 403, r.text
    version = (await _directory(e))["version"]
    r = await e.client.delete(
        "/v1/directory/responsibilities", params={"area_id": "lab-2", "category": "plumbing"},
        headers=admin,
    )  # fmt: skip
    assert r.status_code == 204, r.text
    r = await e.client.delete(
        "/v1/directory/responsibilities", params={"area_id": "lab-2", "category": "plumbing"},
        headers=admin,
    )  # fmt: skip
    assert r.status_code == 404 and r.json()["type"].endswith("/responsibility-not-found")
    r = await e.client.delete("/v1/directory/posts/night-duty", headers=admin)
    assert r.status_code == 204, r.text
    r = await e.client.delete("/v1/directory/posts/night-duty", headers=admin)
    assert r.status_code == 404 and r.json()["type"].endswith("/post-not-found")
    after = await _directory(e)
    assert after["version"] == version + 2
    assert all(p["id"] != "night-duty" for p in after["posts"])
    kept = [(x["area_id"], x["category"]) for x in after["responsibilities"]]
    assert ("lab-2", "plumbing") not in kept and ("lab-2", "cleaning") in kept
    r = await e.client.delete(
        "/v1/directory/responsibilities", params={"area_id": "Lab 2!", "category": "plumbing"},
        headers=admin,
    )  # fmt: skip
    assert r.status_code == 422, r.text


async def test_a_person_who_leaves_is_out_of_team_posts_and_lead_places(tickets_env: Env) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    r = await e.client.post(
        "/v1/directory/staff/plumber/retire", headers=e.as_user("plumbing-lead")
    )
    assert r.status_code == 403, r.text
    r = await e.client.post("/v1/directory/staff/plumbing-lead/retire", headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["team_id"] is None and body["roles"] == [] and body["on_duty"] is False
    after = await _directory(e)
    plumbers = next(t for t in after["teams"] if t["id"] == "plumbers")
    assert plumbers["lead_id"] is None
    updates = await e.outbox("DirectoryUpdated")
    last = updates[-1]["data"]
    assert [s["id"] for s in last["staff"]] == ["plumbing-lead"]
    assert [t["id"] for t in last["teams"]] == ["plumbers"]
    r = await e.client.post("/v1/directory/staff/nobody-here/retire", headers=admin)
    assert r.status_code == 404 and r.json()["type"].endswith("/staff-not-found")


async def test_a_team_or_department_is_removed_only_once_nothing_names_it(
    tickets_env: Env,
) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    doc = {
        "departments": [{"id": "greenhouse", "name": "温室管理科"}],
        "teams": [{"id": "greenhouse-team", "department_id": "greenhouse", "name": "温室组"}],
    }
    r = await e.client.put("/v1/directory", json=doc, headers=admin)
    assert r.status_code == 200, r.text
    r = await e.client.delete("/v1/directory/teams/plumbers", headers=admin)
    assert r.status_code == 409 and r.json()["type"].endswith("/team-in-use"), r.text
    r = await e.client.delete("/v1/directory/departments/greenhouse", headers=admin)
    assert r.status_code == 409 and r.json()["type"].endswith("/department-in-use"), r.text
    r = await e.client.delete(
        "/v1/directory/teams/greenhouse-team", headers=e.as_user("maintenance-head")
    )
    assert r.status_code == 403, r.text
    version = (await _directory(e))["version"]
    r = await e.client.delete("/v1/directory/teams/greenhouse-team", headers=admin)
    assert r.status_code == 204, r.text
    r = await e.client.delete("/v1/directory/teams/greenhouse-team", headers=admin)
    assert r.status_code == 404 and r.json()["type"].endswith("/team-not-found"), r.text
    r = await e.client.delete("/v1/directory/departments/greenhouse", headers=admin)
    assert r.status_code == 204, r.text
    r = await e.client.delete("/v1/directory/departments/greenhouse", headers=admin)
    assert r.status_code == 404 and r.json()["type"].endswith("/department-not-found"), r.text
    after = await _directory(e)
    assert after["version"] == version + 2
    assert all(t["id"] != "greenhouse-team" for t in after["teams"])
    assert all(d["id"] != "greenhouse" for d in after["departments"])
    assert any(t["id"] == "plumbers" for t in after["teams"])
    r = await e.client.delete("/v1/directory/teams/Bad Id!", headers=admin)
    assert r.status_code == 422, r.text
