"""The words for the APIs' values, zh-CN first and English second (CONSOLE.md's word table).

Every page shows a status, urgency, kind, stage or channel through `label()`, never the raw value.
"""

from __future__ import annotations

Pair = tuple[str, str]  # (zh-CN, en)

KIND: dict[str, Pair] = {
    "repair": ("报修", "repair"),
    "complaint": ("投诉", "complaint"),
    "suggestion": ("建议", "suggestion"),
    "praise": ("表扬", "praise"),
    "consultation": ("咨询", "question"),
}

# A report's or ticket's status as the reporter reads it.
STATUS: dict[str, Pair] = {
    "filed": ("待受理", "received"),
    "new": ("待受理", "received"),
    "open": ("待受理", "received"),
    "ticket_opened": ("已受理", "accepted for handling"),
    "assigned": ("已派单", "assigned"),
    "accepted": ("已接单", "accepted"),
    "on_site": ("已到场", "on site"),
    "paused": ("已暂停", "paused"),
    "resumed": ("已恢复", "resumed"),
    "reopened": ("已返工", "reopened"),
    "in_progress": ("处理中", "in progress"),
    "resolved": ("待确认评价", "awaiting your confirmation"),
    "awaiting_confirmation": ("待确认评价", "awaiting your confirmation"),
    "confirmed": ("已完成", "done"),
    "closed": ("已完成", "done"),
    "not_fixed": ("未修好，返工中", "not fixed, being redone"),
    "cannot_handle": ("无法办理（已上报）", "cannot be done here (reported up)"),
    "transferred": ("已转办", "transferred"),
    "answered": ("已答复", "answered"),
    "linked": ("已合并", "merged with another report"),
}

# The timeline's kinds of step (feedback's timeline entries).
STEP: dict[str, Pair] = {
    "filed": ("已提交", "filed"),
    "status": ("状态更新", "status changed"),
    "ticket_opened": ("已受理，生成工单", "ticket opened"),
    "assigned": ("已派单", "assigned"),
    "transfer_requested": ("申请转办", "transfer asked"),
    "transfer_accepted": ("已转办", "transferred"),
    "transfer_rejected": ("转办被拒", "transfer refused"),
    "reply": ("答复", "reply"),
    "explanation": ("说明", "explanation"),
    "reporter_answer": ("我的回复", "my answer"),
    "confirmed": ("已确认修好", "fix confirmed"),
    "rejected": ("反馈未修好", "reported not fixed"),
    "me_too": ("有人也遇到了", "someone else has it too"),
    "photo_added": ("补充照片", "photo added"),
    "linked": ("合并到同一问题", "linked to the same problem"),
    "auto_confirmed": ("超时自动确认", "confirmed automatically"),
}

URGENCY: dict[str, Pair] = {
    "low": ("一般", "low"),
    "normal": ("普通", "normal"),
    "urgent": ("紧急", "urgent"),
    "emergency": ("特急", "emergency"),
}

STAGE: dict[str, Pair] = {
    "accept": ("接单时限", "accept by"),
    "arrive": ("到场时限", "arrive by"),
    "finish": ("完工时限", "finish by"),
}

CHANNEL: dict[str, Pair] = {
    "web": ("网上报修", "web"),
    "wechat": ("微信", "WeChat"),
    "hotline": ("服务热线", "hotline"),
    "suggestion_box": ("意见箱", "suggestion box"),
    "reception_day": ("后勤接待日", "reception day"),
    "inspection": ("检查发现", "inspection"),
    "external": ("其他系统", "other system"),
}

WARNING: dict[str, Pair] = {
    "warning": ("即将超时", "due soon"),
    "level1": ("一级督办", "overdue level 1"),
    "level2": ("二级督办", "overdue level 2"),
    "level3": ("三级督办", "overdue level 3"),
}

TABLES: dict[str, dict[str, Pair]] = {
    "kind": KIND,
    "status": STATUS,
    "step": STEP,
    "urgency": URGENCY,
    "stage": STAGE,
    "channel": CHANNEL,
    "warning": WARNING,
}

# 我的报修's tabs: which report statuses each holds.
TABS: dict[str, Pair] = {
    "waiting": ("待受理", "received"),
    "working": ("处理中", "in progress"),
    "confirm": ("待确认评价", "to confirm"),
    "done": ("已完成", "done"),
}


def label(table: str, value: str | None, lang: str) -> str:
    """The word for `value` in `lang` ('zh' or 'en'); an unknown value shows as itself."""
    if value is None:
        return ""
    pair = TABLES[table].get(value)
    if pair is None:
        return value.replace("_", " ")
    return sentence_case(pair[1]) if lang == "en" else pair[0]


def sentence_case(word: str) -> str:
    """A label stands alone (a badge, an option, a step): English starts it with a capital."""
    return word[:1].upper() + word[1:]


def tab_of(status: str, ticket_status: str | None, awaiting_confirmation: bool) -> str:
    """Which 我的报修 tab a report belongs in."""
    if awaiting_confirmation:
        return "confirm"
    if status in ("confirmed", "closed", "answered") or ticket_status == "closed":
        return "done"
    if status in ("filed", "ticket_opened") and ticket_status in (None, "new"):
        return "waiting"
    return "working"


def tab_label(tab: str, lang: str) -> str:
    pair = TABS[tab]
    return sentence_case(pair[1]) if lang == "en" else pair[0]
