"""What a form shows next to a field: the codes of a validation problem's `errors` in zh-CN and
English.

A `validation` problem (houqin_shared.problem_types) lists one item per field with `loc`, `type`
(a stable code) and `ctx` (the code's parameters). The codes are pydantic's own (`missing`,
`string_too_long` with `max_length` ...) and the services' rules, raised in a validator with
`raise invalid_field("rating_comment_required", low=2)`. `field_message(code, ctx, lang)` is
the text for a user; an unknown code gets a plain fallback.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

from houqin_shared.problem_types import Lang

# fmt: off
PYDANTIC = {
    "missing": ("此项必填", "This field is required"),
    "extra_forbidden": ("不认识此项，请删除", "This field is not expected"),
    "string_type": ("请填写文字", "Enter text"),
    "string_too_short": ("至少 {min_length} 个字", "At least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字", "At most {max_length} characters"),
    "string_pattern_mismatch": ("格式不正确或含有不允许的字符", "Wrong format or a character that is not allowed"),
    "string_blank": ("此项不能只填空格", "This field cannot be only spaces"),
    "string_unicode": ("文字编码有误", "The text is not valid Unicode"),
    "int_parsing": ("请填写整数", "Enter a whole number"),
    "int_type": ("请填写整数", "Enter a whole number"),
    "int_from_float": ("请填写整数", "Enter a whole number"),
    "float_parsing": ("请填写数字", "Enter a number"),
    "float_type": ("请填写数字", "Enter a number"),
    "finite_number": ("请填写有限的数字", "Enter a finite number"),
    "bool_parsing": ("请选择是或否", "Choose yes or no"),
    "bool_type": ("请选择是或否", "Choose yes or no"),
    "greater_than": ("须大于 {gt}", "Must be greater than {gt}"),
    "greater_than_equal": ("不能小于 {ge}", "Must be at least {ge}"),
    "less_than": ("须小于 {lt}", "Must be less than {lt}"),
    "less_than_equal": ("不能大于 {le}", "Must be at most {le}"),
    "multiple_of": ("须为 {multiple_of} 的倍数", "Must be a multiple of {multiple_of}"),
    "too_short": ("至少 {min_length} 项", "At least {min_length} items"),
    "too_long": ("最多 {max_length} 项", "At most {max_length} items"),
    "list_type": ("请给出一个列表", "Give a list"),
    "dict_type": ("请给出一组键值", "Give an object"),
    "model_type": ("请给出一组键值", "Give an object"),
    "model_attributes_type": ("请给出一组键值", "Give an object"),
    "enum": ("请从 {expected} 中选择", "Choose one of {expected}"),
    "literal_error": ("请从 {expected} 中选择", "Choose one of {expected}"),
    "uuid_parsing": ("编号格式不正确", "Not a valid id"),
    "uuid_type": ("编号格式不正确", "Not a valid id"),
    "date_parsing": ("日期格式不正确（如 2026-09-01）", "Not a valid date (like 2026-09-01)"),
    "date_from_datetime_parsing": ("日期格式不正确（如 2026-09-01）", "Not a valid date (like 2026-09-01)"),
    "date_type": ("日期格式不正确（如 2026-09-01）", "Not a valid date (like 2026-09-01)"),
    "datetime_parsing": ("时间格式不正确", "Not a valid date and time"),
    "datetime_from_date_parsing": ("时间格式不正确", "Not a valid date and time"),
    "datetime_type": ("时间格式不正确", "Not a valid date and time"),
    "time_parsing": ("时刻格式不正确（如 08:30）", "Not a valid time of day (like 08:30)"),
    "time_type": ("时刻格式不正确（如 08:30）", "Not a valid time of day (like 08:30)"),
    "timezone_aware": ("请带上时区", "Give a time zone"),
    "timezone_naive": ("请不要带时区", "Give no time zone"),
    "url_parsing": ("网址格式不正确", "Not a valid URL"),
    "url_type": ("网址格式不正确", "Not a valid URL"),
    "url_scheme": ("网址须以 {expected_schemes} 开头", "The URL must start with {expected_schemes}"),
    "url_too_long": ("网址过长", "The URL is too long"),
    "json_invalid": ("内容不是有效的 JSON", "The body is not valid JSON"),
    "json_type": ("内容不是有效的 JSON", "The body is not valid JSON"),
    "union_tag_invalid": ("类型不正确", "Not one of the allowed kinds"),
    "value_error": ("此项填写有误", "This value is not valid"),
    "assertion_error": ("此项填写有误", "This value is not valid"),
}
# The services' own rules (raised with invalid_field).
RULES = {
    "rating_comment_required": ("评分在 {low} 分及以下时请写下原因", "A score of {low} or below needs a comment"),
    "not_fixed_reason_required": ("请说明哪里没有修好", "Say why it is not fixed"),
    "coordinates_incomplete": ("经度和纬度需同时提供", "Give latitude and longitude together"),
    "place_required": ("请选择楼宇，或填写地点，或给出经纬度", "Say where: a building, a place or latitude/longitude"),
    "building_required": ("填写楼层或房间前请先选择楼宇", "A floor or room needs its building"),
    "period_reversed": ("结束日期不能早于开始日期", "The end is before the start"),
    "campaign_day_out_of_range": ("考核日期须在 {first} 到 {last} 之间", "Campaign days lie between {first} and {last}"),
    "campaign_too_long": ("考核期最长 {years} 年", "A campaign lasts at most {years} years"),
    "closes_before_opens": ("截止时间须晚于开始时间", "Closing must be after opening"),
    "timezone_unknown": ("没有该时区", "Unknown time zone"),
    "quiet_hours_pair": ("免打扰时段请同时填写开始和结束", "Give both the start and the end of quiet hours, or neither"),
    "quiet_hours_empty": ("免打扰时段的开始和结束不能相同", "Quiet hours must not start and end at the same time"),
    "limits_shrink": ("时限须依次为受理 ≤ 到场 ≤ 完成", "Limits must not shrink from accept to arrive to finish"),
    "urgency_repeated": ("每个紧急程度只能设置一次时限", "Give each urgency's limits once"),
    "escalation_levels_order": ("督办一至三级须依次递增，一级不早于时限（100%），最多 2000%", "Levels 1 to 3 must increase, level 1 at 100% of the limit or later, none above 2000%"),
    "question_ids_repeated": ("题目编号不能重复", "Question ids must be unique"),
    "unit_repeated": ("每个对象只能列出一次", "Each unit may be listed once"),
    "weights_sum": ("各项权重之和须为 100", "The weights must add up to 100"),
    "weekday_out_of_range": ("星期须为 0（周一）到 6（周日）", "Weekdays are 0 (Monday) to 6 (Sunday)"),
    "working_hours_invalid": ("工作时段须按顺序、不为空且不重叠", "Working hours must be ordered, non-empty and not overlap"),
    "closed_period_reversed": ("停工时段的结束不能早于开始", "A closed period must not end before it starts"),
    "calendar_empty": ("工作日历需要工作时段和工作日", "A working calendar needs working hours and working weekdays"),
    "leave_timezone_required": ("请假的开始和结束时间请带上时区", "Leave start and end need a time zone"),
    "leave_reversed": ("请假的结束须晚于开始", "Leave must end after it starts"),
    "responsibility_unit_required": ("责任划分须指定班组或部门", "A responsibility needs a team or a department"),
    "event_type_unhandled": ("通知服务不处理该事件类型", "Notify does not handle this event type"),
    "event_field_unknown": ("该事件没有此字段", "The event has no such field"),
    "template_unknown": ("没有该消息模板", "No such template"),
    "template_event_mismatch": ("该模板属于另一事件类型", "The template is for another event type"),
    "score_above_maximum": ("{name}：得分超过满分", "{name}: the score is above its maximum"),
    "code_repeated": ("同一编号或对象只能出现一次", "Each code or unit may appear once"),
}
# fmt: on
FIELD_ERRORS: dict[str, tuple[str, str]] = {**PYDANTIC, **RULES}
FALLBACK = ("此项填写有误", "This value is not valid")


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def field_message(code: str, ctx: dict[str, Any] | None, lang: Lang) -> str:
    """The text a form shows for one `errors` item, its parameters filled in."""
    zh, en = FIELD_ERRORS.get(code, FALLBACK)
    return (zh if lang == "zh" else en).format_map(_Blank(ctx or {}))


def invalid_field(code: str, **ctx: Any) -> PydanticCustomError:
    """Raise in a pydantic validator: the error's `type` is `code` (one of RULES), its `msg` the
    English text and its `ctx` the parameters, so a client can translate it."""
    return PydanticCustomError(code, RULES[code][1], ctx or None)
