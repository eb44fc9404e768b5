"""满意度测评, 我为你投一票 and 接待日 for quality supervisors (issue 17), in a real browser (desktop,
zh-CN) against the whole platform: a supervisor makes a survey, sends it, and the student opens
the link from their inbox (feedback -> Kafka -> notify -> inbox) and answers it on the page,
then the supervisor closes it; a ballot is set up, voted in and closed; a reception day is
scheduled and what is raised at it logged, one answered on the spot. Refusals are shown beside
the field with what was typed kept; axe finds no serious or critical violation on any screen."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import DESKTOP, Console
from helpers import eventually
from playwright.sync_api import Page, expect
from test_accessibility import check

pytestmark = pytest.mark.infra
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def supervisor(console: Console) -> Iterator[Page]:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "supervisor", "/manage")
    yield page
    ctx.close()


def today() -> date:
    return datetime.now(UTC).astimezone(ZONE).date()


def test_a_survey_is_made_sent_answered_from_the_inbox_and_closed(
    console: Console, supervisor: Page
) -> None:
    title = f"后勤满意度测评 {uuid.uuid4().hex[:6]}"
    page = supervisor
    page.goto("/manage")
    page.get_by_role("link", name="满意度测评").first.click()
    page.get_by_role("link", name="发起测评").click()
    page.locator("#period_start").fill(str(today()))
    page.locator("#period_end").fill(str(today() + timedelta(days=10)))
    page.get_by_label("水工组、仓管").check()
    page.get_by_label("电工组").check()
    page.get_by_role("button", name="创建测评").click()
    expect(page.locator("#err-title")).to_have_text("请填写测评名称。")  # beside the field
    expect(page.locator("#period_end")).to_have_value(str(today() + timedelta(days=10)))
    expect(page.get_by_label("电工组")).to_be_checked()  # what was typed is kept
    page.locator("#title").fill(title)
    page.get_by_role("button", name="创建测评").click()
    expect(page.get_by_role("status")).to_contain_text("测评已创建")
    expect(page.locator("h1")).to_have_text(title)

    page.locator("#accounts").fill("student\n李同学\n")
    page.get_by_role("button", name="发送测评链接").click()
    expect(page.locator("#err-accounts")).to_contain_text("不是有效账号")
    expect(page.locator("#accounts")).to_have_value("student\n李同学\n")
    page.locator("#accounts").fill("student\nteacher")
    page.get_by_role("button", name="发送测评链接").click()
    expect(page.get_by_role("status")).to_contain_text("已发送给 2 人")
    page.locator("#accounts").fill("student")
    page.get_by_role("button", name="发送测评链接").click()
    expect(page.get_by_role("status")).to_contain_text("1 人此前已收到链接")

    ctx = console.context(DESKTOP)
    student = ctx.new_page()
    console.sign_in(student, "student", "/inbox")

    def invitation() -> bool:
        student.goto("/inbox")
        return student.locator("li", has_text=title).count() > 0

    eventually(invitation, "the invitation in the student's inbox", timeout_s=60)
    message = student.locator("li", has_text=title)
    expect(message).to_contain_text("满意度测评邀请")
    message.get_by_role("link", name="填写测评").click()
    student.wait_for_url("**/surveys/**?t=**")
    expect(student.locator("h1")).to_have_text(title)
    for radio in student.get_by_role("radiogroup").all():
        radio.get_by_role("radio").nth(3).check()  # 4 of 5 for every question of both teams
    student.get_by_role("button", name="提交").click()
    expect(student.locator("main")).to_contain_text("感谢参与")
    ctx.close()

    page.reload()
    expect(page.locator(".sv-facts")).to_contain_text("1")
    expect(page.get_by_role("row", name="水工组、仓管")).to_contain_text("75.0")
    page.get_by_role("button", name="立即结束测评").click()
    expect(page.get_by_role("status")).to_contain_text("测评已结束")
    page.get_by_role("link", name="满意度测评").first.click()
    expect(page.get_by_role("row", name=title)).to_contain_text("已结束")


def test_a_ballot_is_set_up_voted_in_and_closed(console: Console, supervisor: Page) -> None:
    title = f"最满意服务窗口 {uuid.uuid4().hex[:6]}"
    page = supervisor
    page.goto("/supervise/ballots/new")
    page.locator("#title").fill(title)
    opens = page.locator("#opens_at").input_value()
    page.locator("#closes_at").fill(opens)  # closes when it opens: refused beside the field
    page.get_by_label("水工组、仓管").check()
    page.get_by_role("button", name="创建投票").click()
    expect(page.locator("#err-closes_at")).to_have_text("投票截止时间须晚于开始时间。")
    expect(page.locator("#err-units")).to_contain_text("至少勾选两个")
    expect(page.locator("#title")).to_have_value(title)
    expect(page.get_by_label("水工组、仓管")).to_be_checked()
    later = datetime.fromisoformat(opens) + timedelta(days=3)
    page.locator("#closes_at").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("电工组").check()
    page.get_by_role("button", name="创建投票").click()
    expect(page.get_by_role("status")).to_contain_text("投票已创建")
    ballot_id = page.url.split("/supervise/ballots/")[1].split("?")[0]

    vote = {"unit_type": "team", "unit_id": "electricians"}
    console.api("feedback", "POST", f"/v1/ballots/{ballot_id}/votes", "student", json=vote)
    page.reload()
    expect(page.get_by_role("row", name="电工组")).to_contain_text("1")
    expect(page.get_by_role("heading", name="票数（共 1 票）")).to_be_visible()
    page.get_by_role("button", name="立即结束投票").click()
    expect(page.get_by_role("status")).to_contain_text("投票已结束")
    late = console.api("feedback", "POST", f"/v1/ballots/{ballot_id}/votes", "teacher",
                       json=vote, check=False)  # fmt: skip
    assert late.status_code == 409 and late.json()["type"].endswith("/voting-closed")
    page.get_by_role("link", name="我为你投一票").first.click()
    expect(page.get_by_role("row", name=title)).to_contain_text("已结束")


def test_a_reception_day_is_scheduled_and_what_is_raised_logged(
    console: Console, supervisor: Page
) -> None:
    place = f"北区食堂二楼 {uuid.uuid4().hex[:4]}"
    page = supervisor
    page.goto("/supervise/reception")
    page.locator("#held_on").fill(str(today() + timedelta(days=1)))
    page.locator("#leaders").fill("王处长\n李副处长")
    page.get_by_role("button", name="安排").click()
    expect(page.locator("#err-place")).to_have_text("请填写接待地点。")
    expect(page.locator("#leaders")).to_have_value("王处长\n李副处长")
    page.locator("#place").fill(place)
    page.get_by_role("button", name="安排").click()
    expect(page.get_by_role("status")).to_contain_text("接待日已安排")
    expect(page.locator("h1")).to_contain_text(place)
    expect(page.locator(".lead")).to_contain_text("王处长、李副处长")

    page.locator("#kind").select_option("suggestion")
    page.locator("#category").select_option("plumbing")
    page.locator("#description").fill("希望延长晚间热水供应时间")
    page.locator("#answer").fill("下周一起热水供应延长到23点")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#err-place")).to_have_text("请填写问题所在地点。")
    expect(page.locator("#description")).to_have_value("希望延长晚间热水供应时间")
    page.locator("#report-place").fill("北区7号楼")
    page.get_by_role("button", name="登记").click()
    done = page.locator(".sv-done")
    expect(done).to_contain_text("已登记，编号 FK")
    expect(done).to_contain_text("已现场答复并办结")
    row = page.get_by_role("row", name="希望延长晚间热水供应时间")
    expect(row).to_contain_text("现场答复")
    expect(row).to_contain_text("下周一起热水供应延长到23点")
    expect(row).to_contain_text("建议")

    page.locator("#kind").select_option("repair")
    page.locator("#category").select_option("plumbing")
    page.locator("#report-place").fill("北区7号楼312")
    page.locator("#description").fill("宿舍卫生间水龙头一直滴水")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".sv-done")).to_contain_text("已按常规流程转交责任班组办理")
    expect(page.get_by_role("heading", name="本场反映的问题（2 条）")).to_be_visible()


@pytest.fixture(scope="module")
def made(console: Console) -> dict[str, Any]:
    """One survey, ballot and reception day made through the APIs, for the screens below."""
    day = today()
    survey = console.api("feedback", "POST", "/v1/surveys", "supervisor", json={
        "title": "屏幕检查测评", "period_start": str(day), "period_end": str(day + timedelta(days=5)),
        "questions": [{"id": "q1", "text": "服务态度是否热情周到？"}],
        "units": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"}],
    }).json()  # fmt: skip
    now = datetime.now(UTC)
    ballot = console.api("feedback", "POST", "/v1/ballots", "supervisor", json={
        "title": "屏幕检查投票", "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=2)).isoformat(),
        "options": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"},
                    {"unit_type": "team", "unit_id": "electricians", "label": "电工组"}],
    }).json()  # fmt: skip
    session = console.api("feedback", "POST", "/v1/reception-days", "supervisor", json={
        "held_on": str(day), "place": "南区食堂", "leaders": ["王处长"],
    }).json()  # fmt: skip
    return {"survey": survey["survey_id"], "ballot": ballot["id"], "session": session["id"]}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize(
    "screen",
    ["/manage", "/supervise/surveys", "/supervise/surveys/new", "/supervise/surveys/{survey}",
     "/supervise/ballots", "/supervise/ballots/new", "/supervise/ballots/{ballot}",
     "/supervise/reception", "/supervise/reception/{session}"],
)  # fmt: skip
def test_every_screen_passes_axe(
    console: Console, made: dict[str, Any], screen: str, lang: str
) -> None:
    ctx = console.context(DESKTOP, locale=lang)
    page = ctx.new_page()
    try:
        console.sign_in(page, "supervisor", "/manage")
        page.goto(screen.format(**made))
        expect(page.locator("h1")).to_be_visible()
        if lang == "en":
            expect(page.locator("html")).to_have_attribute("lang", "en")
        check(page, f"{screen} {lang}")
    finally:
        ctx.close()
