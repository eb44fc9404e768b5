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
    "due_soon": ("即将超时提醒", "Due soon"), "chased": ("督办通知", "Chased"),
    "merged": ("工单合并通知", "Tickets merged"),
    "rectification_opened": ("整改通知", "Rectification opened"),
    "rectification_rejected": ("整改验收未通过", "Rectification rejected"),
    "survey_invitation": ("满意度测评邀请", "Survey invitation"),
}  # fmt: skip
AUDIENCES = {
    "reporter": ("报修人", "reporter"), "assignee": ("承办人", "assignee"),
    "superior": ("上级", "superior"), "team_queue": ("班组工单池", "team queue"),
    "team_lead": ("班组长", "team lead"), "department_head": ("科室负责人", "department head"),
    "department_heads": ("各科室负责人", "all department heads"),
    "supervisors": ("质量监督小组", "quality supervisors"),
    "division_leaders": ("分管领导", "division leaders"),
    "responsible": ("责任人", "the person responsible"),
    "invitees": ("受邀人", "those invited"),
}  # fmt: skip
CHANNELS = {
    "inbox": ("站内消息", "In-app inbox"), "email": ("电子邮件", "E-mail"),
    "wecom": ("企业微信机器人", "WeCom robot"), "dingtalk": ("钉钉机器人", "DingTalk robot"),
    "feishu": ("飞书机器人", "Feishu robot"), "webhook": ("网络钩子", "Webhook"),
    "sms": ("短信", "SMS"),
}  # fmt: skip
PRIORITIES = {"low": ("低", "Low"), "normal": ("普通", "Normal"), "high": ("高", "High"),
              "urgent": ("紧急", "Urgent")}  # fmt: skip


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
    "RectificationOpened": ("开出整改事项", "a rectification item is opened"),
    "RectificationRejected": ("整改验收未通过", "a rectification is rejected"),
    "TicketChased": ("督办工单", "a ticket is chased"),
    "TicketMerged": ("工单合并", "tickets are merged"),
    "SurveyInvitationsIssued": ("发出测评邀请", "survey invitations are sent"),
}  # fmt: skip
# A rule's conditions (its `match`): the field, and words for its values.
MATCH_FIELDS = {
    "level": ("督办级别", "level"), "warning": ("即将超时提醒", "due-soon warning"),
    "status": ("状态", "status"), "team_id": ("班组", "team"), "kind": ("类别", "kind"),
    "urgency": ("紧急程度", "urgency"),
}  # fmt: skip
MATCH_VALUES = {
    "True": ("是", "yes"), "False": ("否", "no"), "None": ("无（不针对班组）", "none"),
    "resolved": ("已完工，待确认评价", "resolved"),
    "cannot_handle": ("无法办理", "cannot be done"), "closed": ("已完成", "closed"),
    "low": ("一般", "low"), "normal": ("普通", "normal"), "urgent": ("紧急", "urgent"),
    "emergency": ("特急", "emergency"),
}  # fmt: skip


def condition_word(field: str, value: object, lang: str = "zh") -> str:
    """{'level': 2} -> 督办级别：2; {'warning': False} -> 即将超时提醒：否."""
    shown = word(MATCH_VALUES, str(value), lang)
    if lang == "en":
        return f"{word(MATCH_FIELDS, field, lang)}: {shown}"
    return f"{word(MATCH_FIELDS, field, lang)}：{shown}"


def event_word(event_type: str, lang: str = "zh") -> str:
    """houqin.tickets.TicketAssigned.v1 -> 派单 (or the type's name when not listed)."""
    parts = event_type.split(".")
    name = parts[2] if len(parts) >= 4 else event_type
    return word(EVENTS, name, lang)
