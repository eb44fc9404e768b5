"""The place picker in a real browser: building → floor → room picked from tickets' lists (htmx
loads the floors and rooms of the chosen building), and the same without scripts."""

from __future__ import annotations

import re
import uuid

import pytest
from browser_support import PHONE, Console
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.infra
BUILDING = "北校区学生公寓7号楼"


def submit_and_open(page: Page) -> None:
    page.locator("button[form=report-form]").evaluate("button => button.click()")
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    page.get_by_role("link", name="查看进度").click()


def test_a_student_picks_building_floor_and_room(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    phone.goto("/report?category=plumbing")
    building = phone.locator("#building")
    expect(phone.locator("#floor")).to_have_attribute("inputmode", "numeric")  # typed until then
    building.select_option(label=BUILDING)
    floor = phone.locator("select#floor")
    expect(floor).to_be_visible()
    floor.select_option(label="7号楼3层")
    room = phone.locator("select#room")
    expect(room.locator("option", has_text="7号楼305室")).to_have_count(1)
    expect(room.locator("option", has_text="7号楼205室")).to_have_count(0)  # floor 3 only
    room.select_option(label="7号楼305室")
    phone.locator("#description").fill(f"暖气片漏水 {uuid.uuid4().hex[:6]}")
    submit_and_open(phone)
    place = phone.locator("dd", has_text=BUILDING)
    expect(place).to_contain_text("3 层")
    expect(place).to_contain_text("305 室")


def test_a_qr_code_link_pre_fills_the_picker(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    phone.goto("/report?category=plumbing&building=north-dorm-7&room=312")
    expect(phone.locator("#building option:checked")).to_have_text(BUILDING)
    expect(phone.locator("#floor option:checked")).to_have_text("7号楼3层")
    expect(phone.locator("#room option:checked")).to_have_text("7号楼312室")


def test_without_scripts_the_picker_still_works(console: Console) -> None:
    ctx = console.browser.new_context(
        base_url=console.url, locale="zh-CN", java_script_enabled=False, **PHONE
    )
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    console.sign_in(page, "student", "/")
    page.goto("/report?category=plumbing")
    page.locator("#building").select_option(label=BUILDING)
    page.locator("#description").fill(f"门锁坏了 {uuid.uuid4().hex[:6]}")
    page.get_by_role("button", name="显示楼层和房间").click()
    expect(page.locator("#description")).to_have_value(re.compile("门锁坏了"))  # kept
    page.locator("select#room").select_option(label="7号楼410室")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    ctx.close()
