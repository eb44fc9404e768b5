"""A nomination as its paper recommendation form (seed 002 附表1–3; pure): the header of its
unit type, the deeds signed by the chain's first step (班组长签字 on 附表2–3; the department's
签章 on 附表1) and one row per further step (科室意见, 分管处领导意见, 处长意见) with the
latest decision at that step, who signed it (by name) and when. The attached scores show as
the form's 评选依据 row."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scoring.award_documents import RecommendationForm, Signature

DECIDED = {"approve": "", "return": "退回：", "reject": "不同意："}


def score_line(score: dict[str, Any]) -> str:
    if score.get("composite") is not None:
        rank = f"，排名第 {score['rank']} 名" if score.get("rank") else ""
        return f"综合得分 {score['composite']:.2f}{rank}"
    if score.get("votes"):
        return f"师生投票 {score['votes']} 票"
    return "未排名" + (
        f"（{score['not_ranked_reason']}）" if score.get("not_ranked_reason") else ""
    )


def header(n: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    dept = names.get(n["department_id"] or "", "")
    basis = ("评选依据", score_line(n["score"]))
    if n["unit_type"] == "department":
        return [("申报部门", n["unit_name"]), basis]
    if n["unit_type"] == "team":
        return [
            ("申报班组", n["unit_name"]),
            ("所属部门", dept),
            ("班组基本情况", score_line(n["score"])),
        ]
    if n["unit_type"] == "staff":
        team = names.get(n["team_id"] or "", "")
        return [
            ("姓名", n["unit_name"]),
            ("岗位", "职工"),
            ("所在班组", team),
            ("所属部门", dept),
            basis,
        ]
    return [("名称", n["unit_name"]), ("所属部门", dept), basis]


def signature(
    step: dict[str, str], rows: list[dict[str, Any]], people: dict[str, str], tz: str
) -> Signature:
    """The latest decision at `step` (empty when the form has not reached it)."""
    mine = [r for r in rows if r["step"] == step["code"]]
    if not mine:
        return Signature(step["label"])
    last = mine[-1]
    when: datetime = last["signed_at"]
    comment = DECIDED.get(last["decision"], "") + (last["comment"] or "")
    if last["decision"] == "approve" and not last["comment"]:
        comment = "同意。"
    who = last["signed_name"] or people.get(last["signed_by"], "")
    return Signature(step["label"], comment, who, when.astimezone(ZoneInfo(tz)).date())


def form(
    campaign: dict[str, Any], kind: dict[str, Any], n: dict[str, Any],
    names: dict[str, str], people: dict[str, str],
) -> RecommendationForm:  # fmt: skip
    title = (kind.get("form") or "").split(" ", 1)[-1] or f"“{kind['name']}”推荐表"
    chain, rows, tz = n["chain"], n["signoffs"], campaign["timezone"]
    sigs = [signature(s, rows, people, tz) for s in chain]
    first = sigs[0] if sigs else None
    if first is not None:
        word = "班组长签字" if chain[0]["scope"] == "team" else "签章"
        first = Signature(word, "", first.signed, first.on)
    return RecommendationForm(
        f"{campaign['name']}活动{title}", header(n, names), n["deeds"], first, sigs[1:]
    )
