"""评优推荐与审批 on a desktop (zh-CN, issue 18): a leader gives a campaign seed 002's award
kinds from the page; the head of maintenance nominates a plumber for 优秀个人 (deeds left out
are asked for in words beside the field, the choices kept); the plumbing team lead signs the
first step; the head returns the form (a return without a reason is refused in words), then
resubmits it; the filled recommendation form downloads as PDF. axe: 0 serious or critical on
every screen."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from browser_support import DESKTOP, Console
from playwright.sync_api import Page, expect
from test_accessibility import check

pytestmark = pytest.mark.infra


def campaign(console: Console) -> dict[str, Any]:
    start = date.today() - timedelta(days=21)
    body = {
        "name": f"评优推荐测试 {uuid.uuid4().hex[:6]}",
        "period_start": str(start),
        "period_end": str(start + timedelta(days=30)),
        "departments": ["catering", "property", "maintenance", "clinic"],
        "rules": {"min_samples": {"satisfaction": 0, "inspections": 0, "tickets": 0}},
    }
    found = dict(console.api("scoring", "POST", "/v1/campaigns", "leader", json=body).json())
    console.api("scoring", "POST", f"/v1/campaigns/{found['id']}/recompute", "leader")
    return found


@pytest.fixture
def desk(console: Console) -> Iterator[Any]:
    ctx = console.context(DESKTOP)
    yield ctx
    ctx.close()


def signed_in(console: Console, desk: Any, user: str, path: str) -> Page:
    page: Page = desk.new_page()
    console.sign_in(page, user, path)
    return page


def test_a_department_nominates_and_the_form_goes_through_its_sign_offs(
    console: Console, desk: Any
) -> None:
    cid = campaign(console)["id"]
    leader = signed_in(console, desk, "leader", f"/lead/awards/{cid}")
    expect(leader.locator("h1")).to_have_text("评优推荐与审批")
    check(leader, "lead-awards-empty")
    leader.get_by_role("button", name="使用该评优办法").click()
    leader.wait_for_url(f"**/lead/awards/{cid}")
    expect(leader.locator("table.lead-table")).to_contain_text("优秀个人")
    leader.context.clear_cookies()

    head = signed_in(console, desk, "maintenance-head", f"/lead/awards/{cid}")
    head.locator("#kind").select_option(label="优秀个人（人员）")
    head.locator("#unit").select_option(value="staff:plumber")
    head.get_by_role("button", name="提交推荐表").click()
    expect(head.locator("#err-deeds")).to_have_text("请填写主要事迹，不超过 4000 字。")
    expect(head.locator("#unit")).to_have_value("staff:plumber")
    check(head, "lead-awards-nominate-error")
    head.locator("#deeds").fill("全年维修及时率第一，寒假坚守岗位抢修管道 12 次。")
    head.get_by_role("button", name="提交推荐表").click()
    head.wait_for_url("**done=nominated")
    card = head.locator("article.nomination", has_text="张师傅")
    expect(card).to_contain_text("审批中：班组长签字")
    check(head, "lead-awards-nominated")
    head.context.clear_cookies()

    lead = signed_in(console, desk, "plumbing-lead", f"/lead/awards/{cid}")
    card = lead.locator("article.nomination", has_text="张师傅")
    card.get_by_role("button", name="签署").click()
    expect(lead.locator("article.nomination", has_text="张师傅")).to_contain_text(
        "审批中：科室意见"
    )
    lead.context.clear_cookies()

    head = signed_in(console, desk, "maintenance-head", f"/lead/awards/{cid}")
    card = head.locator("article.nomination", has_text="张师傅")
    card.get_by_label("退回修改（请写明原因）").check()
    card.get_by_role("button", name="签署").click()
    card = head.locator("article.nomination", has_text="张师傅")
    expect(card.locator(".field-error")).to_have_text("退回推荐表时请写明需要修改的内容")
    check(head, "lead-awards-return-error")
    card.get_by_label("退回修改（请写明原因）").check()
    card.get_by_label("意见", exact=True).fill("请补充抢修的具体时间")
    card.get_by_role("button", name="签署").click()
    card = head.locator("article.nomination", has_text="张师傅")
    expect(card).to_contain_text("已退回")
    expect(card).to_contain_text("请补充抢修的具体时间")
    card.get_by_role("button", name="修改后重新提交").click()
    card = head.locator("article.nomination", has_text="张师傅")
    expect(card).to_contain_text("审批中：班组长签字")
    check(head, "lead-awards-resubmitted")
    href = card.get_by_role("link", name="推荐表（PDF，可打印）").get_attribute("href")
    got = head.request.get(str(href))  # with the page's session
    assert got.ok and got.headers["content-type"] == "application/pdf"
    assert got.body().startswith(b"%PDF-") and b"/Width 1240" in got.body()
