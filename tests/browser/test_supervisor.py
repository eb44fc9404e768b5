"""Quality supervisors at a desk (issue 17), in a real browser (desktop, zh-CN) against the
whole platform: an inspection's finding becomes a rectification, which is sent back, done again
and accepted; the 超时督办 board shows a ticket at level 2 and the supervisor chases it; a
department head cannot see another department's board; axe finds no serious or critical
violation on these screens."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import launcher
import pytest
from browser_support import DESKTOP, Console
from helpers import eventually
from playwright.sync_api import Page, expect
from test_accessibility import check

pytestmark = pytest.mark.infra

# The ticket's clock as if it had started 150 s ago under a one-minute accept limit, round the
# clock: the sweeper (every 10 s) fires the warning, level 1 (at 60 s) and level 2 (at 120 s).
LATE = """
UPDATE tickets.tickets SET
  policy = policy || '{"accept_s": 60, "calendar": "round_the_clock"}'::jsonb,
  clock_started_at = now() - interval '150 seconds', credit_s = 0,
  accept_due_at = now() - interval '90 seconds', esc_stage = NULL, esc_step = 0,
  next_check_at = now()
WHERE id = $1
"""


def admin_dsn(console: Console) -> str:
    return console.inst.admin_dsn or launcher.instance(console.inst.name).admin_dsn


def make_late(console: Console, ticket_id: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(admin_dsn(console))
        try:
            await conn.execute(LATE, uuid.UUID(ticket_id))
        finally:
            await conn.close()

    # Playwright's sync API keeps an event loop running in this thread: run in another one.
    worker = threading.Thread(target=asyncio.run, args=(run(),))
    worker.start()
    worker.join(timeout=30)


def late_ticket(console: Console, words: str) -> dict[str, Any]:
    """A student's plumbing report, its ticket made late until the board shows level 2."""
    room = f"5{uuid.uuid4().int % 20 + 1:02d}"
    body = {"kind": "repair", "category": "plumbing", "description": words,
            "location": {"campus": "north", "building": "north-dorm-7", "floor": "5",
                         "room": room}}  # fmt: skip
    report = console.api("feedback", "POST", "/v1/reports", "student", json=body).json()

    def routed() -> dict[str, Any] | None:
        r = console.api("tickets", "GET", f"/v1/tickets/by-report/{report['id']}", "supervisor",
                        check=False)  # fmt: skip
        return r.json() if r.status_code == 200 and r.json().get("assignee_id") else None

    ticket = eventually(routed, "the ticket routed to a plumber", timeout_s=30)
    make_late(console, ticket["id"])

    def at_level_2() -> dict[str, Any] | None:
        board = console.api("tickets", "GET", "/v1/overdue-board", "supervisor",
                            params={"level": 2, "limit": 200}).json()  # fmt: skip
        return next((x for x in board["items"] if x["id"] == ticket["id"]), None)

    eventually(at_level_2, "the ticket at level 2 on the board", timeout_s=60)
    return ticket


@pytest.fixture
def desk(console: Console) -> Any:
    ctx = console.context(DESKTOP)
    yield ctx.new_page()
    ctx.close()


def test_the_board_shows_a_ticket_at_level_2_and_the_supervisor_chases_it(
    console: Console, desk: Page
) -> None:
    t = late_ticket(console, f"水管漏水无人接单 {uuid.uuid4().hex[:6]}")
    console.sign_in(desk, "supervisor", "/manage")
    check(desk, "manage hub")
    desk.get_by_role("link", name="超时督办").first.click()
    desk.locator("#f-level").select_option("2")
    desk.get_by_role("button", name="查看").click()
    row = desk.locator(f"#t-{t['id']}")
    expect(row).to_contain_text("二级督办")
    expect(row).to_contain_text(t["tracking_no"])
    expect(row).to_contain_text("张师傅")  # the person by name, not their id
    expect(row).to_contain_text("水工组")
    check(desk, "overdue board")
    # an empty note is refused beside the field; a note is kept on the ticket
    row.get_by_role("button", name="督办").click()
    row = desk.locator(f"#t-{t['id']}")
    expect(row.locator(".field-error")).to_contain_text("督办要求")
    note = "请今天17:00前到场处理 on site by 17:00 today"
    row.locator("textarea").fill(note)
    row.get_by_role("button", name="督办").click()
    expect(desk.get_by_role("status")).to_contain_text("已督办")
    expect(desk.locator(f"#t-{t['id']}")).to_contain_text("上次督办")
    actions = console.api("tickets", "GET", f"/v1/tickets/{t['id']}/actions", "plumber").json()
    assert [a["note"] for a in actions if a["action"] == "chase"] == [note]
    # one click to the ticket
    desk.locator(f"#t-{t['id']} a[href='/work/tickets/{t['id']}']").click()
    desk.wait_for_url(f"**/work/tickets/{t['id']}")
    # the chase is sent: the worker's and the team lead's inboxes show the note, by name, with
    # the button to the ticket's page
    for who in (t["assignee_id"], "plumbing-lead"):
        ctx = console.context(DESKTOP)
        try:
            inbox = ctx.new_page()
            console.sign_in(inbox, who, "/inbox")
            message = chased_message(inbox, t["tracking_no"])
            expect(message).to_contain_text(note)
            expect(message).to_contain_text("质量监督小组督办工单")
            expect(message.get_by_role("link", name="打开工单")).to_have_attribute(
                "href", f"/work/tickets/{t['id']}"
            )
        finally:
            ctx.close()


