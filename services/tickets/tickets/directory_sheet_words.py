"""The directory workbook's sheets, columns and words, and each row error's reason in zh-CN and
English. No I/O."""

from __future__ import annotations

TITLE = "班组划分表"
# sheet -> {column header: required}, in the order they are written
SHEETS: dict[str, dict[str, bool]] = {
    TITLE: {"科室": False, "序号": False, "班组": True, "备注": False, "班组编号": True,
            "英文名称": False, "班组长账号": False},
    "科室": {"科室": True, "编号": True, "英文名称": False, "负责人账号": False},
    "人员": {"账号": True, "姓名": True, "科室": False, "班组": False, "角色": False, "电话": False,
             "邮箱": False, "企业微信": False, "钉钉": False, "飞书": False, "在岗": False},
    "岗位": {"班组": True, "岗位": True, "编号": True, "主岗账号": False, "辅岗账号": False},
    "区域": {"编号": True, "名称": True, "类型": True, "上级编号": False, "英文名称": False},
    "责任区": {"区域编号": False, "类别": True, "班组": False, "科室": False, "岗位编号": False},
}  # fmt: skip
ROLE_NAMES = {
    "员工": "staff", "班组长": "team_lead", "科室负责人": "dept_head", "质量监督": "supervisor",
    "领导": "leader", "管理员": "admin", "前台": "front_desk", "报修人": "reporter",
}  # fmt: skip
ROLE_WORDS = {code: word for word, code in ROLE_NAMES.items()}
AREA_KINDS = {"校区": "campus", "楼栋": "building", "楼层": "floor", "房间": "room"}
AREA_WORDS = {code: word for word, code in AREA_KINDS.items()}
YES = ("是", "true", "yes", "1", "在岗")

_REASONS: dict[str, tuple[str, str]] = {
    "required": ("「{column}」不能为空", "'{column}' must not be empty"),
    "duplicate": ("编号重复：{value}（与上面第 {row} 行相同）", "listed twice: {value} (as on row {row})"),
    "department_unknown": ("没有名为「{value}」的科室（先在「科室」表中添加）",
                           "no department named '{value}' (add it on the 科室 sheet first)"),
    "department_ambiguous": ("有多个科室名为「{value}」，请填写编号",
                             "several departments are named '{value}': give its code"),
    "team_unknown": ("没有名为「{value}」的班组（先在「班组划分表」中添加）",
                     "no team named '{value}' (add it on the 班组划分表 sheet first)"),
    "team_ambiguous": ("有多个班组名为「{value}」，请填写班组编号",
                       "several teams are named '{value}': give its code"),
    "staff_unknown": ("没有账号为「{value}」的人员（先在「人员」表中添加）",
                      "nobody has the account '{value}' (add them on the 人员 sheet first)"),
    "staff_ambiguous": ("账号「{value}」不唯一", "the account '{value}' is not unique"),
    "area_unknown": ("没有编号为「{value}」的区域", "no area has the code '{value}'"),
    "area_ambiguous": ("区域编号「{value}」不唯一", "the area code '{value}' is not unique"),
    "post_unknown": ("没有编号为「{value}」的岗位", "no post has the code '{value}'"),
    "post_ambiguous": ("岗位编号「{value}」不唯一", "the post code '{value}' is not unique"),
    "role_unknown": ("不认识的角色「{value}」（可填：员工、班组长、科室负责人、质量监督、领导、管理员、前台）",
                     "unknown role '{value}' (员工, 班组长, 科室负责人, 质量监督, 领导, 管理员, 前台)"),
    "yes_no": ("「{column}」请填“是”或“否”，不是「{value}」", "'{column}' is 是 or 否, not '{value}'"),
    "area_kind": ("类型应为校区、楼栋、楼层或房间，不是「{value}」",
                  "the type is 校区, 楼栋, 楼层 or 房间, not '{value}'"),
    "backup_same": ("辅岗不能与主岗是同一人", "the backup cannot be the primary"),
    "unit_required": ("请填写负责的班组或科室", "give the team or department responsible"),
    "invalid": ("「{column}」的值「{value}」不符合要求（编号只用小写字母、数字和 - _ .，名称不超过 200 字）",
                "'{column}' cannot be '{value}' (codes use a-z, 0-9, - _ .; names up to 200"
                " characters)"),
    "column_missing": ("缺少「{column}」列", "the '{column}' column is missing"),
    "header_missing": ("找不到表头（应有：{value}）", "no header row found (expected: {value})"),
    "too_many_rows": ("行数超过 {value} 行", "more than {value} rows"),
    "unresolved": ("无法对应：{value}", "does not resolve: {value}"),
}  # fmt: skip


def reason(code: str, value: str, column: str) -> tuple[str, str]:
    """The row error's reason, (zh-CN, English)."""
    zh, en = _REASONS.get(code, ("「{column}」有误：{value}", "'{column}' is wrong: {value}"))
    row = ""
    if code == "duplicate" and "@" in value:
        value, row = value.rsplit("@", 1)
    return (
        zh.format(column=column, value=value, row=row),
        en.format(column=column, value=value, row=row),
    )
