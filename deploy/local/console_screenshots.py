"""Screenshots of every console screen at phone (390×844) and desktop (1366×900) size, for
docs/console.md: signs in as the demo student through the real SSO of a running platform
(`./houqin run`, the `demo` instance), files one report through the form (for 提交成功 and
查询进度), and saves `docs/console/<screen>-phone.png` and `-desktop.png`.

    uv run python deploy/local/console_screenshots.py [--instance demo] [--out docs/console]

Pages taller than --max-height CSS pixels are cut there; the PNGs are reduced to a 256-colour
palette (text stays sharp, files stay small). Debian's chromium (HOUQIN_CHROMIUM) drives it.
"""

from __future__ import annotations

import argparse
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import launcher
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HOUQIN_CHROMIUM", "/usr/bin/chromium")
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0.50"
)
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": PHONE_UA,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}, "device_scale_factor": 1},
}
# A room of the demo data (deploy/demo/seed_life.py) with open plumbing reports: the form
# shows them as possible duplicates.
ROOM = {"building": "north-dorm-7", "floor": "3", "room": "312"}


@dataclass
class Shooter:
    out: Path
    device: str
    max_height: int
    saved: list[Path]

    def shot(self, page: Page, screen: str) -> None:
        """The page from the top, as tall as its content (at most max_height): the viewport is
        stretched to it, so the phone's fixed tab bar sits at the bottom of the picture."""
        page.wait_for_load_state("networkidle")
        size = page.viewport_size or {"width": 390, "height": 844}
        content = int(page.evaluate("document.documentElement.scrollHeight"))
        page.set_viewport_size(
            {"width": size["width"], "height": max(size["height"], min(content, self.max_height))}
        )
        page.evaluate("window.scrollTo(0, 0)")
        png = page.screenshot()
        page.set_viewport_size(size)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        small = image.quantize(colors=256, dither=Image.Dither.NONE)
        path = self.out / f"{screen}-{self.device}.png"
        small.save(path, optimize=True)
        self.saved.append(path)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"  {shown}  {image.width}x{image.height}  {path.stat().st_size // 1024} KB")


@dataclass
class Demo:
    """Where the running platform is, and the student's reports in each state."""

    inst: launcher.Instance
    console: str

    def reports(self) -> list[dict[str, Any]]:
        token = launcher.token(self.inst, "student")
        r = httpx.get(
            self.inst.url("feedback") + "/v1/reports",
            params={"limit": 100},
            headers={"Authorization": "Bearer " + token},
            timeout=30,
        )
        r.raise_for_status()
        return list(r.json())

    def pick(self, test: Callable[[dict[str, Any]], bool], what: str) -> str | None:
        found = next((r for r in self.reports() if test(r)), None)
        if found is None:
            print(f"  (no report of the student {what}: that screen is skipped)")
            return None
        return str(found["id"])


def sign_in(page: Page, user: str, shoot: Shooter | None) -> None:
    page.goto("/login?next=/")
    page.locator(f"button[value='{user}']").wait_for()
    if shoot is not None:
        shoot.shot(page, "sso-sign-in")
    page.locator(f"button[value='{user}']").click()
    page.wait_for_url("**/")


def file_report(page: Page, shoot: Shooter) -> tuple[str, str | None]:
    """Through the form, as the student does: (tracking number, access code)."""
    page.goto(
        "/report?category=plumbing&building={building}&floor={floor}&room={room}".format(**ROOM)
    )
    page.locator("#description").fill("卫生间水龙头一直滴水，关不紧")
    page.wait_for_load_state("networkidle")  # htmx refreshes the duplicates after a change
    page.locator("button[form=report-form]").evaluate("button => button.click()")
    page.locator("#tracking-no").wait_for()
    shoot.shot(page, "report-done")
    tracking = page.locator("#tracking-no").inner_text().strip()
    code = page.locator("#access-code")
    return tracking, code.inner_text().strip() if code.count() else None


def public_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    page = ctx.new_page()
    for screen, path in (
        ("home", "/"), ("services", "/services"), ("board", "/board"), ("track", "/track"),
    ):  # fmt: skip
        page.goto(path)
        shoot.shot(page, screen)
    page.goto("/lang/en?next=/")
    shoot.shot(page, "home-en")
    ctx.close()


def student_screens(
    browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]
) -> tuple[str, str | None]:
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    sign_in(page, "student", shoot)
    shoot.shot(page, "home-signed-in")
    page.goto("/report?kind=repair")
    shoot.shot(page, "report-category")
    page.goto(
        "/report?category=plumbing&building={building}&floor={floor}&room={room}".format(**ROOM)
    )
    page.locator("#description").wait_for()
    shoot.shot(page, "report-form")
    page.locator("#room_other").fill("3 1 2")
    page.locator("#description").fill("卫生间水龙头一直滴水")
    page.wait_for_load_state("networkidle")  # htmx refreshes the duplicates after a change
    page.locator("button[form=report-form]").evaluate("button => button.click()")
    page.locator(".field-error").first.wait_for()
    shoot.shot(page, "report-form-error")
    filed = file_report(page, shoot)
    for tab in ("waiting", "working", "confirm", "done"):
        page.goto(f"/mine?tab={tab}")
        shoot.shot(page, f"mine-{tab}")
    rated = demo.pick(lambda r: r.get("confirmation") == "confirmed", "confirmed and rated")
    if rated:
        page.goto(f"/mine/{rated}")
        shoot.shot(page, "timeline")
    waiting = demo.pick(lambda r: r.get("awaiting_confirmation"), "awaiting confirmation")
    if waiting:
        page.goto(f"/mine/{waiting}/confirm")
        shoot.shot(page, "confirm")
    page.goto("/inbox")
    shoot.shot(page, "inbox")
    ctx.close()
    return filed


