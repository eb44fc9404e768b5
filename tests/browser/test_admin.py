"""For administrators, on a desktop (zh-CN): 扫码报修 QR sheets whose codes, decoded, open the
filled filing form; the directory imported from a 班组划分表 workbook, refused with the bad row's
number and reason, then applied once fixed; a person, a team with its post (primary and backup)
made on pages and given a place's work on the responsibility map, to which a report filed there
is then routed; a department head kept out of those pages; and axe on every admin screen."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from browser_support import DESKTOP, Console
from helpers import eventually
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


def test_an_admin_makes_a_team_that_answers_for_a_place(console: Console, admin: Page) -> None:
    tag = uuid.uuid4().hex[:6]
    person, account = f"钱{tag}师傅", f"qian-{tag}"
    team, post = f"空调组{tag}", f"空调值班岗{tag}"
    # a new person: a bad account is refused beside the field, keeping what was typed
    admin.goto("/admin/directory")
    admin.get_by_role("link", name="新增人员", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("新增人员")
    check(admin, "new person")
    admin.locator("#name").fill(person)
    admin.locator("#account").fill("Qian Shifu")
    admin.locator("#department_id").select_option(label="维修管理科")
    admin.locator("#phone").fill("13800000123")
    admin.get_by_role("button", name="添加人员").click()
    expect(admin.locator("#err-account")).to_contain_text("校园统一身份账号")
    expect(admin.locator("#name")).to_have_value(person)
    expect(admin.locator("#department_id option:checked")).to_have_text("维修管理科")
    check(admin, "new person refused")
    admin.locator("#account").fill(account)
    admin.get_by_role("button", name="添加人员").click()
    expect(admin.get_by_role("status")).to_contain_text("已保存")

    # a new team in the department, with its post: the new person primary, 赵师傅 backup
    maintenance = admin.locator("section", has=admin.get_by_role("heading", name="维修管理科"))
    maintenance.get_by_role("link", name="添加班组").click()
    expect(admin.locator("#department_id option:checked")).to_have_text("维修管理科")
    check(admin, "new team")
    admin.locator("#name").fill(team)
    admin.locator("#post_name").fill(post)
    admin.locator("#primary_id").select_option(label=person)
    admin.locator("#backup_id").select_option(label=person)
    admin.get_by_role("button", name="添加班组").click()
    expect(admin.locator("#err-backup_id")).to_contain_text("辅岗")  # the same person twice
    expect(admin.locator("#name")).to_have_value(team)
    expect(admin.locator("#post_name")).to_have_value(post)
    expect(admin.locator("#primary_id option:checked")).to_have_text(person)
    check(admin, "new team refused")
    admin.locator("#backup_id").select_option(label="赵师傅")
    admin.get_by_role("button", name="添加班组").click()
    expect(admin.get_by_role("status")).to_contain_text("已保存")

    # the person joins the team; the directory shows both, and the post with its people
    admin.get_by_role("link", name=person).click()
    admin.locator("#team_id").select_option(label=team)
    admin.get_by_role("button", name="保存", exact=True).click()
    row = maintenance.get_by_role("row", name=team)
    expect(row).to_contain_text(person)
    expect(row).to_contain_text(f"{post}：{person} / 赵师傅")

    # the responsibility map: 2号实验楼's electrical work goes to the new team's post
    admin.get_by_role("link", name="责任区域：各处由谁负责").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("责任区域")
    admin.locator("#area_id").select_option(label="北校区 › 2号实验楼")
    admin.locator("#category").select_option(label="水电维修·电工")
    admin.get_by_role("button", name="保存指派").click()
    expect(admin.locator("#err-unit")).to_be_visible()  # no team chosen yet
    expect(admin.locator("#area_id option:checked")).to_have_text("北校区 › 2号实验楼")
    admin.locator("#unit").select_option(label=team)
    admin.locator("#post_id").select_option(label=f"{team} · {post}")
    admin.get_by_role("button", name="保存指派").click()
    expect(admin.get_by_role("status")).to_contain_text("已保存")
    admin.locator("#place").select_option(label="北校区 › 2号实验楼")
    admin.get_by_role("button", name="查看", exact=True).click()
    line = admin.locator("table.area-map tbody tr", has_text="水电维修·电工").filter(
        has_text="2号实验楼"
    )
    expect(line).to_have_count(1)
    expect(line).to_contain_text(team)
    expect(line).to_contain_text(f"{post}：{person} / 赵师傅")
    expect(line).to_contain_text("维修管理科")
    check(admin, "responsibility map")

    # a report filed there for that kind of work goes to the new post's primary
    body = {"kind": "repair", "category": "electrical", "description": f"实验室插座没电 {tag}",
            "location": {"campus": "north", "building": "lab-2", "room": "101"}}  # fmt: skip
    report = console.api("feedback", "POST", "/v1/reports", "student", json=body).json()

    def routed() -> dict[str, object] | None:
        r = console.api("tickets", "GET", f"/v1/tickets/by-report/{report['id']}", "supervisor",
                        check=False)  # fmt: skip
        return r.json() if r.status_code == 200 and r.json().get("assignee_id") else None

    ticket = eventually(routed, "the ticket routed to the new post", timeout_s=60)
    assert ticket["assignee_id"] == account, ticket
    found = console.api("tickets", "GET", "/v1/directory", "admin").json()
    (made,) = [t for t in found["teams"] if t["name"] == team]
    assert ticket["team_id"] == made["id"]


def test_a_department_head_cannot_open_the_directory_pages(console: Console) -> None:
    ctx = console.context(DESKTOP)
    page = ctx.new_page()
    console.sign_in(page, "maintenance-head", "/")
    for path in ("/admin/directory/new-team", "/admin/directory/new-person", "/admin/area-map"):
        page.goto(path)
        expect(page.get_by_text("你的账号没有执行此操作的权限")).to_be_visible()
        expect(page.locator("form[method=post] #name")).to_have_count(0)
    ctx.close()


@pytest.mark.parametrize(
    ("screen", "path"),
    [
        ("new department", "/admin/directory/new-department"),
        ("new team", "/admin/directory/new-team"),
        ("new person", "/admin/directory/new-person"),
        ("new post", "/admin/directory/new-post?team=plumbers"),
        ("responsibility map", "/admin/area-map"),
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
