"""The directory as an XLSX workbook through the API: exported, a dry run lists what would change
and changes nothing, a bad row is refused with its row number and reason (nothing applied),
applying upserts and publishes DirectoryUpdated; the official calendar of a year."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from tickets_support import Env

pytestmark = pytest.mark.infra
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def saved(book: object) -> bytes:
    out = io.BytesIO()
    book.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


async def test_export_dry_run_refusal_and_apply(tickets_env: Env) -> None:
    e = tickets_env
    admin = e.as_user("admin")
    r = await e.client.get("/v1/directory/sheet", headers=e.as_user("plumber"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    posts = book["岗位"]
    row = next(c.row for c in posts["C"] if c.value == "plumbing-duty")
    posts.cell(row=row, column=5, value="plumbing-lead")  # 辅岗账号
    posts.append(["水工组、仓管", "夜间值班岗", "plumbing-night", "nobody", None])
    bad = posts.max_row
    headers = {**admin, "Content-Type": XLSX}

    r = await e.client.post(
        "/v1/directory/sheet?dry_run=true", content=saved(book), headers=headers
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"].endswith("/directory-invalid")
    [error] = problem["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("岗位", bad, "主岗账号")
    assert "nobody" in error["reason"] and "nobody" in error["reason_en"]

    posts.cell(row=bad, column=4, value="plumber")
    r = await e.client.post("/v1/directory/sheet", content=saved(book), headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] is False
    listed = {(c["kind"], c["id"], c["action"]) for c in body["changes"]}
    assert listed == {("post", "plumbing-duty", "change"), ("post", "plumbing-night", "add")}
    change = next(c for c in body["changes"] if c["id"] == "plumbing-duty")
    assert change["fields"] == [{"field": "backup_id", "before": "赵师傅", "after": "陈班长"}]
    d = (await e.client.get("/v1/directory", headers=admin)).json()
    assert (
        next(p for p in d["posts"] if p["id"] == "plumbing-duty")["backup_id"] == "plumber-backup"
    )

    before = len(await e.outbox("DirectoryUpdated"))
    r = await e.client.post(
        "/v1/directory/sheet?dry_run=false", content=saved(book), headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["applied"] is True and r.json()["version"] == d["version"] + 1
    d = (await e.client.get("/v1/directory", headers=admin)).json()
    assert next(p for p in d["posts"] if p["id"] == "plumbing-duty")["backup_id"] == "plumbing-lead"
    assert any(p["id"] == "plumbing-night" for p in d["posts"])
    assert len(await e.outbox("DirectoryUpdated")) == before + 1


async def test_only_admins_import_and_garbage_is_unreadable(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.post(
        "/v1/directory/sheet",
        content=b"x",
        headers={**e.as_user("supervisor"), "Content-Type": XLSX},
    )
    assert r.status_code == 403
    r = await e.client.post(
        "/v1/directory/sheet", content=b"PK\x03\x04junk", headers={**e.as_user("admin")}
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/directory-unreadable")


async def test_the_official_calendar_of_a_year(tickets_env: Env) -> None:
    e = tickets_env
    r = await e.client.get("/v1/directory/calendar/official?year=2026", headers=e.as_user("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["known"] is True
    assert {"day": "2026-10-01", "name": "国庆节", "name_en": "National Day"} in body["holidays"]
    assert "2026-10-10" in [d["day"] for d in body["workdays"]]  # a Saturday worked (调休)
    r = await e.client.get("/v1/directory/calendar/official?year=1900", headers=e.as_user("admin"))
    assert r.status_code == 422