def chased_message(inbox: Page, tracking_no: str) -> Any:
    """The inbox's message about a chase of this ticket, once notify has stored it."""
    message = inbox.locator("ul.messages li", has_text=f"督办：{tracking_no}")

    def shown() -> bool | None:
        inbox.reload()
        return message.count() > 0 or None

    eventually(shown, "the chase in the inbox", timeout_s=60, every_s=1)
    return message.first


def test_a_department_head_cannot_see_another_departments_board(
    console: Console, desk: Page
) -> None:
    console.sign_in(desk, "maintenance-head", "/supervise/overdue")
    expect(desk.get_by_role("heading", level=1)).to_have_text("超时督办")
    expect(desk.locator("#f-department")).to_have_count(0)  # their own department only
    response = desk.goto("/supervise/overdue?department=catering")
    assert response is not None and response.status == 403
    expect(desk.get_by_role("alert")).to_contain_text("超时清单仅供")
    check(desk, "overdue board refused")
    r = console.api("tickets", "GET", "/v1/overdue-board", "maintenance-head", check=False,
                    params={"department_id": "catering"})  # fmt: skip
    assert r.status_code == 403


def test_an_inspection_finding_is_rectified_sent_back_done_again_and_accepted(
    console: Console, desk: Page
) -> None:
    tag = uuid.uuid4().hex[:6]
    week = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=7)).date().isoformat()
    console.sign_in(desk, "supervisor", "/supervise/inspections/new")
    desk.locator("#template-pick").select_option("repair-service")
    desk.get_by_role("button", name="使用此检查表").click()
    expect(desk.get_by_role("heading", level=2).first).to_have_text("维修服务质量检查")
    desk.locator("#team").select_option("plumbers")
    desk.locator("#score-0").fill("18")
    desk.locator("#problem-0").fill(f"维修后现场未清理 site left dirty {tag}")
    desk.locator("#measures-0").fill("完工后清理现场并拍照")
    check(desk, "inspection form")
    desk.get_by_role("button", name="提交检查结果").click()
    # a finding without a deadline is refused beside its field, what was typed kept
    expect(desk.locator("#deadline-0 + .field-error, .field-error")).to_contain_text("整改期限")
    expect(desk.locator("#problem-0")).to_have_value(f"维修后现场未清理 site left dirty {tag}")
    expect(desk.locator("#score-0")).to_have_value("18")
    desk.locator("#deadline-0").fill(week)
    desk.get_by_role("button", name="提交检查结果").click()
    expect(desk.get_by_role("status")).to_contain_text("检查已录入")
    expect(desk.locator("h1")).to_contain_text("site left dirty")
    expect(desk.locator(".facts")).to_contain_text("水工组")
    item_id = desk.url.split("/supervise/rectifications/")[1].split("?")[0]
    check(desk, "rectification")

    def note(words: str) -> None:
        console.api("tickets", "POST", f"/v1/rectifications/{item_id}/notes", "plumbing-lead",
                    json={"note": words})  # fmt: skip

    note("已清理现场 cleaned up")
    desk.reload()
    expect(desk.locator(".sup-notes")).to_contain_text("已清理现场")
    expect(desk.locator(".sup-notes")).to_contain_text("陈班长")
    # sent back: the reason is asked for beside its field
    desk.get_by_label("否，退回重新整改").check()
    desk.get_by_role("button", name="提交验收结果").click()
    expect(desk.locator("#reason-err")).to_have_text("请写明仍存在的问题。")
    desk.locator("#reason").fill("墙角仍有积水 water still stands in the corner")
    desk.locator("#new_deadline").fill(week)
    desk.get_by_role("button", name="提交验收结果").click()
    expect(desk.get_by_role("status")).to_have_text("已退回，并给出新的整改期限。")
    expect(desk.locator("#item-status")).to_contain_text("已退回 1 次")
    note("积水已排除 the water is gone")
    desk.reload()
    expect(desk.locator(".sup-notes")).to_contain_text("积水已排除")
    desk.get_by_label("是，验收通过").check()
    desk.get_by_role("button", name="提交验收结果").click()
    expect(desk.get_by_role("status")).to_have_text("已验收通过。")
    expect(desk.locator("#item-status")).to_have_text("已验收")
    got = console.api("tickets", "GET", f"/v1/rectifications/{item_id}", "supervisor").json()
    assert (got["status"], got["round"], got["origin"]) == ("accepted", 1, "inspection")
    assert [n["kind"] for n in got["notes"]] == ["progress", "rejected", "progress", "accepted"]
    desk.goto("/supervise/rectifications?status=accepted")
    expect(desk.locator(f"a[href='/supervise/rectifications/{item_id}']")).to_be_visible()
    check(desk, "rectifications list")


