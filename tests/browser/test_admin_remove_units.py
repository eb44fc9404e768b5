"""An admin removes a team and then its department once nothing names them, on their pages;
a team and a department still in use are refused in words on their page (issue 17). axe on the
refusal."""

from __future__ import annotations

import uuid

import pytest
from browser_support import DESKTOP, Console
from playwright.sync_api import expect
from test_accessibility import check

pytestmark = pytest.mark.infra


def test_an_admin_removes_only_what_nothing_names(console: Console) -> None:
    tag = uuid.uuid4().hex[:6]
    doc = {"departments": [{"id": f"greenhouse-{tag}", "name": f"温室管理科{tag}"}],
           "teams": [{"id": f"greenhouse-team-{tag}", "department_id": f"greenhouse-{tag}",
                      "name": f"温室组{tag}"}]}  # fmt: skip
    console.api("tickets", "PUT", "/v1/directory", "admin", json=doc)
    ctx = console.context(DESKTOP)
    try:
        page = ctx.new_page()
        console.sign_in(page, "admin", "/admin/directory/teams/plumbers")
        page.get_by_role("button", name="删除该班组").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "仍有人员、岗位、责任区域或工单属于该班组"
        )
        check(page, "team removal refused")
        page.goto(f"/admin/directory/departments/greenhouse-{tag}")
        page.get_by_role("button", name="删除该科室").click()
        expect(page.get_by_role("alert")).to_contain_text("仍有班组、人员、服务或工单属于该科室")
        page.goto(f"/admin/directory/teams/greenhouse-team-{tag}")
        page.get_by_role("button", name="删除该班组").click()
        expect(page.get_by_role("status")).to_have_text("班组已删除。")
        expect(page.locator("main")).not_to_contain_text(f"温室组{tag}")
        page.goto(f"/admin/directory/departments/greenhouse-{tag}")
        page.get_by_role("button", name="删除该科室").click()
        expect(page.get_by_role("status")).to_have_text("科室已删除。")
        expect(page.locator("main")).not_to_contain_text(f"温室管理科{tag}")
    finally:
        ctx.close()
    found = console.api("tickets", "GET", "/v1/directory", "admin").json()
    assert all(t["id"] != f"greenhouse-team-{tag}" for t in found["teams"])
    assert any(t["id"] == "plumbers" for t in found["teams"])
