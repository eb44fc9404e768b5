"""Screenshots of the workers' and team leads' screens (issue 16) at phone size: the plumber's
queue, a ticket page (with its move forms open), the refusal when someone else acted first, duty
and leave, a ticket page kept for when the network drops and the offline page, and the team
lead's team tab with a pause waiting for approval and a transfer offered (and, when the team
has more open tickets than the tab shows first, its bottom: how many of how many, and "more").
Files one report through the API so there is something to show.

    uv run python deploy/local/console_screenshots_work.py [--instance demo]
"""

from __future__ import annotations

import argparse
import io
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import launcher
from console_screenshots import CHROMIUM, DEVICES, ROOT, Demo, Shooter
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright


def _api(demo: Demo, service: str, method: str, path: str, user: str, **kw: Any) -> Any:
    headers = {"Authorization": "Bearer " + launcher.token(demo.inst, user)}
    r = httpx.request(method, demo.inst.url(service) + path, headers=headers, timeout=30, **kw)
    r.raise_for_status()
    return r.json() if r.content else None


def _ticket(demo: Demo, words: str, category: str = "plumbing") -> dict[str, Any]:
    """A report filed by the student, and its ticket once routed."""
    body = {"kind": "repair", "category": category, "description": words,
            "location": {"campus": "north", "building": "north-dorm-7", "floor": "3",
                         "room": f"3{uuid.uuid4().int % 20 + 1:02d}"}}  # fmt: skip
    report = _api(demo, "feedback", "POST", "/v1/reports", "student", json=body)
    for _ in range(150):
        try:
            t = _api(demo, "tickets", "GET", f"/v1/tickets/by-report/{report['id']}", "supervisor")
            if t.get("assignee_id"):
                return dict(t)
        except httpx.HTTPStatusError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the ticket was not routed")


def _sign_in(page: Page, user: str, path: str) -> None:
    page.goto(f"/login?next={path}")
    page.locator(f"button[value='{user}']").click()
    page.wait_for_url(f"**{path}")


def offline_screens(page: Page, shoot: Shooter, opened: str) -> None:
    """The network drops (a basement): a ticket page opened before still shows its content and
    says it is offline; a page never opened shows the offline page."""
    page.goto(opened)
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=20_000)
    page.reload()  # through the service worker, which keeps a copy
    page.wait_for_function("() => caches.match(location.href).then((hit) => !!hit)")
    page.context.set_offline(True)
    try:
        page.reload()
        page.locator("#offline-note").wait_for()
        shoot.shot(page, "work-ticket-offline")
        page.goto("/work/duty?never-opened=1")
        page.locator("h1").wait_for()
        shoot.shot(page, "work-offline")
    finally:
        page.context.set_offline(False)


def work_screens(browser: Browser, demo: Demo, shoot: Shooter, device: dict[str, Any]) -> None:
    t = _ticket(demo, "卫生间水龙头一直滴水，关不紧")
    waiting = _ticket(demo, "热水器不出热水")
    _api(demo, "tickets", "POST", f"/v1/tickets/{waiting['id']}/accept", "plumber")
    _api(
        demo,
        "tickets",
        "POST",
        f"/v1/tickets/{waiting['id']}/pause-requests",
        "plumber",
        json={"pause_reason": "waiting_parts", "pause_days": 5, "note": "温控阀需要从厂家订货"},
    )
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    _sign_in(page, "plumber", "/work")
    shoot.shot(page, "work-queue")
    page.goto(f"/work/tickets/{t['id']}")
    shoot.shot(page, "work-ticket")
    # the team lead accepts it on his phone first: the plumber is told what happened
    _api(demo, "tickets", "POST", f"/v1/tickets/{t['id']}/accept", "plumbing-lead")
    page.get_by_role("button", name="接单", exact=True).click()
    page.locator("#work-alert").wait_for()
    shoot.shot(page, "work-ticket-conflict")
    page.locator("summary", has_text="完工").click()
    page.locator("#resolve-note").fill("更换了阀芯，已试水")
    page.locator("summary", has_text="暂停").click()
    shoot.shot(page, "work-ticket-resolve")
    page.goto("/work/duty")
    shoot.shot(page, "work-duty")
    offline_screens(page, shoot, f"/work/tickets/{t['id']}")
    ctx.close()
    offered = _ticket(demo, "配电箱旁边的水管渗水", category="electrical")
    _api(demo, "tickets", "POST", f"/v1/tickets/{offered['id']}/transfers", "supervisor",
         json={"to_team_id": "plumbers", "reason": "是楼上水管漏水流进配电箱"})  # fmt: skip
    ctx = browser.new_context(base_url=demo.console, locale="zh-CN", **device)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    _sign_in(page, "plumbing-lead", "/work/team")
    shoot.shot(page, "work-team")
    more = page.locator(".work-more")
    if more.count():  # a team with more open tickets than the first page shows: the bottom
        more.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 200)")
        path = shoot.out / f"work-team-more-{shoot.device}.png"
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        image.quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)
        shoot.saved.append(path)
    page.goto(f"/work/tickets/{waiting['id']}")
    shoot.shot(page, "work-ticket-lead")
    ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="demo", choices=sorted(launcher.PORT_OFFSETS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    parser.add_argument("--max-height", type=int, default=2400, help="CSS pixels")
    args = parser.parse_args()
    inst = launcher.Instance(args.instance, "", "", launcher.PORT_OFFSETS[args.instance])
    demo = Demo(inst, launcher.console_url(inst))
    args.out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        work_screens(browser, demo, Shooter(args.out, "phone", args.max_height, saved),
                     DEVICES["phone"])  # fmt: skip
        browser.close()
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