def new_survey(console: Console, user: str = "student") -> tuple[str, str]:
    """A survey of two teams with two questions; the person's personal link token."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    body = {
        "title": f"后勤服务满意度测评 {uuid.uuid4().hex[:4]}",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=14)).isoformat(),
        "questions": [
            {"id": "timely", "text": "维修是否及时"},
            {"id": "manner", "text": "服务态度是否满意"},
        ],
        "units": [
            {"unit_type": "team", "unit_id": "plumbers", "label": "水工组"},
            {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
        ],
        "audience": [user],
    }
    made = console.api("feedback", "POST", "/v1/surveys", "supervisor", json=body).json()
    return str(made["survey_id"]), str(made["tokens"][user])


def test_a_survey_is_answered_on_its_page(console: Console, desk: Page) -> None:
    survey_id, token = new_survey(console)
    desk.goto(f"/surveys/{survey_id}?t={token}")  # the link sent: no sign-in needed
    expect(desk.get_by_role("heading", level=1)).to_contain_text("后勤服务满意度测评")
    check(desk, "survey")
    plumbers = desk.locator("fieldset", has_text="水工组")
    plumbers.get_by_label("水工组 · 维修是否及时: 4").check()
    desk.get_by_role("button", name="提交测评").click()
    # half answered: said beside the unit, what was chosen kept
    plumbers = desk.locator("fieldset", has_text="水工组")
    expect(plumbers.locator(".field-error")).to_have_text("请答完这一项的全部问题，或全部不答。")
    expect(plumbers.get_by_label("水工组 · 维修是否及时: 4")).to_be_checked()
    plumbers.get_by_label("水工组 · 服务态度是否满意: 5").check()
    desk.get_by_role("button", name="提交测评").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("感谢参与，测评已提交。")
    check(desk, "survey answered")
    got = console.api("feedback", "GET", f"/v1/surveys/{survey_id}", "supervisor").json()
    assert (got["issued"], got["answered"]) == (1, 1)
    assert [(r["unit_id"], r["score"]) for r in got["results"]] == [("plumbers", 87.5)]
    # the link is spent: opening it again says so in words
    desk.goto(f"/surveys/{survey_id}?t={token}")
    expect(desk.get_by_role("alert")).to_contain_text("已经使用过")


def test_a_recurring_problem_is_acknowledged(console: Console, desk: Page) -> None:
    room = f"6{uuid.uuid4().int % 20 + 1:02d}"
    place = {"campus": "north", "building": "north-dorm-7", "floor": "6", "room": room}
    for i in range(3):  # the default rule: three times in 30 days at one place
        body = {"kind": "repair", "category": "plumbing", "location": place,
                "description": f"水管又漏了 leaking again ({i + 1}) {uuid.uuid4().hex[:4]}"}  # fmt: skip
        console.api("feedback", "POST", "/v1/reports", "teacher", json=body)

    def found() -> dict[str, Any] | None:
        items = console.api("tickets", "GET", "/v1/recurring-problems", "supervisor",
                            params={"open_only": "true", "limit": 200}).json()  # fmt: skip
        return next((x for x in items if x["problem_id"].endswith(f"/6/{room}")), None)

    problem = eventually(found, "the recurring problem detected", timeout_s=60)
    console.sign_in(desk, "supervisor", "/supervise/recurring")
    row = desk.locator("tr", has_text=f"北校区学生公寓7号楼 {room}")
    expect(row).to_contain_text("水工组")
    check(desk, "recurring problems")
    row.get_by_role("button", name="确认").click()
    row = desk.locator("tr", has_text=f"北校区学生公寓7号楼 {room}")
    expect(row.locator(".field-error")).to_have_text("请说明正在采取的措施。")
    row.locator("textarea").fill("更换6楼整段老化水管，本周五完成")
    row.get_by_role("button", name="确认").click()
    expect(desk.get_by_role("status")).to_have_text("已确认并记录措施。")
    got = console.api("tickets", "GET", "/v1/recurring-problems", "supervisor").json()
    mine = next(x for x in got if x["problem_id"] == problem["problem_id"])
    assert (mine["acknowledged_by"], mine["acknowledgement"]) == (
        "supervisor",
        "更换6楼整段老化水管，本周五完成",
    )


def incident_row(desk: Page, tag: str) -> Any:
    desk.goto("/supervise/incidents")
    return desk.locator("#incidents tbody tr", has_text=tag)


def test_an_incident_is_recorded_verified_appealed_and_overturned(
    console: Console, desk: Page
) -> None:
    tag = uuid.uuid4().hex[:6]
    summary = f"维修人员与学生发生争执，经查属实 {tag}"
    console.sign_in(desk, "supervisor", "/manage")
    desk.get_by_role("link", name="事故与一票否决").first.click()
    desk.get_by_role("link", name="登记经查属实的事故").click()
    desk.get_by_label("服务质量事故").check()
    desk.locator("#unit").select_option("team:plumbers")
    now = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=2)
    desk.locator("#occurred_at").fill(now.strftime("%Y-%m-%dT%H:%M"))
    desk.locator("#summary").fill(summary)
    desk.locator("#evidence").fill("学生投诉录音\n宿管值班记录")
    check(desk, "incident form")
    # not yet verified: refused beside the box, what was typed kept
    desk.get_by_role("button", name="登记事故").click()
    expect(desk.locator("#verified-err")).to_have_text("经查属实后才能登记，请勾选确认。")
    expect(desk.locator("#summary")).to_have_value(summary)
    expect(desk.locator("#unit")).to_have_value("team:plumbers")
    check(desk, "incident form refused")
    desk.get_by_label("经调查核实，情况属实").check()
    desk.get_by_role("button", name="登记事故").click()
    expect(desk.get_by_role("status")).to_have_text("事故已登记：该单位本期评优一票否决。")
    expect(desk.locator("h1")).to_have_text("服务质量事故：水工组、仓管")
    expect(desk.locator("#incident-state")).to_have_text("已核实 · 一票否决")
    incident_id = desk.url.split("/supervise/incidents/")[1].split("?")[0]
    check(desk, "incident")
    expect(incident_row(desk, tag)).to_contain_text("已核实 · 一票否决")
    check(desk, "incidents list")
    # the department head appeals, on the page: an empty reason is refused beside the field
    head = console.context(DESKTOP)
    try:
        page = head.new_page()
        console.sign_in(page, "maintenance-head", f"/supervise/incidents/{incident_id}")
        page.get_by_role("button", name="提交申诉").click()
        expect(page.locator("#appeal-err")).to_have_text("请写明申诉理由。")
        page.locator("#appeal_reason").fill("当事学生已撤回投诉，录音显示双方均有过激言语")
        page.get_by_role("button", name="提交申诉").click()
        expect(page.get_by_role("status")).to_have_text("申诉已提交，由质量监督人员或领导裁定。")
        expect(page.locator("#incident-history")).to_contain_text("刘科长")
        page.goto("/supervise/incidents")
        expect(page.locator("#incidents tbody tr", has_text=tag)).to_contain_text("申诉中")
    finally:
        head.close()
    expect(incident_row(desk, tag)).to_contain_text("申诉中 · 否决暂仍有效")
    # the supervisor overturns it: the veto is lifted
    incident_row(desk, tag).get_by_role("link").click()
    expect(desk.locator("#incident-history")).to_contain_text("当事学生已撤回投诉")
    check(desk, "incident under appeal")
    desk.locator("#overturn_reason").fill("复核录音，双方均有责任，不构成服务质量事故")
    desk.get_by_role("button", name="撤销认定并解除否决").click()
    expect(desk.get_by_role("status")).to_have_text("已撤销认定，一票否决解除。")
    expect(desk.locator("#incident-state")).to_have_text("申诉成立 · 已撤销否决")
    expect(incident_row(desk, tag)).to_contain_text("申诉成立 · 已撤销否决")
    desk.goto("/supervise/incidents?state=overturned")
    expect(desk.locator("#incidents tbody tr", has_text=tag)).to_have_count(1)
    got = console.api("tickets", "GET", "/v1/incidents", "supervisor").json()
    mine = next(x for x in got if x["id"] == incident_id)
    assert (mine["status"], mine["unit_id"], mine["appealed_by"]) == (
        "overturned", "plumbers", "maintenance-head",
    )  # fmt: skip


def test_an_upheld_appeal_reads_as_such(console: Console, desk: Page) -> None:
    tag = uuid.uuid4().hex[:6]
    occurred = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    body = {"kind": "safety", "unit_type": "team", "unit_id": "plumbers", "occurred_at": occurred,
            "summary": f"配电间未上锁 {tag}", "evidence": ["检查照片"]}  # fmt: skip
    made = console.api("tickets", "POST", "/v1/incidents", "supervisor", json=body).json()
    console.api("tickets", "POST", f"/v1/incidents/{made['id']}/appeal", "plumbing-lead",
                json={"reason": "已整改"})  # fmt: skip
    console.sign_in(desk, "leader", f"/supervise/incidents/{made['id']}")
    desk.get_by_role("button", name="维持认定").click()
    expect(desk.locator("#uphold-err")).to_have_text("请写明维持认定的理由。")
    desk.locator("#uphold_reason").fill("事故发生时确未上锁，整改不改变事实")
    desk.get_by_role("button", name="维持认定").click()
    expect(desk.locator("#incident-state")).to_have_text("申诉驳回 · 维持认定")
    expect(incident_row(desk, tag)).to_contain_text("安全事故")
    expect(incident_row(desk, tag)).to_contain_text("申诉驳回 · 维持认定")


def test_a_department_head_sees_only_their_departments_incidents(
    console: Console, desk: Page
) -> None:
    tag = uuid.uuid4().hex[:6]
    occurred = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    body = {"kind": "service_quality", "unit_type": "team", "unit_id": "north-canteen-hot",
            "occurred_at": occurred, "summary": f"饭菜中发现异物 {tag}",
            "evidence": ["学生照片"]}  # fmt: skip
    other = console.api("tickets", "POST", "/v1/incidents", "supervisor", json=body).json()
    console.sign_in(desk, "maintenance-head", "/supervise/incidents")
    expect(desk.get_by_role("heading", level=1)).to_have_text("事故与一票否决")
    expect(desk.locator("#incidents")).not_to_contain_text(tag)
    expect(desk.locator("main")).not_to_contain_text("北校区食堂红案组")
    expect(desk.get_by_role("link", name="登记经查属实的事故")).to_have_count(0)
    response = desk.goto(f"/supervise/incidents/{other['id']}")
    assert response is not None and response.status == 404
    expect(desk.locator("main")).not_to_contain_text(tag)
    response = desk.goto("/supervise/incidents/new")
    assert response is not None and response.status == 403


def anonymous_report(console: Console, words: str) -> dict[str, Any]:
    body = {"kind": "complaint", "category": "plumbing", "description": words, "anonymous": True,
            "contact": "13900001234",
            "location": {"campus": "north", "building": "north-dorm-7", "floor": "2",
                         "room": "201"}}  # fmt: skip
    return dict(console.api("feedback", "POST", "/v1/reports", "student", json=body).json())


def test_a_supervisor_unmasks_an_anonymous_reporter_with_a_reason(
    console: Console, desk: Page
) -> None:
    tag = uuid.uuid4().hex[:6]
    report = anonymous_report(console, f"维修师傅态度恶劣并威胁我 {tag}")
    console.sign_in(desk, "supervisor", "/manage")
    desk.get_by_role("link", name="查看匿名报告人").first.click()
    expect(desk.locator("#anonymous")).to_contain_text(report["tracking_no"])
    check(desk, "unmask")
    desk.locator("#no").fill("FK123")
    desk.get_by_role("button", name="查找报告").click()
    expect(desk.locator("#no-err")).to_have_text("编号格式如 FK20261204-0042。")
    expect(desk.locator("#no")).to_have_value("FK123")
    desk.locator("#no").fill(report["tracking_no"])
    desk.get_by_role("button", name="查找报告").click()
    expect(desk.locator("#found-h")).to_contain_text(report["tracking_no"])
    # the reason is required, said beside the field, and what was typed is kept
    desk.get_by_role("button", name="记录原因并查看报告人").click()
    expect(desk.locator("#reason-err")).to_have_text("请写明查看报告人身份的原因（将被记录）。")
    desk.locator("#reason").fill("涉及威胁")
    desk.get_by_role("button", name="记录原因并查看报告人").click()
    expect(desk.locator("#reason-err")).to_have_text("请写得具体些：至少 10 个字。")
    expect(desk.locator("#reason")).to_have_value("涉及威胁")
    check(desk, "unmask refused")
    assert unmaskings(console, report["id"]) == []  # nothing was seen, nothing recorded
    reason = f"投诉涉及对维修人员的人身威胁，需要当面核实情况 {tag}"
    desk.locator("#reason").fill(reason)
    desk.get_by_role("button", name="记录原因并查看报告人").click()
    expect(desk.locator("#revealed")).to_contain_text("student")
    expect(desk.locator("#revealed")).to_contain_text("13900001234")
    row = desk.locator("#audit tbody tr", has_text=tag)
    expect(row).to_contain_text(report["tracking_no"])
    expect(row).to_contain_text("质量监督小组")
    expect(row).to_contain_text(reason)
    check(desk, "unmasked")
    assert unmaskings(console, report["id"]) == [("supervisor", reason)]


def unmaskings(console: Console, report_id: str) -> list[tuple[str, str]]:
    """Who saw the report's reporter, and why (not notify's reads of who follows it)."""
    audit = console.api("feedback", "GET", "/v1/audit/unmaskings", "supervisor",
                        params={"report_id": report_id}).json()  # fmt: skip
    return [(a["supervisor_id"], a["reason"]) for a in audit if a["kind"] == "unmask"]


@pytest.mark.parametrize("user", ["maintenance-head", "leader"])
def test_only_a_supervisor_reaches_the_unmasking_page(
    console: Console, desk: Page, user: str
) -> None:
    console.sign_in(desk, user, "/manage")
    expect(desk.get_by_role("link", name="查看匿名报告人")).to_have_count(0)
    response = desk.goto("/supervise/unmask")
    assert response is not None and response.status == 403
    expect(desk.locator("#reason")).to_have_count(0)
    expect(desk.locator("#audit")).to_have_count(0)


SCREENS = [
    ("manage hub", "/manage"),
    ("overdue board", "/supervise/overdue"),
    ("overdue board, level 2", "/supervise/overdue?level=2"),
    ("rectifications", "/supervise/rectifications"),
    ("rectifications accepted", "/supervise/rectifications?status=accepted"),
    ("inspection form", "/supervise/inspections/new"),
    ("recurring problems", "/supervise/recurring"),
    ("recurring problems, all", "/supervise/recurring?show=all"),
    ("incidents", "/supervise/incidents"),
    ("incident form", "/supervise/incidents/new"),
    ("unmasking", "/supervise/unmask"),
]


@pytest.fixture(scope="module")
def supervisor(console: Console) -> Any:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "supervisor", "/manage")
    yield page
    ctx.close()


@pytest.mark.parametrize(("screen", "path"), SCREENS, ids=[s for s, _ in SCREENS])
def test_every_supervisor_screen_passes_axe(supervisor: Page, screen: str, path: str) -> None:
    response = supervisor.goto(path)
    assert response is not None and response.status == 200
    expect(supervisor.locator(".manage-page h1")).to_be_visible()
    check(supervisor, f"supervisor {screen}")


def test_the_case_pages_speak_english_to_an_english_reader(console: Console) -> None:
    ctx = console.context(DESKTOP, locale="en")
    try:
        page = ctx.new_page()
        console.sign_in(page, "supervisor", "/supervise/incidents/new")
        expect(page.get_by_role("heading", level=1)).to_have_text("Record a verified incident")
        page.get_by_role("button", name="Record the incident").click()
        expect(page.locator("#verified-err")).to_have_text(
            "Record it only once it is verified (经查属实)."
        )
        expect(page.locator("#unit-err")).to_have_text("Choose the team or department concerned.")
        page.goto("/supervise/unmask")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "See who filed an anonymous report"
        )
        expect(page.locator("#audit thead")).to_contain_text("Why")
        check(page, "unmasking, English")
    finally:
        ctx.close()
