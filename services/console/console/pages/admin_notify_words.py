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


EVENTS = {
    "ComplaintFiled": ("收到报修、投诉或建议", "a report is filed"),
    "TicketOpened": ("开出工单", "a ticket is opened"), "TicketAssigned": ("派单", "a ticket is assigned"),
    "TicketStatusChanged": ("工单状态变化", "a ticket's status changes"),
    "RectificationOverdue": ("超时督办", "a ticket or rectification runs late"),
    "RecurringProblemDetected": ("发现重复问题", "a problem recurs"),
    "PraiseReceived": ("收到表扬", "a praise arrives"),
    "ScoreComputed": ("评分结果更新", "scores are computed"),
    "AwardsPublished": ("评优结果公布", "awards are published"),
}  # fmt: skip


def event_word(event_type: str, lang: str = "zh") -> str:
    """houqin.tickets.TicketAssigned.v1 -> 派单 (or the type's name when not listed)."""
    parts = event_type.split(".")
    name = parts[2] if len(parts) >= 4 else event_type
    return word(EVENTS, name, lang)
