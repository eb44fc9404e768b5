"""An API's refusal in the reader's words: the catalogued title of its problem `type`
(houqin_shared.problem_types), and a message next to each field it names."""

from __future__ import annotations

from typing import Literal

from console.api import ApiProblem
from houqin_shared import field_errors, problem_types

# The form fields of the console's forms, as the APIs' validation errors name them.
FIELD_WORDS: dict[str, tuple[str, str]] = {
    "category": ("请选择类别", "Choose a category"),
    "building": ("请选择楼栋", "Choose a building"),
    "floor": ("楼层格式不对（如 3、B1）", "A floor like 3 or B1"),
    "room": ("房间号格式不对（如 312）", "A room like 312"),
    "text": ("地点描述太长或含有不允许的字符", "The place is too long or has forbidden characters"),
    "description": ("请描述问题（1 到 4000 字）", "Describe the problem (1 to 4000 characters)"),
    "contact": ("联系方式太长或格式不对", "The contact is too long or not valid"),
    "reason": ("请说明哪里没修好", "Say what is not fixed"),
    "comment": ("低分请写下原因", "A low score needs a comment"),
    "tracking_no": ("编号格式如 FK20261204-0042", "A tracking number like FK20261204-0042"),
    "code": ("查询码为 8 位字母数字", "The access code has 8 letters and digits"),
    "quality": ("请为质量打分", "Rate the quality"),
    "timeliness": ("请为及时性打分", "Rate the timeliness"),
    "attitude": ("请为服务态度打分", "Rate the attitude"),
}


def _lang(lang: str) -> Literal["zh", "en"]:
    return "en" if lang == "en" else "zh"


def message(problem: ApiProblem, lang: str) -> str:
    """The sentence to show for the whole form."""
    if problem_types.lookup(problem.type) is not None:
        return problem_types.title_of(problem.type, _lang(lang))
    text = problem.detail or problem.title
    if lang == "en":
        return text
    return f"未能完成：{text}" if text else "未能完成，请稍后重试"


def field_messages(problem: ApiProblem, lang: str) -> dict[str, str]:
    """A message for each field the API's validation errors name, from their stable codes."""
    return {
        name: field_errors.field_message(str(e.get("type", "")), e.get("ctx"), _lang(lang))
        for name, e in problem.fields().items()
    }


def field_word(name: str, lang: str) -> str:
    words = FIELD_WORDS[name]
    return words[1] if lang == "en" else words[0]
