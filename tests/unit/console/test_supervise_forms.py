"""The supervisors' forms without I/O: the hub's sections per role, a date typed as the end of
that day, an inspection form to the API body (or what is missing), a survey's answers."""

from __future__ import annotations

from console.clients.supervise import ChecklistItem, Template
from console.pages.manage import sections_for
from console.pages.supervise_rect import end_of_day, inspection_body
from console.pages.surveys import answers_of

TEMPLATE = Template(
    id="repair-service", kind="quality", name="维修服务质量检查",
    items=[ChecklistItem(name="限时到场", max_score=30), ChecklistItem(name="维修质量", max_score=70)],
)  # fmt: skip


def words(text: str) -> str:
    return text


def test_each_role_sees_its_sections() -> None:
    head = [s.path for s in sections_for(frozenset({"dept_head"}))]
    assert "/supervise/overdue" in head and "/supervise/inspections/new" not in head
    assert "/admin" not in head
    assert "/admin" in [s.path for s in sections_for(frozenset({"admin"}))]
    assert sections_for(frozenset({"reporter"})) == []


def test_a_date_is_the_end_of_that_day_in_the_console_time_zone() -> None:
    at = end_of_day("2026-12-12", "Asia/Shanghai")
    assert at is not None and at.isoformat() == "2026-12-12T23:59:00+08:00"
    assert end_of_day("12/12/2026", "Asia/Shanghai") is None


def test_an_inspection_form_becomes_the_api_body() -> None:
    form = {"team": "plumbers", "score-0": "25", "score-1": "70", "problem-0": " 现场未清理 ",
            "measures-0": "", "deadline-0": "2026-12-12", "problem-1": ""}  # fmt: skip
    body, problems = inspection_body(form, TEMPLATE, "Asia/Shanghai", words)
    assert problems == {}
    assert body["unit_id"] == "plumbers" and body["kind"] == "quality"
    assert [i["score"] for i in body["items"]] == [25.0, 70.0]
    assert body["findings"] == [{"problem": "现场未清理", "measures": None,
                                 "deadline": "2026-12-12T23:59:00+08:00", "hazard": False}]  # fmt: skip


def test_an_inspection_form_says_what_is_missing_beside_each_field() -> None:
    form = {"score-0": "31", "score-1": "x", "problem-0": "积水", "deadline-0": ""}
    _, problems = inspection_body(form, TEMPLATE, "Asia/Shanghai", words)
    assert set(problems) == {"team", "score-0", "score-1", "deadline-0"}


def test_a_survey_keeps_full_units_and_names_half_answered_ones() -> None:
    survey = {"questions": [{"id": "timely"}, {"id": "manner"}],
              "units": [{"unit_type": "team", "unit_id": "plumbers"},
                        {"unit_type": "team", "unit_id": "electricians"},
                        {"unit_type": "team", "unit_id": "carpenters"}]}  # fmt: skip
    form = {"u0-timely": "4", "u0-manner": "5", "u1-timely": "3", "u2-timely": "9"}
    answers, half = answers_of(form, survey)
    assert answers == [{"unit_type": "team", "unit_id": "plumbers",
                        "scores": {"timely": 4, "manner": 5}}]  # fmt: skip
    assert half == {"u1": "half"}  # u2's 9 is no answer at all
