"""The leaders' pages' plain rules: the campaign form and its errors in words, the API's
refusals beside the right field, why a unit is not ranked or is vetoed, the composite written
out, the facts as tables and the charts' data."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from console.api import ApiProblem
from console.clients.lead import Trends
from console.pages import lead_rules as rules
from console.pages.lead_scores import chart_data


def filled(**changes: Any) -> dict[str, Any]:
    form = rules.form_of(None)
    form.update(name="2026 优质服务月", period_start="2026-12-01", period_end="2026-12-31")
    form.update(changes)
    return form


def test_a_good_form_becomes_the_api_body() -> None:
    body, problems = rules.parse_campaign(filled(departments=["maintenance"]), "zh")
    assert problems == {}
    assert body["period_start"] == "2026-12-01" and body["departments"] == ["maintenance"]
    assert body["rules"]["weights"] == {"work": 40, "inspection": 30, "satisfaction": 30}
    assert body["rules"]["quotas"] == {
        "departments": 2, "teams": 7, "staff_percent": 10.0, "staff_min": 1, "rounding": "half_up",
    }  # fmt: skip
    assert body["rules"]["min_samples"] == {"satisfaction": 5, "inspections": 1, "tickets": 0}
    assert body["rules"]["veto"] == {"kinds": ["service_quality", "safety"], "cascade": True}
    assert isinstance(body["rules"]["weights"]["work"], int)
    body, _ = rules.parse_campaign(filled(departments=[]), "zh")
    assert body["departments"] is None  # none ticked: all


def test_each_mistake_is_said_in_words_beside_its_field() -> None:
    form = filled(
        name="", period_end="2026-11-01", w_work="50", q_teams="seven", m_tickets="-1",
        q_staff_percent="100.5", q_rounding="banker",
    )  # fmt: skip
    _, problems = rules.parse_campaign(form, "zh")
    assert problems["name"].startswith("请填写活动名称")
    assert problems["period_end"] == "结束日期不能早于开始日期"
    assert problems["weights"] == "三项权重之和须为 100，现在是 110"
    assert problems["q_teams"] == "请填写 0 到 100000 之间的整数"
    assert problems["m_tickets"] == "请填写 0 到 100000 之间的整数"
    assert problems["q_staff_percent"] == "请填写 0 到 100 之间的数"
    assert "q_rounding" in problems
    _, problems = rules.parse_campaign(filled(period_start="12/01/2026"), "en")
    assert problems == {"period_start": "give a date like 2026-12-01"}
    _, problems = rules.parse_campaign(filled(w_work="40.5"), "zh")
    assert set(problems) == {"w_work"}  # a weight is a whole number


def test_the_apis_refusals_land_on_the_same_fields() -> None:
    problem = ApiProblem(422, {
        "type": "https://houqin.dev/problems/campaign-invalid",
        "errors": [
            {"loc": ["body", "rules", "weights"], "type": "weights_sum"},
            {"loc": ["body"], "type": "campaign_too_long", "ctx": {"years": 2}},
            {"loc": ["body", "rules", "min_samples", "satisfaction"], "type": "less_than_equal",
             "ctx": {"le": 100000}},
            {"loc": ["body", "rules", "weights", "satisfaction"], "type": "less_than_equal",
             "ctx": {"le": 100}},
        ],
    })  # fmt: skip
    found = rules.api_errors(problem, "zh")
    assert found["weights"] == "各项权重之和须为 100"
    assert found["period_end"] == "考核期最长 2 年"
    assert set(found) == {"weights", "period_end", "m_satisfaction", "w_satisfaction"}


def test_a_campaign_fills_the_form_back() -> None:
    campaign = SimpleNamespace(
        name="春季", period_start=date(2026, 3, 1), period_end=date(2026, 5, 31),
        departments=["clinic"],
        rules={"weights": {"work": 50, "inspection": 25, "satisfaction": 25},
               "quotas": {"staff_percent": 12.5, "rounding": "floor"},
               "veto": {"kinds": ["safety"], "cascade": False}, "praise_points": 2.5},
    )  # fmt: skip
    form = rules.form_of(campaign)
    assert (form["w_work"], form["q_staff_percent"], form["q_teams"]) == ("50", "12.5", "7")
    assert form["q_rounding"] == "floor" and form["praise_points"] == "2.5"
    assert form["veto_kinds"] == ["safety"] and form["veto_cascade"] is False
    body, problems = rules.parse_campaign(form, "zh")
    assert problems == {} and body["rules"]["praise_points"] == 2.5


def test_why_a_unit_is_not_ranked_follows_the_campaigns_rules() -> None:
    rules_40_30_30 = {"weights": {"work": 40, "inspection": 30, "satisfaction": 30},
                      "min_samples": {"satisfaction": 2, "inspections": 1, "tickets": 3}}  # fmt: skip
    metrics = {"quality_inspections": 0, "satisfaction_samples": 1, "volume": 2}
    zh = rules.not_ranked_reasons(metrics, None, rules_40_30_30, "zh")
    assert zh == [
        "领导小组尚未录入部门工作成绩",
        "质量检查 0 次，本活动至少需要 1 次",
        "满意度样本 1 个（评价与问卷），本活动至少需要 2 个",
        "考核期内工单 2 张，本活动至少需要 3 张",
    ]
    no_inspection = {**rules_40_30_30, "weights": {"work": 70, "inspection": 0, "satisfaction": 30}}
    en = rules.not_ranked_reasons(metrics, 80.0, no_inspection, "en")
    assert en == [
        "1 satisfaction sample(s) (ratings and survey answers), the campaign needs 2",
        "2 ticket(s) in the period, the campaign needs 3",
    ]
    enough = {"quality_inspections": 1, "satisfaction_samples": 2, "volume": 3}
    assert rules.not_ranked_reasons(enough, 80.0, rules_40_30_30, "zh") == []


def test_a_veto_names_the_incident_and_whose_it_was() -> None:
    incident = {"kind": "service_quality", "unit_id": "k1", "occurred_at": "2031-11-12T02:00:00Z",
                "summary": "与就餐学生争吵"}  # fmt: skip
    text = rules.veto_words(incident, {"k1": "王师傅"}, "zh")
    assert text == "一票否决：2031-11-12 王师傅发生服务质量事件（经查属实）：与就餐学生争吵"
    assert "vetoed (one-vote veto)" in rules.veto_words(incident, {}, "en")


def test_the_composite_is_written_out() -> None:
    score = SimpleNamespace(
        composite=86.45, work_score=88.0, inspection_score=90.0, satisfaction_score=80.83
    )
    weights = {"work": 40, "inspection": 30, "satisfaction": 30}
    assert rules.composite_sum(weights, score) == "40% × 88.00 + 30% × 90.00 + 30% × 80.83 = 86.45"
    score.inspection_score = None  # no inspection, none needed: it counts 0
    assert rules.composite_sum(weights, score) == "40% × 88.00 + 30% × 0.00 + 30% × 80.83 = 86.45"
    score.composite = None
    assert rules.composite_sum(weights, score) is None
    assert rules.percent(0.66667) == "66.7%" and rules.percent(None) == "—"


def test_facts_show_as_words_never_ids() -> None:
    rows = [
        {"transfer_id": "t-1", "ticket_id": "x", "to_department_id": "maintenance",
         "to_team_id": "electricians", "reason": "不属于给排水", "at": "2026-12-05T00:16:02Z"},
    ]  # fmt: skip
    names = {"maintenance": "维修科", "electricians": "电工组"}
    heads, cells = rules.fact_table(rows, names, lambda m: f"{m:%m-%d %H:%M}", "zh")
    assert heads == ["转至部门", "转至班组", "原因", "时间"]
    assert cells == [["维修科", "电工组", "不属于给排水", "12-05 00:16"]]
    stage = [{"tracking_no": "FK1", "stage": "finish", "on_time": False, "due_at": None}]
    heads, cells = rules.fact_table(stage, {}, str, "en")
    assert cells == [["FK1", "finish", "no", "—"]]
    assert rules.fact_table([], {}, str, "zh") == ([], [])


def test_chart_data_in_percent_with_gaps_kept() -> None:
    trends = Trends.model_validate({
        "monthly": False,
        "periods": [{"first_day": "2026-11-01", "last_day": "2026-11-07", "label": "11月1日-11月7日"},
                    {"first_day": "2026-11-08", "last_day": "2026-11-14", "label": "11月8日-11月14日"}],
        "series": [{"unit_id": "m", "unit_name": "维修管理科", "on_time_rate": [0.6667, None],
                    "pass_rate": [1.0, 0.5], "satisfaction": [75.0, 91.67]}],
    })  # fmt: skip
    data = chart_data(trends, "zh")
    assert data["labels"] == ["11月1日-11月7日", "11月8日-11月14日"]
    by_id = {c["id"]: c for c in data["charts"]}
    assert by_id["on_time_rate"]["lines"] == [{"name": "维修管理科", "values": [66.67, None]}]
    assert by_id["pass_rate"]["lines"][0]["values"] == [100.0, 50.0]
    assert by_id["satisfaction"]["lines"][0]["values"] == [75.0, 91.67]
    assert chart_data(trends, "en")["labels"] == ["11-01–11-07", "11-08–11-14"]
