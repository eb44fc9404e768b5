"""axe-core on the console screens no other browser test audits: a failed sign-in, the home page
of a worker and of a supervisor once signed in, the "no permission" page, a leader's new
campaign form, and the facts behind a score on a page of their own (the first page, the page
after it when there is one, and a bad place in the list). 0 serious or critical violations,
in zh-CN, and the facts page in English too."""

from __future__ import annotations

import pytest
from browser_support import DESKTOP, PHONE, Console
from playwright.sync_api import expect
from test_accessibility import check
from test_leader import new_campaign

pytestmark = pytest.mark.infra


def test_a_failed_sign_in_passes_axe(console: Console) -> None:
    ctx = console.context(PHONE)
    try:
        page = ctx.new_page()
        response = page.goto("/auth/callback?code=nothing&state=forged")
        assert response is not None and response.status == 400
        expect(page.locator("h1")).to_be_visible()
        check(page, "sign-in failed")
    finally:
        ctx.close()


@pytest.mark.parametrize(("user", "device"), [("plumber", PHONE), ("supervisor", DESKTOP)])
def test_the_signed_in_home_passes_axe(console: Console, user: str, device: dict[str, object]
                                       ) -> None:  # fmt: skip
    ctx = console.context(device)
    try:
        page = ctx.new_page()
        console.sign_in(page, user, "/")
        expect(page.locator("h1").first).to_be_visible()
        check(page, f"home, signed in as {user}")
    finally:
        ctx.close()


def test_the_no_permission_page_passes_axe(console: Console) -> None:
    ctx = console.context(DESKTOP)
    try:
        page = ctx.new_page()
        console.sign_in(page, "maintenance-head", "/")
        page.goto("/admin/area-map")
        expect(page.get_by_text("你的账号没有执行此操作的权限")).to_be_visible()
        check(page, "no permission")
    finally:
        ctx.close()


def campaign_id(console: Console) -> str:
    """A campaign with scores (the demo data has none: earlier tests may have made one)."""
    campaigns = console.api("scoring", "GET", "/v1/campaigns", "leader").json()
    if campaigns:
        return str(campaigns[0]["id"])
    made = new_campaign(console)
    console.api("scoring", "POST", f"/v1/campaigns/{made['id']}/recompute", "leader")
    return str(made["id"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_leaders_other_screens_pass_axe(console: Console, lang: str) -> None:
    cid = campaign_id(console)
    facts = f"/lead/campaigns/{cid}/units/team/plumbers/facts/tickets"
    ctx = console.context(DESKTOP, locale=lang)
    try:
        page = ctx.new_page()
        console.sign_in(page, "leader", "/lead")
        page.goto("/lead/campaigns/new")
        expect(page.locator("form")).not_to_have_count(0)
        check(page, f"new campaign {lang}")
        response = page.goto(facts)
        assert response is not None and response.status == 200
        expect(page.locator("table.facts-table, p.empty")).to_have_count(1)
        check(page, f"facts, first page {lang}")
        more = page.locator("tr.more-row a")
        if more.count():  # the next page on its own, as a link without scripts opens it
            page.goto(str(more.first.get_attribute("href")))
            check(page, f"facts, next page {lang}")
        page.goto(facts + "?after=not-a-place")
        expect(page.get_by_role("alert")).to_be_visible()
        check(page, f"facts, bad place in the list {lang}")
    finally:
        ctx.close()
