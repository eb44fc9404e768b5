"""Installable, and messages that lead to the work (issue 16), in a real browser against the
whole platform: the manifest and its icons; a page already open still shows its content when
the network drops, and says it is offline; a message names things in words and its short link
opens the page that acts on it."""

from __future__ import annotations

import io
import re
import uuid

import httpx
import launcher
import pytest
from browser_support import Console
from helpers import eventually
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from notify import links

pytestmark = pytest.mark.infra
OFFLINE_ZH = "您已离线"


def _report(console: Console, user: str = "student") -> dict[str, str]:
    """A repair report filed through feedback's API, as the form does."""
    body = {
        "kind": "repair",
        "category": "plumbing",
        "channel": "web",
        "description": f"卫生间水龙头一直在滴水 {uuid.uuid4().hex[:6]}",
        "location": {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"},
    }
    headers = {
        "Authorization": "Bearer " + launcher.token(console.inst, user),
        "Idempotency-Key": uuid.uuid4().hex,
    }
    url = console.inst.url("feedback") + "/v1/reports"
    r = httpx.post(url, json=body, headers=headers, timeout=30)
    assert r.status_code < 400, r.text
    return dict(r.json())


def _inbox_message(console: Console, user: str, tracking_no: str) -> dict[str, str]:
    def found() -> dict[str, str] | None:
        got = console.api("notify", "GET", "/v1/inbox", user, params={"limit": 200}).json()
        return next((m for m in got if m["tracking_no"] == tracking_no), None)

    return eventually(found, "the message in the inbox", 60)


def test_the_manifest_and_its_icons_make_it_installable(console: Console, phone: Page) -> None:
    phone.goto("/")
    href = phone.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"
    answer = phone.request.get(href)
    assert answer.ok and answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"].startswith("后勤服务") and "Campus Services" in manifest["name"]
    sizes = set()
    for icon in manifest["icons"]:
        png = phone.request.get(icon["src"])
        assert png.ok and png.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(png.body()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in manifest["icons"])
    sw = phone.request.get("/sw.js")
    assert sw.ok and sw.headers.get("service-worker-allowed") == "/"


def _worker_ready(page: Page) -> None:
    """The service worker controls the page (registered on load, claims its clients)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        "() => !!navigator.serviceWorker.controller"
        " && navigator.serviceWorker.controller.state === 'activated'",
        timeout=20_000,
    )


def _goes_offline_and_back(context: BrowserContext, page: Page, content: str) -> None:
    context.set_offline(True)
    expect(page.locator("#offline-note")).to_be_visible()  # the open page says so at once
    page.reload()
    expect(page.get_by_text(content).first).to_be_visible()
    note = page.locator("#offline-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(OFFLINE_ZH)
    # a page never opened before: the offline page, in words
    page.goto("/services?never-opened=1")
    expect(page.get_by_role("heading", name=OFFLINE_ZH)).to_be_visible()
    expect(page.locator("#offline-note")).to_have_count(0)  # not "as it was when last opened"
    context.set_offline(False)
    page.reload()
    expect(page.locator("#offline-note")).to_have_count(0)


def test_an_open_page_shows_its_content_offline_and_says_so(console: Console) -> None:
    report = _report(console)
    context = console.context()
    page = context.new_page()
    try:
        console.sign_in(page, "student", f"/mine/{report['id']}")
        _worker_ready(page)
        expect(page.get_by_text(report["tracking_no"]).first).to_be_visible()
        _goes_offline_and_back(context, page, report["tracking_no"])
    finally:
        context.close()


def test_a_ticket_page_stays_readable_offline(console: Console) -> None:
    report = _report(console)

    def ticket() -> str | None:
        got = console.api("tickets", "GET", f"/v1/tickets/by-report/{report['id']}", "plumber",
                          check=False)  # fmt: skip
        return str(got.json()["id"]) if got.status_code == 200 else None

    ticket_id = eventually(ticket, "the ticket", 60)
    context = console.context()
    page = context.new_page()
    try:
        console.sign_in(page, "plumber", f"/work/tickets/{ticket_id}")
        _worker_ready(page)
        expect(page.get_by_text(report["tracking_no"]).first).to_be_visible()
        _goes_offline_and_back(context, page, report["tracking_no"])
    finally:
        context.close()


def test_the_message_names_things_and_its_short_link_opens_the_page(
    console: Console, phone: Page
) -> None:
    report = _report(console)
    message = _inbox_message(console, "student", report["tracking_no"])
    text = message["subject"] + message["body"]
    assert "水电维修·给排水" in text and "北校区学生公寓7号楼 312" in text, text
    assert not re.search(r"plumbing|north-dorm-7|normal", text), text
    assert message["subject"] == f"已受理：{report['tracking_no']}"
    assert message["link"] == f"/mine/{report['id']}" and message["link_label"] == "查看进度"
    code = links.Link("r", uuid.UUID(report["id"])).code
    console.sign_in(phone, "student", "/inbox")
    button = phone.locator(f"a.button[href='/mine/{report['id']}']").first
    expect(button).to_have_text("查看进度")  # the inbox opens the message's page
    phone.goto(f"/go/{code}")
    phone.wait_for_url(f"**/mine/{report['id']}")
    expect(phone.get_by_text(report["tracking_no"]).first).to_be_visible()
    phone.goto("/go/t" + "z" * 22)
    expect(phone.get_by_role("heading", name="找不到页面")).to_be_visible()


def test_the_offline_screens_pass_axe(console: Console) -> None:
    """The offline page and a kept page with its offline notice: no serious or critical
    violation (axe-core, phone size)."""
    from test_accessibility import check

    report = _report(console)
    context = console.context()
    page = context.new_page()
    try:
        console.sign_in(page, "student", f"/mine/{report['id']}")
        _worker_ready(page)
        page.goto("/offline")
        check(page, "offline page")
        page.goto(f"/mine/{report['id']}")
        context.set_offline(True)
        page.reload()
        expect(page.locator("#offline-note")).to_be_visible()
        check(page, "a kept page, offline")
    finally:
        context.set_offline(False)
        context.close()
