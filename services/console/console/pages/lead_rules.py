"""The leaders' pages' plain rules (no I/O): the campaign form to the API's body and back, each
field's error in words, and why a unit is not ranked or is vetoed, in the reader's language.

The API states the same rules (scoring.schemas); checking the form first keeps what was typed
and puts a sentence beside the very field, and the API's own refusal (`campaign-invalid`, its
`errors` by location) is mapped to the same fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from console.api import ApiProblem
from houqin_shared import field_errors


@dataclass(frozen=True)
class Number:
    """A number field of the form: where it goes in the body and its bounds."""

    path: tuple[str, ...]
    low: float
    high: float
    whole: bool = True
    default: float = 0


NUMBERS: dict[str, Number] = {
    "w_work": Number(("weights", "work"), 0, 100, default=40),
    "w_inspection": Number(("weights", "inspection"), 0, 100, default=30),
    "w_satisfaction": Number(("weights", "satisfaction"), 0, 100, default=30),
    "q_departments": Number(("quotas", "departments"), 0, 500, default=2),
    "q_teams": Number(("quotas", "teams"), 0, 100_000, default=7),
    "q_staff_percent": Number(("quotas", "staff_percent"), 0, 100, whole=False, default=10),
    "q_staff_min": Number(("quotas", "staff_min"), 0, 100_000, default=1),
    "m_satisfaction": Number(("min_samples", "satisfaction"), 0, 100_000, default=5),
    "m_inspections": Number(("min_samples", "inspections"), 0, 100_000, default=1),
    "m_tickets": Number(("min_samples", "tickets"), 0, 100_000, default=0),
    "praise_points": Number(("praise_points",), 0, 10, whole=False, default=0),
}
ROUNDINGS = ("half_up", "floor", "ceil")
VETO_KINDS = ("service_quality", "safety")
# The API's error locations (after "body") that are not a number field of the form.
FIELD_OF_LOC = {
    "name": "name",
    "period_start": "period_start",
    "period_end": "period_end",
    "timezone": "period_end",
    "departments": "departments",
    "rules.weights": "weights",
    "rules.quotas.rounding": "q_rounding",
    "rules.veto.kinds": "veto",
    "rules.veto.cascade": "veto",
}
# Codes of model-level refusals (no field in their location) and the field they are about.
FIELD_OF_CODE = {
    "period_reversed": "period_end",
    "campaign_too_long": "period_end",
    "campaign_day_out_of_range": "period_start",
    "timezone_unknown": "period_end",
    "weights_sum": "weights",
}
WORDS: dict[str, tuple[str, str]] = {
    "name": ("请填写活动名称（1 到 200 字，一行）", "give the campaign a name (1 to 200 characters, one line)"),
    "date": ("请填写日期，如 2026-12-01", "give a date like 2026-12-01"),
    "period_reversed": ("结束日期不能早于开始日期", "the end is before the start"),
    "whole": ("请填写 {low} 到 {high} 之间的整数", "give a whole number from {low} to {high}"),
    "number": ("请填写 {low} 到 {high} 之间的数", "give a number from {low} to {high}"),
    "weights_sum": ("三项权重之和须为 100，现在是 {total}", "the three weights must add up to 100, now {total}"),
    "rounding": ("请选择取整方式", "choose how the staff quota is rounded"),
    "mark": ("请填写 0 到 100 之间的分数", "give a mark from 0 to 100"),
    "justification": ("请写明评分理由（1 到 4000 字）", "give the reason for the mark (1 to 4000 characters)"),
}  # fmt: skip


def word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (en if lang == "en" else zh).format(**values)


def _number_text(value: float) -> str:
    return f"{value:g}"


def form_of(campaign: Any | None) -> dict[str, Any]:
    """The form's values for a campaign (None: a new one with the seed's defaults)."""
    rules: dict[str, Any] = dict(getattr(campaign, "rules", None) or {})
    form: dict[str, Any] = {
        "name": getattr(campaign, "name", ""),
        "period_start": str(getattr(campaign, "period_start", "") or ""),
        "period_end": str(getattr(campaign, "period_end", "") or ""),
        "departments": list(getattr(campaign, "departments", None) or []),
    }
    for field, spec in NUMBERS.items():
        value: Any = rules
        for part in spec.path:
            value = value.get(part) if isinstance(value, dict) else None
        form[field] = _number_text(spec.default if value is None else float(value))
    quotas = rules.get("quotas") or {}
    veto = rules.get("veto") or {}
    form["q_rounding"] = quotas.get("rounding", "half_up")
    form["veto_kinds"] = list(veto.get("kinds", VETO_KINDS))
    form["veto_cascade"] = bool(veto.get("cascade", True))
    return form


def _parse_number(text: str, spec: Number) -> float | None:
    try:
        value = float(text.strip()) if spec.whole is False else int(text.strip())
    except ValueError:
        return None
    if value != value or not spec.low <= value <= spec.high:  # NaN, or out of bounds
        return None
    return value


def parse_campaign(
    form: dict[str, Any], lang: str, timezone: str = "Asia/Shanghai"
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API's body from the form, and an error in words per field (empty: send it)."""
    problems: dict[str, str] = {}
    name = str(form.get("name", "")).strip()
    if not 1 <= len(name) <= 200 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        problems["name"] = word("name", lang)
    days: dict[str, date] = {}
    for field in ("period_start", "period_end"):
        try:
            days[field] = date.fromisoformat(str(form.get(field, "")).strip())
        except ValueError:
            problems[field] = word("date", lang)
    if len(days) == 2 and days["period_end"] < days["period_start"]:
        problems["period_end"] = word("period_reversed", lang)
    rules: dict[str, Any] = {"weights": {}, "quotas": {}, "min_samples": {}}
    for field, spec in NUMBERS.items():
        value = _parse_number(str(form.get(field, "")), spec)
        if value is None:
            key = "whole" if spec.whole else "number"
            problems[field] = word(
                key, lang, low=_number_text(spec.low), high=_number_text(spec.high)
            )
            continue
        target = rules
        for part in spec.path[:-1]:
            target = target[part]
        target[spec.path[-1]] = value
    weights = rules["weights"]
    if len(weights) == 3 and sum(weights.values()) != 100:
        problems["weights"] = word("weights_sum", lang, total=_number_text(sum(weights.values())))
    rounding = str(form.get("q_rounding", ""))
    if rounding not in ROUNDINGS:
        problems["q_rounding"] = word("rounding", lang)
    rules["quotas"]["rounding"] = rounding
    kinds = [k for k in form.get("veto_kinds", []) if k in VETO_KINDS]
    rules["veto"] = {"kinds": kinds, "cascade": bool(form.get("veto_cascade"))}
    departments = [str(d) for d in form.get("departments", []) if str(d)]
    body = {
        "name": name,
        "period_start": str(days.get("period_start", "")),
        "period_end": str(days.get("period_end", "")),
        "timezone": timezone,
        "departments": departments or None,
        "rules": rules,
    }
    return body, problems


