"""Screenshots of the supervisors' 满意度测评, 我为你投一票 and 接待日 screens at desktop size
(issue 17): the lists, each form (the survey's refused without a title), a survey after it was
sent, a ballot with its votes, a reception day with what was raised and answered on the spot.
Called from console_screenshots_supervise.py's supervise_screens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from console_screenshots import Demo, Shooter
from console_screenshots_supervise import _api, _signed_in
from playwright.sync_api import Browser


def surveys_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    page = _signed_in(browser, demo, device, "supervisor")
    page.goto("/supervise/surveys/new")
    page.locator("#period_start").fill(today.isoformat())
    page.locator("#period_end").fill((today + timedelta(days=14)).isoformat())
    for team in ("水工组、仓管", "电工组", "木工组"):
        page.get_by_label(team).check()
    page.get_by_role("button", name="创建测评").click()
    shoot.shot(page, "sup-survey-new-error")
    page.locator("#title").fill("2026年冬季后勤服务满意度测评")
    page.get_by_role("button", name="创建测评").click()
    page.locator("#accounts").fill("student\nteacher")
    page.get_by_role("button", name="发送测评链接").click()
    page.get_by_role("status").wait_for()
    shoot.shot(page, "sup-survey")
    page.goto("/supervise/surveys")
    shoot.shot(page, "sup-surveys")

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    ballot = _api(demo, "feedback", "POST", "/v1/ballots", "supervisor", json={
        "title": "本学期最满意服务窗口", "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        "options": [{"unit_type": "team", "unit_id": "north-canteen-hot", "label": "北校区食堂红案组"},
                    {"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"},
                    {"unit_type": "team", "unit_id": "electricians", "label": "电工组"}],
    })  # fmt: skip
    for voter, team in (("student", "north-canteen-hot"), ("teacher", "plumbers")):
        _api(demo, "feedback", "POST", f"/v1/ballots/{ballot['id']}/votes", voter,
             json={"unit_type": "team", "unit_id": team})  # fmt: skip
    page.goto(f"/supervise/ballots/{ballot['id']}")
    shoot.shot(page, "sup-ballot")
    page.goto("/supervise/ballots/new")
    shoot.shot(page, "sup-ballot-new")
    page.goto("/supervise/ballots")
    shoot.shot(page, "sup-ballots")

    page.goto("/supervise/reception")
    page.locator("#held_on").fill((today + timedelta(days=2)).isoformat())
    page.locator("#place").fill("北校区第一食堂二楼")
    page.locator("#leaders").fill("分管副校长\n后勤处处长")
    page.get_by_role("button", name="安排").click()
    page.locator("#kind").select_option("suggestion")
    page.locator("#category").select_option("plumbing")
    page.locator("#report-place").fill("北校区学生公寓7号楼")
    page.locator("#description").fill("希望延长晚间热水供应时间")
    page.locator("#answer").fill("下周一起热水供应延长到23点")
    page.get_by_role("button", name="登记").click()
    page.locator(".sv-done").wait_for()
    shoot.shot(page, "sup-reception-session")
    page.goto("/supervise/reception")
    shoot.shot(page, "sup-reception")
    page.context.close()
