"""axe-core on every reporter screen, phone and desktop: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import DESKTOP, PHONE, Console
from playwright.sync_api import Page

pytestmark = pytest.mark.infra
PUBLIC = ["/", "/services", "/board", "/track"]
SIGNED_IN = [
    "/report?kind=repair",
    "/report?category=plumbing&building=north-dorm-7&floor=3&room=312",
    "/mine",
    "/inbox",
]


def serious(page: Page) -> list[str]:
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_serious_accessibility_violations(console: Console, device: dict[str, Any]) -> None:
    ctx = console.context(device)
    page = ctx.new_page()
    found: list[str] = []
    for path in PUBLIC:
        page.goto(path)
        found += serious(page)
    console.sign_in(page, "student", "/")
    for path in SIGNED_IN:
        page.goto(path)
        found += serious(page)
    page.goto("/mine")
    first = page.locator("a.report-item").first
    if first.count():
        first.click()
        found += serious(page)
    ctx.close()
    assert found == []
