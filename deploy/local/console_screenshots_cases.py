"""Screenshots of the case screens at desktop size (issue 17): 事故与一票否决 (the list, the form
refused, an incident under appeal), 查看匿名报告人 (the search, the reason refused, the reporter
revealed with the audit trail), the administrators' new department / team / person / post forms
(one refused beside its field), the responsibility map (/admin/area-map, whole and for one
building), and the facts behind a team's score, one page and the next; at phone size, a
student's 我为你投一票 (the open ballots, nothing chosen, voted).

    uv run python deploy/local/console_screenshots_cases.py [--instance demo] [--out docs/console]

Run alone, or from console_screenshots.py's desktop round."""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import launcher
from console_screenshots import CHROMIUM, DEVICES, ROOT, Demo, Shooter
from console_screenshots_supervise import _api
from playwright.sync_api import Browser, Page, sync_playwright


def _page(browser: Browser, demo: Demo, device: dict[str, Any], user: str, path: str) -> Page:
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto(f"/login?next={path}")
    page.locator(f"button[value='{user}']").click()
    page.wait_for_url(f"**{path}")
    return page


def incident_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """The list, the form refused (not yet verified), and an incident its team lead appealed."""
    occurred = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    body = {"kind": "service_quality", "unit_type": "team", "unit_id": "plumbers",
            "occurred_at": occurred, "summary": "维修人员与学生发生争执，经查属实",
            "evidence": ["学生投诉录音", "宿管值班记录"]}  # fmt: skip
    made = _api(demo, "tickets", "POST", "/v1/incidents", "supervisor", json=body)
    _api(demo, "tickets", "POST", f"/v1/incidents/{made['id']}/appeal", "maintenance-head",
         json={"reason": "当事学生已撤回投诉，录音显示双方均有过激言语"})  # fmt: skip
    page = _page(browser, demo, device, "supervisor", "/supervise/incidents")
    shoot.shot(page, "sup-incidents")
    page.goto("/supervise/incidents/new")
    page.get_by_label("服务质量事故").check()
    page.locator("#unit").select_option("team:plumbers")
    page.locator("#summary").fill("维修后未清理现场，学生滑倒受伤")
    page.get_by_role("button", name="登记事故").click()
    page.locator("#verified-err").wait_for()
    shoot.shot(page, "sup-incident-new-error")
    page.goto(f"/supervise/incidents/{made['id']}")
    shoot.shot(page, "sup-incident")
    page.context.close()


def unmask_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """The search with the newest anonymous reports, the reason refused, then the reporter
    revealed above the audit trail."""
    body = {"kind": "complaint", "category": "plumbing", "anonymous": True,
            "description": "维修师傅态度恶劣，还威胁我不许投诉", "contact": "13900001234",
            "location": {"campus": "north", "building": "north-dorm-7", "floor": "2",
                         "room": "201"}}  # fmt: skip
    report = _api(demo, "feedback", "POST", "/v1/reports", "student", json=body)
    page = _page(browser, demo, device, "supervisor", "/supervise/unmask")
    shoot.shot(page, "sup-unmask")
    page.locator("#no").fill(report["tracking_no"])
    page.get_by_role("button", name="查找报告").click()
    page.locator("#reason").fill("涉及威胁")
    page.get_by_role("button", name="记录原因并查看报告人").click()
    page.locator("#reason-err").wait_for()
    shoot.shot(page, "sup-unmask-error")
    page.locator("#reason").fill("投诉涉及对维修人员的人身威胁，需要当面核实情况")
    page.get_by_role("button", name="记录原因并查看报告人").click()
    page.locator("#revealed").wait_for()
    shoot.shot(page, "sup-unmask-revealed")
    page.context.close()


