"""A leader on a desktop (zh-CN): edits a campaign (a wrong weight is said in words beside the
field and what was typed stays), enters a department's work mark, reads a team's explanation
(each component, the composite written out, why another team is not ranked; the facts behind a
component opened on demand), sees the charts drawn by ECharts, publishes the awards; the public
board then shows them, and the XLSX report downloads and opens (read back with openpyxl). axe: 0
serious or critical on every screen."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from browser_support import DESKTOP, Console
from playwright.sync_api import Page, expect
from test_accessibility import check

pytestmark = pytest.mark.infra
PLUMBERS = "水工组、仓管"  # the demo's plumbing team (deploy/demo/directory.yaml)


@pytest.fixture
def leader(console: Console) -> Iterator[Page]:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "leader", "/lead")
    yield page
    ctx.close()


def new_campaign(console: Console) -> dict[str, Any]:
    """A campaign of its own (publication freezes it), over the demo's days."""
    start = date.today() - timedelta(days=21)
    body = {
        "name": f"测试评优 {uuid.uuid4().hex[:6]}",
        "period_start": str(start),
        "period_end": str(start + timedelta(days=30)),
        "departments": ["catering", "property", "maintenance", "clinic"],
        "rules": {"min_samples": {"satisfaction": 1, "inspections": 0, "tickets": 0}},
    }
    return dict(console.api("scoring", "POST", "/v1/campaigns", "leader", json=body).json())


def test_a_leader_sets_marks_reads_explanations_and_publishes_awards(
    console: Console, leader: Page
) -> None:
    campaign = new_campaign(console)
    cid, name = campaign["id"], campaign["name"]
    page = leader
    page.goto("/lead")
    check(page, "lead-campaigns")
    page.get_by_role("link", name=name).click()
    page.wait_for_url(f"**/lead/campaigns/{cid}")

    # edit: weights that do not add up are refused in words, beside the field, kept as typed
    page.goto(f"/lead/campaigns/{cid}/edit")
    check(page, "lead-campaign-edit")
    page.locator("#w_work").fill("50")
    page.locator("#name").fill(name + " 修订")
    page.get_by_role("button", name="保存考核活动").click()
    expect(page.locator("#err-weights")).to_have_text("三项权重之和须为 100，现在是 110")
    expect(page.locator("#w_work")).to_have_value("50")
    expect(page.locator("#name")).to_have_value(name + " 修订")
    check(page, "lead-campaign-error")
    page.locator("#w_inspection").fill("20")
    page.get_by_role("button", name="保存考核活动").click()
    page.wait_for_url(f"**/lead/campaigns/{cid}?saved=1")
    expect(page.locator(".lead-campaign strong")).to_have_text(name + " 修订")
    saved = console.api("scoring", "GET", f"/v1/campaigns/{cid}", "leader").json()
    assert saved["rules"]["weights"] == {"work": 50, "inspection": 20, "satisfaction": 30}

    # the 40% (here 50%) department work mark, with its reason
    page.goto(f"/lead/campaigns/{cid}/marks")
    page.locator("#unit-maintenance").wait_for()
    check(page, "lead-marks")
    page.locator("#mark-maintenance").fill("120")
    page.locator("#why-maintenance").fill("维修及时，技能比赛获奖")
    page.locator("#unit-maintenance button").click()
    expect(page.locator("#err-mark-maintenance")).to_have_text("请填写 0 到 100 之间的分数")
    expect(page.locator("#why-maintenance")).to_have_value("维修及时，技能比赛获奖")
    page.locator("#mark-maintenance").fill("88")
    page.locator("#unit-maintenance button").click()
    page.wait_for_url("**/marks?saved=maintenance**")
    expect(page.locator("#unit-maintenance td").first).to_have_text("88")

    # the teams' ranking: the plumbers ranked once the worker has scored the mark
    def plumbers_ranked() -> bool:
        page.goto(f"/lead/campaigns/{cid}?unit_type=team")
        row = page.locator("tr", has=page.get_by_role("link", name=PLUMBERS))
        return row.locator("td").first.inner_text().strip().isdigit()

    for _ in range(60):
        if plumbers_ranked():
            break
        page.wait_for_timeout(1000)
    else:
        raise AssertionError("the plumbers were never ranked")
    check(page, "lead-rankings-teams")
    canteen = page.locator("tr", has=page.get_by_role("link", name="食堂管理组"))
    expect(canteen.locator(".reasons")).to_contain_text("领导小组尚未录入部门工作成绩")

    # a team's explanation: each component, its inputs, the composite written out
    page.get_by_role("link", name=PLUMBERS).click()
    page.wait_for_url(f"**/lead/campaigns/{cid}/units/team/plumbers")
    expect(page.locator("h1")).to_contain_text(PLUMBERS)
    expect(page.locator(".verdict")).to_contain_text("综合得分 = 50% × 88.00 + 20% × 0.00 + 30% ×")
    components = page.locator("table.components")
    expect(components).to_contain_text("沿用部门「维修管理科」的评分")
    expect(components).to_contain_text("维修及时，技能比赛获奖")
    expect(components).to_contain_text("评价 ")
    expect(page.locator(".fact-group").first).to_contain_text("工单")
    check(page, "lead-explanation")
    # the facts behind a component, on demand: opening it lists the first page by htmx
    tickets = page.locator("#facts-tickets")
    tickets.locator("summary").click()
    expect(tickets.locator("table.facts-table thead")).to_contain_text("编号")
    expect(tickets.locator("table.facts-table tbody tr").first).to_be_visible()
    check(page, "lead-explanation-facts")

    # the charts: ECharts draws each figure in the browser
    page.goto(f"/lead/campaigns/{cid}/charts")
    for chart in ("on_time_rate", "pass_rate", "satisfaction"):
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-drawn", "1")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    check(page, "lead-charts")

    # publish the awards (公示)
    page.goto(f"/lead/campaigns/{cid}/publish")
    check(page, "lead-publish")
    expect(page.locator(".award-list").first).to_contain_text("维修管理科")
    page.get_by_role("button", name="公示结果").click()
    expect(page.locator("p.ok")).to_contain_text("已于")
    awards = console.api("scoring", "GET", f"/v1/campaigns/{cid}/awards", "student").json()
    assert ("organisation", "维修管理科") in {(a["award"], a["unit_name"]) for a in awards}

    # the XLSX downloads and opens
    page.goto(f"/lead/campaigns/{cid}")
    with page.expect_download(timeout=90_000) as got:  # a first XLSX is made in a worker
        page.get_by_role("link", name="下载 Excel（XLSX）").first.click()
    download = got.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row if c is not None}  # fmt: skip
    assert {"维修管理科", PLUMBERS} <= cells, sorted(cells)[:40]

    # the public board, signed out, shows the awards
    visitor = console.context(DESKTOP).new_page()
    visitor.goto("/board")
    section = visitor.locator(".published-campaign", has_text=name)
    expect(section.locator(".board-awards")).to_contain_text("维修管理科")
    expect(section.locator(".board-awards")).to_contain_text("优秀组织奖")
    expect(section).to_contain_text(PLUMBERS)
    expect(section).to_contain_text("整改进度")
    check(visitor, "board-published")
    visitor.context.close()
