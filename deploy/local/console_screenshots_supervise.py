"""Screenshots of the supervisors' screens at desktop size (issue 17): the 管理 hub, 超时督办 (and a
department head refused another department's board), 整改 (the list and an item with its notes),
录入检查 (the form, and its refusal in words), 重复问题, a survey's answering page and its thanks.

    uv run python deploy/local/console_screenshots_supervise.py [--instance demo] [--out docs/console]

Run alone, or from console_screenshots.py's desktop round."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import launcher
from console_screenshots import CHROMIUM, DEVICES, ROOT, Demo, Shooter
from playwright.sync_api import Browser, Page, sync_playwright


def _api(demo: Demo, service: str, method: str, path: str, user: str, **kw: Any) -> Any:
    headers = {"Authorization": "Bearer " + launcher.token(demo.inst, user)}
    r = httpx.request(method, demo.inst.url(service) + path, headers=headers, timeout=30, **kw)
    r.raise_for_status()
    return r.json()


def _signed_in(browser: Browser, demo: Demo, device: dict[str, Any], user: str) -> Page:
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    page = ctx.new_page()
    page.goto("/login?next=/manage")
    page.locator(f"button[value='{user}']").click()
    page.wait_for_url("**/manage")
    return page


def _survey(demo: Demo) -> tuple[str, str]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    body = {
        "title": "2026年秋季学期后勤服务满意度测评",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=14)).isoformat(),
        "questions": [{"id": "timely", "text": "维修是否及时"},
                      {"id": "manner", "text": "服务态度是否满意"},
                      {"id": "quality", "text": "维修质量是否满意"}],
        "units": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"},
                  {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
                  {"unit_type": "team", "unit_id": "carpenters", "label": "木工组"}],
        "audience": ["teacher"],
    }  # fmt: skip
    made = _api(demo, "feedback", "POST", "/v1/surveys", "supervisor", json=body)
    return str(made["survey_id"]), str(made["tokens"]["teacher"])


def supervise_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    page = _signed_in(browser, demo, device, "supervisor")
    shoot.shot(page, "manage")
    page.goto("/supervise/overdue")
    shoot.shot(page, "sup-overdue")
    page.goto("/supervise/inspections/new?template=repair-service")
    page.locator("#team").select_option("plumbers")
    page.locator("#score-2").fill("15")
    page.locator("#problem-0").fill("维修后现场未清理，墙角有积水")
    page.locator("#measures-0").fill("完工后清理现场并拍照上传")
    page.get_by_role("button", name="提交检查结果").click()
    shoot.shot(page, "sup-inspection-error")
    week = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=7)).date().isoformat()
    page.locator("#deadline-0").fill(week)
    shoot.shot(page, "sup-inspection")
    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_url("**/supervise/rectifications/**")
    item = page.url.split("/supervise/rectifications/")[1].split("?")[0]
    _api(demo, "tickets", "POST", f"/v1/rectifications/{item}/notes", "plumbing-lead",
         json={"note": "已清理现场，积水已排除，照片已上传"})  # fmt: skip
    page.goto(f"/supervise/rectifications/{item}")
    shoot.shot(page, "sup-rectification")
    page.goto("/supervise/rectifications")
    shoot.shot(page, "sup-rectifications")
    page.goto("/supervise/recurring?show=all")
    shoot.shot(page, "sup-recurring")
    page.context.close()
    head = _signed_in(browser, demo, device, "maintenance-head")
    head.goto("/supervise/overdue?department=catering")
    shoot.shot(head, "sup-overdue-refused")
    head.context.close()
    survey_id, token = _survey(demo)
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    page = ctx.new_page()
    page.goto(f"/surveys/{survey_id}?t={token}")
    shoot.shot(page, "survey")
    for unit in ("水工组、仓管", "电工组"):
        for q, n in (("维修是否及时", 4), ("服务态度是否满意", 5), ("维修质量是否满意", 4)):
            page.get_by_label(f"{unit} · {q}: {n}").check()
    page.get_by_role("button", name="提交测评").click()
    shoot.shot(page, "survey-done")
    ctx.close()
    from console_screenshots_surveys import surveys_screens  # imports this module

    surveys_screens(browser, demo, shoot, device)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    parser.add_argument("--max-height", type=int, default=1600, help="CSS pixels")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    demo = Demo(inst, launcher.console_url(inst))
    args.out.mkdir(parents=True, exist_ok=True)
    shoot = Shooter(args.out, "desktop", args.max_height, [])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
        )
        supervise_screens(browser, demo, shoot, DEVICES["desktop"])
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