def directory_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """The four new-item forms (the person's refused beside its field) and the map."""
    page = _page(browser, demo, device, "admin", "/admin")
    for screen, path in (
        ("admin-new-department", "/admin/directory/new-department"),
        ("admin-new-team", "/admin/directory/new-team?department=maintenance"),
        ("admin-new-post", "/admin/directory/new-post?team=plumbers"),
        ("admin-new-person", "/admin/directory/new-person"),
    ):  # fmt: skip
        page.goto(path)
        shoot.shot(page, screen)
    page.locator("#name").fill("钱师傅")
    page.locator("#account").fill("Qian Shifu")
    page.locator("#department_id").select_option(label="维修管理科")
    page.locator("#phone").fill("13800000123")
    page.get_by_role("button", name="添加人员").click()
    page.locator("#err-account").wait_for()
    shoot.shot(page, "admin-new-person-error")
    page.goto("/admin/area-map")
    shoot.shot(page, "admin-area-map")
    page.locator("#place").select_option(label="北校区 › 北校区学生公寓7号楼")
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url("**/admin/area-map?*")
    shoot.shot(page, "admin-area-map-building")
    page.context.close()


def facts_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """The facts behind a score, a page at a time: the first page of the first campaign's
    component that has more than one page (the maintenance department's, or the plumbers'), and
    the page after it."""
    campaigns = _api(demo, "scoring", "GET", "/v1/campaigns", "leader")
    if not campaigns:
        print("  (no campaign: the facts screens are skipped)")
        return
    page = _page(browser, demo, device, "leader", "/lead")
    candidates = [
        f"/lead/campaigns/{uuid.UUID(str(c['id']))}/units/{unit}/facts/{component}"
        for c in campaigns for unit in ("department/maintenance", "team/plumbers")
        for component in ("stages", "tickets", "closed", "ratings")
    ]  # fmt: skip
    listed = ""  # the first with any facts, if none has a second page
    for path in candidates:
        page.goto(path)
        if not listed and page.locator("table.facts-table").count():
            listed = path
        more = page.locator("tr.more-row a")
        if more.count():
            shoot.shot(page, "lead-facts")
            page.goto(str(more.first.get_attribute("href")))  # the next page on its own
            shoot.shot(page, "lead-facts-next")
            break
    else:
        page.goto(listed or candidates[0])
        shoot.shot(page, "lead-facts")
        print("  (no component has a second page of facts: lead-facts-next is skipped)")
    page.context.close()


def vote_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """我为你投一票 as the student sees it on a phone: the open ballots, one ballot with nothing
    chosen and refused, then thanked for the vote."""
    now = datetime.now(UTC)
    body = {"title": "2026年冬季“我为你投一票”服务之星评选",
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
            "options": [{"unit_type": "team", "unit_id": t, "label": name} for t, name in (
                ("plumbers", "水工组、仓管"), ("electricians", "电工组"), ("carpenters", "木工组"))],
            }  # fmt: skip
    made = _api(demo, "feedback", "POST", "/v1/ballots", "supervisor", json=body)
    page = _page(browser, demo, device, "student", "/vote")
    shoot.shot(page, "vote-ballots")
    page.goto(f"/vote/{made['id']}")
    page.get_by_role("button", name="投出我的一票").click()
    page.locator("#choice-err").wait_for()
    shoot.shot(page, "vote-error")
    page.get_by_label("电工组").check()
    page.get_by_role("button", name="投出我的一票").click()
    page.locator("#voted").wait_for()
    shoot.shot(page, "vote-done")
    page.context.close()


def cases_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    incident_screens(browser, demo, shoot, device)
    unmask_screens(browser, demo, shoot, device)
    directory_screens(browser, demo, shoot, device)
    facts_screens(browser, demo, shoot, device)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    parser.add_argument("--max-height", type=int, default=1600, help="CSS pixels")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    demo = Demo(inst, launcher.console_url(inst))
    args.out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
        )
        cases_screens(browser, demo, Shooter(args.out, "desktop", args.max_height, saved),
                      DEVICES["desktop"])  # fmt: skip
        vote_screens(browser, demo, Shooter(args.out, "phone", args.max_height, saved),
                     DEVICES["phone"])  # fmt: skip
        browser.close()
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
