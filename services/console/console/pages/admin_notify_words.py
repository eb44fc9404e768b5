"""Words for notify's codes on the admin pages (zh-CN, English): templates, audiences,
channels, priorities. A code not listed here is shown as it is."""

from __future__ import annotations

TEMPLATES = {
    "receipt": ("受理回执", "Receipt"), "ticket_opened": ("新工单", "New ticket"),
    "assigned": ("派单通知", "Assigned"), "confirm_request": ("请确认评价", "Please confirm"),
    "cannot_handle": ("无法办理告知", "Cannot be done"),
    "cannot_handle_superior": ("无法办理上报", "Cannot be done: reported up"),
    "overdue": ("超时督办", "Overdue"), "recurring": ("重复问题", "Recurring problem"),
    "praise": ("表扬通知", "Praise"), "score": ("评分结果", "Scores"),
    "awards": ("评优公布", "Awards published"),
}  # fmt: skip
AUDIENCES = {
    "reporter": ("报修人", "reporter"), "assignee": ("承办人", "assignee"),
    "superior": ("上级", "superior"), "team_queue": ("班组工单池", "team queue"),
    "team_lead": ("班组长", "team lead"), "department_head": ("科室负责人", "department head"),
    "department_heads": ("各科室负责人", "all department heads"),
    "supervisors": ("质量监督小组", "quality supervisors"),
    "division_leaders": ("分管领导", "division leaders"),
}  # fmt: skip
CHANNELS = {
    "inbox": ("站内消息", "in-app inbox"), "email": ("电子邮件", "e-mail"),
    "wecom": ("企业微信机器人", "WeCom robot"), "dingtalk": ("钉钉机器人", "DingTalk robot"),
    "feishu": ("飞书机器人", "Feishu robot"), "webhook": ("Webhook", "webhook"),
    "sms": ("短信", "SMS"),
}  # fmt: skip
PRIORITIES = {"low": ("低", "low"), "normal": ("普通", "normal"), "high": ("高", "high"),
              "urgent": ("紧急", "urgent")}  # fmt: skip


def word(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def event_word(event_type: str) -> str:
    """houqin.tickets.TicketAssigned.v1 -> TicketAssigned."""
    parts = event_type.split(".")
    return parts[2] if len(parts) >= 4 else event_type
