"""The reporter's screens in a real browser against the whole platform: a student on a phone
files a report with a photo and gets a tracking number; "me too"; an anonymous report; a hotline
caller tracks progress; confirm and rate from the notification; zh/en; errors in Chinese; an XSS
attempt shown as text; a post without the CSRF token refused."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from browser_support import DESKTOP, Console, photo_file
from helpers import eventually
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.infra
ROOM = "312"


def file_report(
    console: Console, page: Page, description: str, tmp_path: Path | None = None,
    room: str = ROOM, anonymous: bool = False,
) -> tuple[str, str | None, str]:  # fmt: skip
    """Through the form, as a student does: (tracking number, access code, report id)."""
    page.goto(f"/report?building=north-dorm-7&floor=3&room={room}")
    page.get_by_role("link", name=re.compile("水电维修·给排水")).click()
    page.locator("#description").fill(description)
    if tmp_path is not None:
        page.locator("#photos").set_input_files(photo_file(tmp_path))
    if anonymous:
        page.locator("input[name=anonymous]").evaluate("box => box.click()")
    # (the button is pressed from script: on the phone viewport Playwright's pointer sometimes
    # lands on the field above it while the page settles after typing)
    page.locator("button[form=report-form]").evaluate("button => button.click()")
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    tracking = page.locator("#tracking-no").inner_text().strip()
    code = page.locator("#access-code")
    access = code.inner_text().strip() if code.count() else None
    page.get_by_role("link", name="查看进度").click()
    report_id = page.url.rstrip("/").split("/")[-1]
    return tracking, access, report_id


def test_student_files_a_report_with_a_photo_on_a_phone(
    console: Console, phone: Page, tmp_path: Path
) -> None:
    console.sign_in(phone, "student", "/")
    tracking, access, report_id = file_report(
        console, phone, f"卫生间水龙头漏水 {uuid.uuid4().hex[:6]}", tmp_path, room="301"
    )
    assert re.fullmatch(r"FK\d{8}-\d{4,}", tracking)
    expect(phone.get_by_text(tracking)).to_be_visible()
    expect(phone.locator(".thumbs img")).to_have_count(1)
    uuid.UUID(report_id)
    assert access is None or re.fullmatch(r"[0-9A-Z]{8}", access)
    # the page fits the phone: nothing wider than the screen
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_me_too_on_a_duplicate(console: Console, phone: Page) -> None:
    room = str(400 + uuid.uuid4().int % 500)
    text = f"走廊灯不亮 {uuid.uuid4().hex[:6]}"
    console.sign_in(phone, "student", "/")
    tracking, _, _ = file_report(console, phone, text, room=room)
    other = console.context()
    page = other.new_page()
    console.sign_in(page, "teacher", "/")
    page.goto(f"/report?category=plumbing&building=north-dorm-7&floor=3&room={room}")
    expect(page.get_by_text("已经有人报过了")).to_be_visible()
    page.get_by_role("button", name="我也遇到").first.click()
    expect(page.get_by_text("已记录")).to_be_visible()
    found = 0
    for tab in ("waiting", "working"):  # received or already assigned
        page.goto(f"/mine?tab={tab}")
        found += page.get_by_text(tracking).count()
        assert page.get_by_text(text).count() == 0  # a supporter does not read the text
    assert found == 1
    other.close()


def test_an_anonymous_report_stays_anonymous(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    tracking, _, report_id = file_report(console, phone, "匿名反馈：水房漏水", anonymous=True)
    expect(phone.get_by_text("工作人员看不到你的身份")).to_be_visible()
    seen = console.api("feedback", "GET", f"/v1/reports/{report_id}", "frontdesk").json()
    assert seen["anonymous"] is True and seen.get("reporter_id") is None
    assert seen.get("contact") is None and tracking == seen["tracking_no"]


def test_a_hotline_caller_tracks_progress_by_number_and_code(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    tracking, access, _ = file_report(console, phone, "热线来电：宿舍停水")
    if access is None:
        pytest.fail("the feedback API gave no access code at filing")
    caller = console.context(DESKTOP)
    page = caller.new_page()
    page.goto("/track")
    page.get_by_label("报修编号").fill(tracking)
    page.get_by_label("查询码").fill("WRONG234")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".alert")).to_contain_text(re.compile("[\u4e00-\u9fff]"))  # in Chinese
    page.get_by_label("查询码").fill(access.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=tracking)).to_be_visible()
    expect(page.get_by_text("处理进度")).to_be_visible()
    caller.close()


def test_the_student_confirms_and_rates_from_the_notification(
    console: Console, phone: Page
) -> None:
    console.sign_in(phone, "student", "/")
    _, _, report_id = file_report(console, phone, "洗手池堵了", room="315")

    def ticket() -> dict[str, object] | None:
        path = f"/v1/tickets/by-report/{report_id}"
        r = console.api("tickets", "GET", path, "supervisor", check=False)
        body = r.json() if r.status_code == 200 else {}
        return body if body.get("status") == "assigned" else None

    t = eventually(ticket, "the report's assigned ticket", 90)
    assignee = str(t["assignee_id"])
    for move in ("accept", "on-site", "resolve"):
        console.api(
            "tickets",
            "POST",
            f"/v1/tickets/{t['id']}/{move}",
            assignee,
            json={"note": "已更换水管"},
        )

    def resolved_message() -> bool:
        phone.goto("/inbox")
        return (
            phone.locator(f"a[href='/mine/{report_id}/confirm']").count() > 0  # the message's page
            and (
                console.api("feedback", "GET", f"/v1/reports/{report_id}", "student").json()[
                    "awaiting_confirmation"
                ]
            )
        )

    eventually(resolved_message, "the message that the report is resolved", 90)
    phone.locator(f"a[href='/mine/{report_id}/confirm']").first.click()
    expect(phone.get_by_role("heading", name="修好了吗？")).to_be_visible()
    phone.get_by_text("已修好").click()
    for part in ("维修质量", "及时性", "服务态度"):
        phone.get_by_role("group", name=part).get_by_text("2").click()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#err-comment")).to_have_text("低分请写下原因")  # nothing sent yet
    phone.locator("#comment").fill("来得太晚了")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", name="你的评价")).to_be_visible()


def test_language_switch(console: Console, phone: Page) -> None:
    phone.goto("/")
    expect(phone.get_by_role("link", name="我要报修")).to_be_visible()
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_role("link", name=re.compile("Report a repair"))).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.goto("/services")
    expect(phone.get_by_role("heading", name="Service commitments")).to_be_visible()
    fee_en = "Free in public areas and student dorms; parts at cost in staff housing."
    expect(phone.get_by_text(fee_en).first).to_be_visible()  # the catalogue's own English
    expect(phone.get_by_text("公共区域和学生宿舍免费", exact=False)).to_have_count(0)
    phone.get_by_role("link", name="中文").click()
    expect(phone.get_by_role("heading", name="服务承诺")).to_be_visible()
    expect(phone.get_by_text("公共区域和学生宿舍免费", exact=False).first).to_be_visible()


def test_an_xss_attempt_is_shown_as_text(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    attack = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2> 门锁坏了"
    _, _, report_id = file_report(console, phone, attack)
    phone.goto(f"/mine/{report_id}")
    expect(phone.locator(".desc")).to_have_text(attack)
    assert phone.evaluate("window.pwned") is None
    phone.goto("/mine?tab=waiting")
    assert phone.evaluate("window.pwned") is None


def test_a_post_without_the_csrf_token_is_refused(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    phone.goto("/inbox")
    refused = phone.request.post(console.url + "/inbox/read", form={"id": "1"})
    assert refused.status == 403
    report = phone.request.post(
        console.url + "/report",
        multipart={"kind": "repair", "category": "plumbing", "building": "north-dorm-7",
                   "description": "forged"},
    )  # fmt: skip
    assert report.status == 403


def test_an_api_error_is_shown_in_chinese_next_to_the_field(console: Console, phone: Page) -> None:
    console.sign_in(phone, "student", "/")
    phone.goto("/report?category=plumbing&building=north-dorm-7")
    phone.locator("#room_other").fill("3 1 2")  # not in the list, typed with spaces: refused
    phone.locator("#description").fill("我写的内容不会丢")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#err-room")).to_be_visible()
    expect(phone.locator("#err-room")).to_contain_text(re.compile("[\u4e00-\u9fff]"))
    expect(phone.locator("#description")).to_have_value("我写的内容不会丢")
