"""Screenshots of the administrators' screens (desktop): the /admin hub, 扫码报修 QR sheets, the
directory (its page, a refused 班组划分表 with the bad row, the changes before applying, a team
and a post), 服务承诺 and a service's limits, the working calendar pre-filled from the official
schedule, notification rules and channels, a template with its preview in both languages.
console_screenshots.py calls `admin_screens` for the desktop; alone:

    uv run python deploy/local/console_screenshots_admin.py [--instance demo] [--out docs/console]
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path
from typing import Any

import httpx
import launcher
from console_screenshots import CHROMIUM, DEVICES, ROOT, Demo, Shooter
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, sync_playwright


def admin_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto("/login?next=/admin")
    page.locator("button[value='admin']").click()
    page.wait_for_url("**/admin")
    shoot.shot(page, "admin")
    for screen, path in (
        ("admin-qr", "/admin/qr"), ("admin-qr-sheet", "/admin/qr/north-dorm-7?floor=3"),
        ("admin-directory", "/admin/directory"),
        ("admin-team", "/admin/directory/teams/plumbers"),
        ("admin-post", "/admin/directory/posts/plumbing-duty"),
        ("admin-person", "/admin/directory/people/plumber"),
        ("admin-department", "/admin/directory/departments/maintenance"),
        ("admin-catalog", "/admin/catalog"), ("admin-service", "/admin/catalog/plumbing"),
        ("admin-calendar", "/admin/calendar?prefill=1"), ("admin-notify", "/admin/notify"),
        ("admin-template", "/admin/notify/templates/assigned"),
        ("admin-channel", "/admin/notify/channels/email"),
    ):  # fmt: skip
        page.goto(path)
        shoot.shot(page, screen)
    # a sheet with a bad row, refused; then the same sheet fixed, before it is applied
    token = launcher.token(demo.inst, "admin")
    r = httpx.get(
        demo.inst.url("tickets") + "/v1/directory/sheet",
        headers={"Authorization": "Bearer " + token}, timeout=30,
    )  # fmt: skip
    r.raise_for_status()
    book = load_workbook(io.BytesIO(r.content))
    book["班组划分表"].append(["维修管理科", None, "空调组", None, "aircon", "Air conditioning"])
    people = book["人员"]
    people.append(["aircon-1", "钱师傅", "维修管理科", "空调班", "员工", "13800000099"])
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "班组划分表.xlsx"
        book.save(sheet)
        page.goto("/admin/directory")
        page.locator("#sheet").set_input_files(sheet)
        page.locator("form[action='/admin/directory/sheet'] button").click()
        page.locator("#sheet-problem").wait_for()
        page.locator("#sheet-problem").scroll_into_view_if_needed()
        shoot.shot(page, "admin-directory-refused")
        people.cell(row=people.max_row, column=4, value="空调组")
        book.save(sheet)
        page.locator("#sheet").set_input_files(sheet)
        page.locator("form[action='/admin/directory/sheet'] button").click()
        page.locator("table.changes").wait_for()
        shoot.shot(page, "admin-directory-preview")
    ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    parser.add_argument("--max-height", type=int, default=1600, help="CSS pixels")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    demo = Demo(inst, launcher.console_url(inst))
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"]
        )
        shoot = Shooter(args.out, "desktop", args.max_height, saved)
        admin_screens(browser, demo, shoot, DEVICES["desktop"])
        browser.close()
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
