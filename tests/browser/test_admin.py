"""For administrators, on a desktop (zh-CN): 扫码报修 QR sheets whose codes, decoded, open the
filled filing form; the directory imported from a 班组划分表 workbook, refused with the bad row's
number and reason, then applied once fixed; and axe on every admin screen."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from browser_support import DESKTOP, Console
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image
from playwright.sync_api import Page, expect
from test_accessibility import check

pytestmark = pytest.mark.infra


@pytest.fixture
def admin(console: Console) -> Iterator[Page]:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "admin", "/admin")
    yield page
    ctx.close()


def test_qr_sheet_codes_open_the_filled_form(console: Console, admin: Page) -> None:
    check(admin, "admin hub")
    admin.get_by_role("link", name="扫码报修二维码").first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("扫码报修二维码")
    check(admin, "QR buildings")
    admin.get_by_role("link", name="北校区学生公寓7号楼").click()
    cards = admin.locator(".qr-card")
    expect(cards).to_have_count(1 + 6 * 20)  # the public areas, then 6 floors of 20 rooms
    expect(admin.locator("[data-print]")).to_be_visible()
    check(admin, "QR sheet")
    admin.locator("#floor").select_option("3")
    admin.locator("form[action^='/admin/qr/'] button[type=submit]").click()
    expect(cards).to_have_count(20)
    card = cards.filter(has_text="北校区学生公寓7号楼 312")
    expect(card).to_have_count(1)
    png = card.locator("svg").screenshot()
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    url = found.text
    assert url.startswith(console.url) and "building=north-dorm-7" in url, url
    # the printed page: no navigation, the codes four to a row
    admin.emulate_media(media="print")
    expect(admin.locator("nav.tabs")).to_be_hidden()
    admin.emulate_media(media="screen")
    # a reporter scans it: the form opens with the place filled in
    ctx = console.context()
    phone = ctx.new_page()
    console.sign_in(phone, "student", "/")
    phone.goto(url)
    phone.get_by_role("link", name="水电维修·给排水").first.click()
    expect(phone.locator("#building option:checked")).to_have_text("北校区学生公寓7号楼")
    expect(phone.locator("#floor option:checked")).to_have_text("7号楼3层")
    expect(phone.locator("#room option:checked")).to_have_text("7号楼312室")
    ctx.close()


def test_a_reporter_cannot_open_the_admin_pages(console: Console) -> None:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "student", "/")
    page.goto("/admin/qr")
    expect(page.get_by_text("你的账号没有执行此操作的权限")).to_be_visible()
    ctx.close()


def test_a_directory_sheet_with_a_bad_row_is_refused_then_applied(
    console: Console, admin: Page, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    admin.goto("/admin/directory")
    check(admin, "directory")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="导出班组划分表（XLSX）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[:3] == ["班组划分表", "科室", "人员"]
    teams = book["班组划分表"]
    teams.append(["维修管理科", None, f"空调组{tag}", None, f"aircon-{tag}", "Air conditioning"])
    people = book["人员"]
    people.append([f"aircon-{tag}", "钱师傅", "维修管理科", "没有这个班组", "员工", "13800000099"])
    bad_row = people.max_row
    sheet = tmp_path / "班组划分表.xlsx"
    book.save(sheet)

    admin.locator("#sheet").set_input_files(sheet)
    admin.get_by_role("button", name="检查并显示修改").click()
    problem = admin.locator("#sheet-problem")
    expect(problem).to_contain_text("没有导入任何内容")
    line = problem.locator("tbody tr")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("人员")
    expect(line).to_contain_text(f"第 {bad_row} 行")
    expect(line).to_contain_text("没有名为「没有这个班组」的班组")
    check(admin, "directory sheet refused")

    people.cell(row=bad_row, column=4, value=f"空调组{tag}")  # fixed: the team the sheet adds
    book.save(sheet)
    admin.locator("#sheet").set_input_files(sheet)
    admin.get_by_role("button", name="检查并显示修改").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("待导入的修改")
    changes = admin.locator("table.changes tbody tr")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_contain_text(f"空调组{tag}")
    expect(changes.nth(1)).to_contain_text("钱师傅")
    check(admin, "directory sheet preview")
    admin.get_by_role("button", name="确认导入这 2 项修改").click()
    expect(admin.get_by_role("status")).to_contain_text("已导入 2 项修改")
    maintenance = admin.locator("section", has=admin.get_by_role("heading", name="维修管理科"))
    expect(maintenance.get_by_role("row", name=f"空调组{tag}")).to_contain_text("钱师傅")
    found = console.api("tickets", "GET", f"/v1/directory/staff/aircon-{tag}", "admin").json()
    assert found["team_id"] == f"aircon-{tag}"


@pytest.mark.parametrize(
    ("screen", "path"),
    [
        ("team", "/admin/directory/teams/plumbers"),
        ("post", "/admin/directory/posts/plumbing-duty"),
        ("person", "/admin/directory/people/plumber"),
        ("department", "/admin/directory/departments/maintenance"),
        ("catalogue", "/admin/catalog"),
        ("service", "/admin/catalog/plumbing"),
        ("calendar", "/admin/calendar?prefill=1"),
        ("notifications", "/admin/notify"),
        ("template", "/admin/notify/templates/assigned"),
        ("channel", "/admin/notify/channels/email"),
    ],
)
def test_every_admin_screen_passes_axe(admin: Page, screen: str, path: str) -> None:
    admin.goto(path)
    expect(admin.locator(".admin-page h1")).to_be_visible()
    check(admin, f"admin {screen}")


def test_a_template_preview_follows_the_typing_in_both_languages(admin: Page) -> None:
    admin.goto("/admin/notify/templates/assigned")
    previews = admin.locator("#preview > div")
    expect(previews).to_have_count(2)
    admin.locator("#subject_zh").fill("测试标题 {{ nonsense")
    expect(previews.nth(0).locator(".field-error")).to_be_visible()
    admin.locator("#subject_zh").fill("新派单提醒")
    expect(previews.nth(0)).to_contain_text("新派单提醒")
    admin.locator("#subject_en").fill("A new job for you")
    expect(previews.nth(1)).to_contain_text("A new job for you")


def test_the_calendar_is_pre_filled_from_the_official_schedule(admin: Page) -> None:
    admin.goto("/admin/calendar?year=2026")
    admin.get_by_role("link", name="按国家 2026 年放假安排预填").click()
    expect(admin.locator("#holidays")).to_contain_text("2026-10-01")
    expect(admin.locator("#workdays")).to_contain_text("2026-10-10")
    admin.get_by_role("button", name="保存 2026 年日历").click()
    expect(admin.get_by_role("status")).to_contain_text("已保存")
    expect(admin.locator("#workdays")).to_contain_text("2026-10-10")
