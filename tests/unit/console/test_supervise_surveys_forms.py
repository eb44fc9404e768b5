"""The supervisors' survey, ballot and reception-day forms without I/O: the API body from what
was typed, or what is missing beside each field (and then nothing is sent)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from console.pages.supervise_ballots import ballot_body, local_moment
from console.pages.supervise_reception import report_body, session_body
from console.pages.supervise_surveys import ACCOUNT, accounts_of, chosen_units, survey_body


def _(text: str, **values: object) -> str:
    return text % values if values else text


CHOICES = [
    {"key": "department:maintenance", "label": "维修管理科", "kind": "department"},
    {"key": "team:plumbers", "label": "水工组、仓管", "kind": "team"},
    {"key": "team:electricians", "label": "电工组", "kind": "team"},
]


def test_a_survey_form_becomes_the_api_body() -> None:
    form = {"title": " 秋季测评 ", "period_start": "2026-12-01", "period_end": "2026-12-15",
            "questions": "态度如何？\n\n  是否及时？ \n", "units": ["team:plumbers", "x:y"],
            "campaign_id": ""}  # fmt: skip
    body, problems = survey_body(form, CHOICES, _)
    assert problems == {}
    assert body == {
        "title": "秋季测评", "period_start": "2026-12-01", "period_end": "2026-12-15",
        "questions": [{"id": "q1", "text": "态度如何？"}, {"id": "q2", "text": "是否及时？"}],
        "units": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"}],
    }  # fmt: skip


def test_a_survey_form_says_what_is_missing_beside_each_field() -> None:
    form = {"title": " ", "period_start": "2026-12-15", "period_end": "2026-12-01",
            "questions": "\n", "units": []}  # fmt: skip
    _body, problems = survey_body(form, CHOICES, _)
    assert set(problems) == {"title", "period_end", "questions", "units"}
    _body, problems = survey_body({"period_start": "soon", "questions": "q\n" * 31}, CHOICES, _)
    assert {"period_start", "period_end", "questions"} <= set(problems)


def test_accounts_are_read_one_a_line_or_separated_each_once() -> None:
    assert accounts_of("student\nteacher, student；s3 \n\n") == ["student", "teacher", "s3"]
    assert ACCOUNT.match("2023010101") and ACCOUNT.match("plumber-backup")
    assert not ACCOUNT.match("李同学") and not ACCOUNT.match("x" * 129)
    assert chosen_units(["team:plumbers", "team:plumbers"], CHOICES) == [
        {"unit_type": "team", "unit_id": "plumbers", "label": "水工组、仓管"}
    ]


def test_a_ballot_needs_two_options_and_to_close_after_it_opens() -> None:
    tz = "Asia/Shanghai"
    form = {"title": "最佳窗口", "opens_at": "2026-12-05T09:00", "closes_at": "2026-12-05T09:00",
            "units": ["team:plumbers"]}  # fmt: skip
    _body, problems = ballot_body(form, CHOICES, tz, _)
    assert set(problems) == {"closes_at", "units"}
    form |= {"closes_at": "2026-12-12T18:00", "units": ["team:plumbers", "team:electricians"]}
    body, problems = ballot_body(form, CHOICES, tz, _)
    assert problems == {} and len(body["options"]) == 2
    assert body["opens_at"] == "2026-12-05T09:00:00+08:00"
    assert local_moment("2026-12-05T09:00", tz) == datetime(2026, 12, 5, 9, tzinfo=ZoneInfo(tz))
    assert local_moment("tomorrow", tz) is None


def test_a_reception_day_and_a_report_raised_at_it() -> None:
    body, problems = session_body({"held_on": "2026-12-08", "place": "北区食堂",
                                   "leaders": "王处长、李副处长\n赵科长"}, _)  # fmt: skip
    assert problems == {} and body["leaders"] == ["王处长", "李副处长", "赵科长"]
    _body, problems = session_body({"held_on": "", "place": " ", "leaders": ""}, _)
    assert set(problems) == {"held_on", "place", "leaders"}

    form = {"kind": "suggestion", "category": "plumbing", "place": "北区7号楼",
            "description": "热水时间太短", "answer": " 下周起延长 ", "on_behalf_of": "",
            "contact": ""}  # fmt: skip
    body, problems = report_body(form, {"plumbing"}, _)
    assert problems == {}
    assert body == {"kind": "suggestion", "category": "plumbing", "location": {"text": "北区7号楼"},
                    "description": "热水时间太短", "anonymous": False, "answer": "下周起延长"}  # fmt: skip
    bad = {"kind": "gossip", "category": "x", "place": "", "description": "", "on_behalf_of": "a b"}
    assert set(report_body(bad, {"plumbing"}, _)[1]) == {
        "kind", "category", "place", "description", "on_behalf_of",
    }  # fmt: skip
