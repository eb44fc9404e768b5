"""我为你投一票 on a phone (issue 17): a signed-in student finds an open ballot from the home
page, is told beside the choices when none is chosen, votes for a team, is thanked, and a second
vote is refused in words; a worker reads the ballot without a form; an English reader sees the
teams' English names; once closed, the counts show. axe: 0 serious or critical on each screen.
Votes go through feedback's API (feedback decides who votes and that it is once)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from browser_support import PHONE, Console
from playwright.sync_api import expect
from test_accessibility import check

pytestmark = pytest.mark.infra
OPTIONS = [
    {"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"},
    {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
]


def new_ballot(console: Console, hours: float = 24) -> dict[str, Any]:
    now = datetime.now(UTC)
    body = {"title": f"2026年冬季我为你投一票 {uuid.uuid4().hex[:6]}",
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(hours=hours)).isoformat(), "options": OPTIONS}  # fmt: skip
    return dict(console.api("feedback", "POST", "/v1/ballots", "supervisor", json=body).json())


def counts(console: Console, ballot_id: str) -> dict[str, int]:
    got = console.api("feedback", "GET", f"/v1/ballots/{ballot_id}", "supervisor").json()
    return {o["unit_id"]: o["votes"] for o in got["options"]}


def test_a_student_votes_once_on_the_ballot_page(console: Console) -> None:
    ballot = new_ballot(console)
    ctx = console.context(PHONE)
    try:
        page = ctx.new_page()
        console.sign_in(page, "student", "/")
        page.get_by_role("link", name="我为你投一票").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我为你投一票")
        entry = page.locator("#ballots li", has_text=ballot["title"])
        expect(entry).to_contain_text("截止时间 明天")
        check(page, "ballots")
        entry.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ballot["title"])
        expect(page.locator("#ballot-state")).to_have_text("投票中")
        check(page, "ballot")
        page.get_by_role("button", name="投出我的一票").click()  # nothing chosen
        expect(page.locator("#choice-err")).to_have_text("请选择您要投票的部门或班组。")
        check(page, "ballot, nothing chosen")
        assert counts(console, ballot["id"]) == {"plumbers": 0, "electricians": 0}
        page.get_by_label("电工组").check()
        page.get_by_role("button", name="投出我的一票").click()
        expect(page.locator("#voted")).to_contain_text("感谢您的投票")
        expect(page.get_by_role("button", name="投出我的一票")).to_have_count(0)
        check(page, "voted")
        assert counts(console, ballot["id"]) == {"plumbers": 0, "electricians": 1}
        # a second vote, from a page opened before: refused in words, the choice kept
        page.goto(f"/vote/{ballot['id']}")
        page.get_by_label("水工组、仓管").check()
        page.get_by_role("button", name="投出我的一票").click()
        expect(page.locator("#vote-problem")).to_have_text("你已经投过票了")
        expect(page.get_by_label("水工组、仓管")).to_be_checked()
        check(page, "second vote refused")
        assert counts(console, ballot["id"]) == {"plumbers": 0, "electricians": 1}
    finally:
        ctx.close()


def test_a_worker_reads_the_ballot_without_voting(console: Console) -> None:
    ballot = new_ballot(console)
    ctx = console.context(PHONE)
    try:
        page = ctx.new_page()
        console.sign_in(page, "plumber", f"/vote/{ballot['id']}")
        expect(page.get_by_role("heading", level=1)).to_have_text(ballot["title"])
        expect(page.locator("main")).to_contain_text("由师生投票")
        expect(page.locator("input[name=choice]")).to_have_count(0)
    finally:
        ctx.close()


def test_an_english_reader_sees_the_teams_names_and_closed_counts(console: Console) -> None:
    ballot = new_ballot(console)
    console.api("feedback", "POST", f"/v1/ballots/{ballot['id']}/votes", "teacher",
                json={"unit_type": "team", "unit_id": "plumbers"})  # fmt: skip
    ctx = console.context(PHONE, locale="en")
    try:
        page = ctx.new_page()
        console.sign_in(page, "student", f"/vote/{ballot['id']}")
        expect(page.get_by_label("Electricians")).to_be_visible()
        expect(page.get_by_role("button", name="Cast my vote")).to_be_visible()
        check(page, "ballot, English")
        console.api("feedback", "POST", f"/v1/ballots/{ballot['id']}/close", "supervisor")
        page.reload()
        expect(page.locator("#ballot-state")).to_have_text("Closed")
        first = page.locator("#counts li").first
        expect(first).to_contain_text("Plumbers and store")
        expect(first).to_contain_text("Votes: 1")
        expect(page.locator("input[name=choice]")).to_have_count(0)
        check(page, "closed ballot, English")
    finally:
        ctx.close()