def _field_of(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", []) if not isinstance(p, int)]
    if loc and loc[0] == "body":
        loc = loc[1:]
    dotted = ".".join(loc)
    for field, spec in NUMBERS.items():
        if dotted == "rules." + ".".join(spec.path):
            return field
    code = str(error.get("type", ""))
    return FIELD_OF_LOC.get(dotted) or FIELD_OF_CODE.get(code) or "_form"


def api_errors(problem: ApiProblem, lang: str) -> dict[str, str]:
    """The API's refusal of a campaign, beside the fields it names."""
    out: dict[str, str] = {}
    for error in problem.errors:
        text = field_errors.field_message(
            str(error.get("type", "")), error.get("ctx"), "en" if lang == "en" else "zh"
        )
        out.setdefault(_field_of(error), text)
    return out


# --- why a unit is not ranked, or vetoed ----------------------------------------------------

AWARDS = {
    "organisation": ("优秀组织奖", "best department (organisation award)"),
    "team": ("优秀班组", "best team"),
    "individual": ("优秀个人", "best staff member"),
}
INCIDENT_KINDS = {
    "service_quality": ("服务质量事件（经查属实）", "service-quality incident (verified)"),
    "safety": ("安全事故", "safety incident"),
}
UNIT_TYPES = {
    "department": ("部门", "departments"),
    "team": ("班组", "teams"),
    "staff": ("个人", "people"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def not_ranked_reasons(
    metrics: dict[str, Any], work: float | None, rules: dict[str, Any], lang: str
) -> list[str]:
    """Each reason a unit gets no rank, from its figures and the campaign's rules (the same
    rule as scoring.domain.not_ranked_reasons; a component weighted 0 needs no samples)."""
    weights = rules.get("weights") or {}
    mins = rules.get("min_samples") or {}
    en = lang == "en"
    out: list[str] = []
    if weights.get("work", 40) and work is None:
        out.append("no work mark entered by the leadership yet" if en
                   else "领导小组尚未录入部门工作成绩")  # fmt: skip
    need, have = int(mins.get("inspections", 1)), int(metrics.get("quality_inspections", 0))
    if weights.get("inspection", 30) and have < need:
        out.append(f"{have} quality inspection(s), the campaign needs {need}" if en
                   else f"质量检查 {have} 次，本活动至少需要 {need} 次")  # fmt: skip
    need, have = int(mins.get("satisfaction", 5)), int(metrics.get("satisfaction_samples", 0))
    if weights.get("satisfaction", 30) and have < need:
        out.append(f"{have} satisfaction sample(s) (ratings and survey answers), the campaign"
                   f" needs {need}" if en
                   else f"满意度样本 {have} 个（评价与问卷），本活动至少需要 {need} 个")  # fmt: skip
    need, have = int(mins.get("tickets", 0)), int(metrics.get("volume", 0))
    if have < need:
        out.append(f"{have} ticket(s) in the period, the campaign needs {need}" if en
                   else f"考核期内工单 {have} 张，本活动至少需要 {need} 张")  # fmt: skip
    return out


def veto_words(incident: dict[str, Any], names: dict[str, str], lang: str) -> str:
    """一票否决 by one incident: its kind, whose it was and what happened."""
    kind = pick(INCIDENT_KINDS.get(str(incident.get("kind")), ("事件", "incident")), lang)
    whose = names.get(str(incident.get("unit_id")), "")
    day = str(incident.get("occurred_at", ""))[:10]
    summary = str(incident.get("summary", ""))
    if lang == "en":
        return f"vetoed (one-vote veto): {kind} of {whose or 'a unit'} on {day}: {summary}"
    return f"一票否决：{day} {whose}发生{kind}：{summary}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def composite_sum(weights: dict[str, Any], score: Any) -> str | None:
    """The composite written out: 40% × 88.00 + 30% × 90.00 + 30% × 83.33 = 87.00."""
    parts = (
        (weights.get("work", 40), score.work_score),
        (weights.get("inspection", 30), score.inspection_score),
        (weights.get("satisfaction", 30), score.satisfaction_score),
    )
    if score.composite is None:
        return None
    # a component without samples counts 0 (scoring's rule, where the campaign asks no samples)
    terms = " + ".join(f"{w:g}% × {points(v or 0.0)}" for w, v in parts if w)
    return f"{terms} = {points(score.composite)}"


# --- the facts behind a score, as tables --------------------------------------------------

COMPONENTS = {
    "tickets": ("工单", "tickets"),
    "stages": ("各环节完成", "stage completions"),
    "closed": ("办结", "closures"),
    "ratings": ("评价", "ratings"),
    "confirmations": ("确认", "confirmations"),
    "surveys": ("满意度测评", "survey answers"),
    "votes": ("投票", "votes"),
    "inspections": ("检查", "inspections"),
    "overdue": ("超时督办", "overdue items"),
    "transfers": ("转办", "transfers"),
    "praises": ("表扬", "praises"),
    "rectifications": ("整改验收", "rectification results"),
    "recurring": ("重复出现的问题", "recurring problems"),
}
COLUMNS: dict[str, tuple[str, str]] = {
    "tracking_no": ("编号", "number"), "category": ("类别", "category"),
    "opened_at": ("受理时间", "opened"), "stage": ("环节", "stage"), "on_time": ("按时", "on time"),
    "due_at": ("时限", "due"), "completed_at": ("完成时间", "done"),
    "closed_at": ("办结时间", "closed"), "reopened_at": ("返工", "reopened"),
    "fix_rejected_at": ("反馈未修好", "fix rejected"), "passed": ("合格", "passed"),
    "quality": ("质量", "quality"), "timeliness": ("及时", "timeliness"),
    "attitude": ("态度", "attitude"), "comment": ("评语", "comment"),
    "rated_at": ("评价时间", "rated"), "counts_as": ("计分", "counts as"),
    "outcome": ("结果", "outcome"), "at": ("时间", "when"), "reason": ("原因", "reason"),
    "to_department_id": ("转至部门", "to department"), "to_team_id": ("转至班组", "to team"),
    "kind": ("类型", "kind"), "score": ("得分", "score"), "responses": ("人数", "responses"),
    "level": ("级别", "level"), "detected_at": ("发现时间", "detected"),
    "inspected_at": ("检查时间", "inspected"), "cast_at": ("投票时间", "cast"),
    "title": ("名称", "title"), "received_at": ("时间", "received"),
    "occurred_at": ("发生时间", "occurred"), "summary": ("经过", "what happened"),
    "count": ("次数", "times"), "weight": ("权重", "weight"),
}  # fmt: skip
NAMED = {"to_department_id", "to_team_id", "department_id", "team_id", "unit_id", "category"}
VALUES = {
    "accept": ("接单", "accept"), "arrive": ("到场", "arrive"), "finish": ("完工", "finish"),
    "confirmed": ("已确认", "confirmed"), "rejected": ("未修好", "not fixed"),
    "auto": ("自动确认", "auto-confirmed"), "quality": ("质量检查", "quality"),
    "safety": ("安全检查", "safety"), "service_quality": ("服务质量", "service quality"),
    "auto_confirmed": ("自动确认", "auto-confirmed"), "on_time": ("按期通过", "on time"),
    "late": ("逾期通过", "late"),
}  # fmt: skip


def fact_table(
    rows: list[dict[str, Any]], names: dict[str, str], when: Any, lang: str
) -> tuple[list[str], list[list[str]]]:
    """A component's facts as headers and text cells: times as people say them, yes/no in
    words, units by name, and no ids (the tracking number names a ticket)."""
    if not rows:
        return [], []
    keys = [k for k in rows[0] if k in COLUMNS and (not k.endswith("_id") or k in NAMED)]
    en = lang == "en"
    cells: list[list[str]] = []
    for row in rows:
        line = []
        for k in keys:
            v = row.get(k)
            if v is None or v == "":
                line.append("—")
            elif isinstance(v, bool):
                line.append(("yes" if v else "no") if en else ("是" if v else "否"))
            elif k in NAMED:
                line.append(names.get(str(v), "—" if k.endswith("_id") else str(v)))
            elif k.endswith("_at") or k == "at":
                line.append(_moment(v, when))
            elif isinstance(v, str) and v in VALUES:
                line.append(pick(VALUES[v], lang))
            else:
                line.append(f"{v:g}" if isinstance(v, float) else str(v))
        cells.append(line)
    return [pick(COLUMNS[k], lang) for k in keys], cells


def _moment(value: Any, when: Any) -> str:
    try:
        return str(when(datetime.fromisoformat(str(value))))
    except ValueError:
        return str(value)
