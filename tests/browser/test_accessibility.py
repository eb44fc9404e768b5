"""axe-core (axe-playwright-python) on every console screen at phone size (390×844), with no
serious or critical violation: the public pages, the demo SSO's sign-in page, and everything the
demo student sees (我要报修 and its errors, 提交成功, each tab of 我的报修, a timeline,
确认与评价, 消息). Every violation found, of any impact, is printed per screen."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import PHONE, Console
from helpers import eventually
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.infra
BLOCKING = ("serious", "critical")
PLACE = {"campus": "north", "building": "north-dorm-7", "floor": "3"}
AXE = Axe()


def audit(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """axe-core's violations on the page as it stands, and what it could not decide (needs
    review), each with its impact and nodes."""
    page.wait_for_load_state("networkidle")  # htmx fragments (the unread badge) are in
    result = AXE.run(page, options={"resultTypes": ["violations", "incomplete"]})
    return list(result.response["violations"]), list(result.response["incomplete"])


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:4])
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])}x: {targets})")
    return "\n".join(lines) or "  none"


def check(page: Page, screen: str) -> None:
    found, unsure = audit(page)
    print(f"\naxe {screen} ({page.url}): {len(found)} violation(s)\n{describe(found)}")
    if unsure:
        print(f"  needs review:\n{describe(unsure)}")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{screen}: serious or critical violations\n{describe(blocking)}"


@dataclass
class Student:
    """The demo student signed in on a phone, with reports in every state to look at."""

    page: Page
    waiting: str  # report ids
    working: str
    to_confirm: str
    done: str
    tracking_no: str  # of `done`, with its access code, for 查询进度
    access_code: str


def file_report(console: Console, room: str, description: str) -> dict[str, Any]:
    body = {
        "kind": "repair",
        "category": "plumbing",
        "location": {**PLACE, "room": room},
        "description": description,
    }
    return dict(console.api("feedback", "POST", "/v1/reports", "student", json=body).json())


def move_ticket(console: Console, report_id: str, moves: tuple[str, ...]) -> None:
    """As the assigned worker: accept, arrive, resolve (as far as `moves` goes)."""

    def assigned() -> dict[str, Any] | None:
        path = f"/v1/tickets/by-report/{report_id}"
        r = console.api("tickets", "GET", path, "supervisor", check=False)
        body: dict[str, Any] = r.json() if r.status_code == 200 else {}
        return body if body.get("status") == "assigned" else None

    ticket = eventually(assigned, "the report's assigned ticket", 120)
    for move in moves:
        console.api(
            "tickets", "POST", f"/v1/tickets/{ticket['id']}/{move}", str(ticket["assignee_id"]),
            json={"note": "已更换阀门并试水"},
        )  # fmt: skip


def report_state(console: Console, report_id: str) -> dict[str, Any]:
    r = console.api("feedback", "GET", f"/v1/reports/{report_id}", "student")
    return dict(r.json())


@pytest.fixture(scope="module")
def student(console: Console) -> Iterator[Student]:
    rooms = [str(500 + uuid.uuid4().int % 400 + i) for i in range(4)]
    waiting = file_report(console, rooms[0], "宿舍卫生间地漏返味")
    working = file_report(console, rooms[1], "洗手池下水慢")
    to_confirm = file_report(console, rooms[2], "阳台水龙头关不紧，一直滴水")
    done = file_report(console, rooms[3], "热水器不出热水")
    move_ticket(console, working["id"], ("accept",))
    move_ticket(console, to_confirm["id"], ("accept", "on-site", "resolve"))
    move_ticket(console, done["id"], ("accept", "on-site", "resolve"))
    for report in (to_confirm, done):
        eventually(
            lambda r=report: report_state(console, r["id"])["awaiting_confirmation"],
            "the resolved report awaiting confirmation", 120,
        )  # fmt: skip
    path = f"/v1/reports/{done['id']}"
    console.api("feedback", "POST", path + "/confirmation", "student", json={"fixed": True})
    console.api(
        "feedback", "POST", path + "/rating", "student",
        json={"quality": 5, "timeliness": 4, "attitude": 5, "comment": "师傅很专业"},
    )  # fmt: skip
    ctx = console.context()
    page = ctx.new_page()
    console.sign_in(page, "student", "/")
    yield Student(
        page, waiting["id"], working["id"], to_confirm["id"], done["id"],
        done["tracking_no"], done["access_code"],
    )  # fmt: skip
    ctx.close()


@pytest.fixture
def visitor(console: Console) -> Iterator[Page]:
    """No sign-in, a phone."""
    ctx: BrowserContext = console.context(PHONE)
    yield ctx.new_page()
    ctx.close()


def test_the_check_finds_violations(visitor: Page) -> None:
    """The check can fail: a page without a language, an unlabelled field and a nameless
    button has serious and critical violations."""
    visitor.set_content("<title>t</title><main><input><button></button></main>")
    found, _ = audit(visitor)
    blocking = {v["id"] for v in found if v["impact"] in BLOCKING}
    assert {"html-has-lang", "label", "button-name"} <= blocking, describe(found)


PUBLIC: dict[str, str] = {
    "首页 home": "/",
    "服务承诺 catalogue": "/services",
    "公示 board": "/board",
    "查询进度 tracking": "/track",
    "not found": "/no-such-page",
}


@pytest.mark.parametrize("screen", PUBLIC)
def test_public_screen(visitor: Page, screen: str) -> None:
    visitor.goto(PUBLIC[screen])
    check(visitor, screen)


def test_public_screens_in_english(visitor: Page) -> None:
    visitor.goto("/lang/en?next=/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    check(visitor, "home (English)")


def test_tracking_result_and_error(console: Console, visitor: Page, student: Student) -> None:
    visitor.goto("/track")
    visitor.locator("#tracking_no").fill(student.tracking_no)
    visitor.locator("#code").fill("WRONG234")
    visitor.locator("form.stack button[type=submit]").click()
    expect(visitor.locator(".alert")).to_be_visible()
    check(visitor, "查询进度 wrong code")
    visitor.locator("#code").fill(student.access_code)
    visitor.locator("form.stack button[type=submit]").click()
    expect(visitor.get_by_role("heading", name=student.tracking_no)).to_be_visible()
    check(visitor, "查询进度 result")


def test_sso_sign_in_page(visitor: Page) -> None:
    visitor.goto("/login?next=/mine")
    expect(visitor.locator("button[value='student']")).to_be_visible()
    check(visitor, "SSO sign-in")


def test_report_category_and_form(student: Student) -> None:
    page = student.page
    page.goto("/report")
    check(page, "我要报修 category")
    page.goto("/report?category=plumbing&building=north-dorm-7&floor=3")
    expect(page.locator("#description")).to_be_visible()
    check(page, "我要报修 form")


def test_report_form_with_duplicates_and_errors(console: Console, student: Student) -> None:
    page = student.page
    room = report_state(console, student.waiting)["location"]["room"]
    page.goto(f"/report?category=plumbing&building=north-dorm-7&floor=3&room={room}")
    expect(page.locator(".dup")).to_be_visible()
    check(page, "我要报修 form with possible duplicates")
    page.locator("#room_other").fill(
        "3 1 2"
    )  # not in the list, typed with spaces: refused next to the field
    page.locator("#description").fill("水管漏水")
    page.locator("button[form=report-form]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, "我要报修 form with errors")


def test_report_done(student: Student) -> None:
    page = student.page
    page.goto(f"/report/done/{student.waiting}")
    expect(page.locator("#tracking-no")).to_be_visible()
    check(page, "提交成功")


@pytest.mark.parametrize("tab", ["waiting", "working", "confirm", "done"])
def test_my_reports_tab(student: Student, tab: str) -> None:
    page = student.page
    page.goto(f"/mine?tab={tab}")
    expect(page.locator(".segments a[aria-current=page]")).to_have_count(1)
    check(page, f"我的报修 tab {tab}")


TIMELINES: dict[str, Callable[[Student], str]] = {
    "waiting": lambda s: s.waiting,
    "working": lambda s: s.working,
    "done, rated": lambda s: s.done,
}


@pytest.mark.parametrize("which", TIMELINES)
def test_report_timeline(student: Student, which: str) -> None:
    page = student.page
    page.goto(f"/mine/{TIMELINES[which](student)}")
    expect(page.locator(".timeline")).to_be_visible()
    check(page, f"timeline ({which})")


def test_confirm_and_rate(student: Student) -> None:
    page = student.page
    page.goto(f"/mine/{student.to_confirm}/confirm")
    expect(page.locator("input[name=fixed]").first).to_be_visible()
    check(page, "确认与评价")
    page.locator("input[name=quality][value='1']").check(force=True)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, "确认与评价 with errors")
    page.locator("input[name=fixed][value=no]").check()
    check(page, "确认与评价 not fixed")


def test_inbox(student: Student) -> None:
    page = student.page

    def has_messages() -> bool:
        page.goto("/inbox")
        return page.locator(".messages li:not(.empty)").count() > 0

    eventually(has_messages, "a message in the student's inbox", 90, every_s=2)
    check(page, "消息 inbox")
    assert re.search(r"\S", page.locator("h1").inner_text())