def tracked_screen(
    browser: Browser,
    demo: Demo,
    shoot: Shooter,
    device: dict[str, Any],
    filed: tuple[str, str | None],
) -> None:
    tracking, code = filed
    if code is None:
        print("  (no access code at filing: 查询进度's result is skipped)")
        return
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    page = ctx.new_page()
    page.goto(f"/track?no={tracking}")
    page.locator("#code").fill(code)
    page.locator("form.stack button[type=submit]").click()
    page.locator(".timeline").wait_for()
    shoot.shot(page, "tracked")
    ctx.close()


def lead_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    """The leaders' pages (desktop): campaigns, the edit form, rankings, a team's explanation,
    the charts, work marks and publication, on the demo's unpublished campaign."""
    token = launcher.token(demo.inst, "leader")
    r = httpx.get(
        demo.inst.url("scoring") + "/v1/campaigns",
        headers={"Authorization": "Bearer " + token},
        timeout=30,
    )
    r.raise_for_status()
    open_ones = [c for c in r.json() if c["published_at"] is None]
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto("/login?next=/lead")
    page.locator("button[value='leader']").click()
    page.wait_for_url("**/lead")
    shoot.shot(page, "lead-campaigns")
    if not open_ones:
        print("  (no unpublished campaign: the leaders' campaign screens are skipped)")
        ctx.close()
        return
    campaign = open_ones[0]
    base = f"/lead/campaigns/{campaign['id']}"
    marked = httpx.get(
        demo.inst.url("scoring") + f"/v1/campaigns/{campaign['id']}/work-marks",
        headers={"Authorization": "Bearer " + token},
        timeout=30,
    ).json()
    if not marked:  # the leadership's marks, as a leader enters them: the units get ranked
        for dept, mark in zip(campaign["departments"] or [], (86, 78, 91, 82), strict=False):
            httpx.put(
                demo.inst.url("scoring")
                + f"/v1/campaigns/{campaign['id']}/work-marks/department/{dept}",
                json={"mark": mark, "justification": "工作计划完整，特色工作有成效"},
                headers={"Authorization": "Bearer " + token},
                timeout=30,
            ).raise_for_status()
        page.wait_for_timeout(3000)  # the worker scores the touched campaign
    for screen, path in (
        ("lead-campaign-edit", base + "/edit"), ("lead-rankings", base + "?unit_type=team"),
        ("lead-explanation", base + "/units/team/plumbers"), ("lead-charts", base + "/charts"),
        ("lead-marks", base + "/marks"), ("lead-publish", base + "/publish"),
    ):  # fmt: skip
        page.goto(path)
        if screen == "lead-charts":
            page.locator("#chart-satisfaction[data-drawn]").wait_for()
        shoot.shot(page, screen)
    page.goto("/board")  # 公示, with the latest published campaigns when there are any
    shoot.shot(page, "board-published")
    ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    parser.add_argument("--max-height", type=int, default=1600, help="CSS pixels")
    parser.add_argument("--device", choices=sorted(DEVICES), action="append")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    demo = Demo(inst, launcher.console_url(inst))
    httpx.get(demo.console + "/healthz", timeout=5).raise_for_status()
    args.out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
        )
        for name in args.device or list(DEVICES):
            print(f"{name}:")
            shoot = Shooter(args.out, name, args.max_height, saved)
            device = DEVICES[name]
            public_screens(browser, demo, shoot, device)
            filed = student_screens(browser, demo, shoot, device)
            tracked_screen(browser, demo, shoot, device, filed)
            if name == "phone":
                from console_screenshots_work import work_screens  # here: it imports this module

                work_screens(browser, demo, shoot, device)
                from console_screenshots_cases import vote_screens  # imports this module

                vote_screens(browser, demo, shoot, device)
            if name == "desktop":
                lead_screens(browser, demo, shoot, device)
                from console_screenshots_admin import admin_screens  # here: it imports this module

                admin_screens(browser, demo, shoot, device)
                from console_screenshots_supervise import supervise_screens  # imports this module

                supervise_screens(browser, demo, shoot, device)
                from console_screenshots_cases import cases_screens  # imports this module

                cases_screens(browser, demo, shoot, device)
        browser.close()
    total = sum(p.stat().st_size for p in saved)
    print(f"{len(saved)} screenshots, {total // 1024} KB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
