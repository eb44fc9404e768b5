"""Who is told what about an event, when, and what it says, without I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from houqin_shared.contracts.base import Event
from notify.names import DEFAULT_TZ, Names, words

AUDIENCES = (
    "reporter",  # the person who filed the report (never known for anonymous reports)
    "assignee",  # the staff member a ticket was assigned to (a praise: the person credited)
    "responsible",  # the event's responsible_id (an overdue warning's assignee, an item's owner)
    "superior",  # the lead or head a ticket that cannot be handled is reported to
    "team_queue",  # the team's (or the department's dispatch) shared inbox
    "team_lead",
    "department_head",
    "department_heads",  # every department's head
    "supervisors",  # quality supervisors (directory role "supervisor")
    "division_leaders",  # directory role "leader"
    "invitees",  # the people a survey invitation names, each with their own link
)
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNEL_TYPES = ("inbox", "email", "wecom", "dingtalk", "feishu", "webhook", "sms")
# Which contact handle of a person a channel needs (None: no handle needed).
HANDLE: dict[str, str | None] = {
    "inbox": None,
    "webhook": None,
    "email": "email",
    "sms": "phone",
    "wecom": "wecom",
    "dingtalk": "dingtalk",
    "feishu": "feishu",
}
# Fields never shown to a template: an identity of a reporter must not reach anyone else.
PRIVATE_FIELDS = ("reporter_id", "invitees")  # invitees: everyone's personal survey links


@dataclass(frozen=True)
class Rule:
    id: int
    event_type: str
    match: dict[str, Any]
    audience: str
    kind: str
    priority: str
    channels: tuple[str, ...]
    template: str
    enabled: bool = True

    def applies_to(self, data: dict[str, Any]) -> bool:
        return self.enabled and all(data.get(k) == v for k, v in self.match.items())


@dataclass(frozen=True)
class Person:
    """A recipient with the handles channels need; queues have an id and no handles."""

    id: str
    name: str = ""
    handles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Preferences:
    lang: str = "zh-CN"
    channels: dict[str, list[str]] = field(default_factory=dict)  # kind -> channels
    quiet_start: time | None = None
    quiet_end: time | None = None
    timezone: str = "Asia/Shanghai"
    digest: bool = False


@dataclass(frozen=True)
class Message:
    recipient: str
    channel: str
    subject: str
    body: str
    tracking_no: str | None
    kind: str = "info"
    priority: str = "normal"
    status: str = "sent"  # inbox messages are delivered when stored
    next_attempt_at: datetime | None = None
    address: str | None = None
    to_reporter: bool = False  # operators' views name the recipient only as "reporter"
    link: str | None = None  # the console page it leads to (a path; notify.links)
    link_code: str | None = None  # that page's short code (<console>/go/<code>)
    link_label: str | None = None  # the words on its button, in the reader's language


def event_fields(event: Event) -> dict[str, Any]:
    """The event's fields as JSON values, without the private ones."""
    data = event.model_dump(mode="json")
    for name in PRIVATE_FIELDS:
        data.pop(name, None)
    return data


def human_duration(seconds: int, lang: str) -> str:
    """1 day 2 h 5 min / 1天2小时5分钟, of the absolute value; at least one minute."""
    s = abs(int(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(rest // 60, 0 if (days or hours) else 1)
    zh = [(days, "天"), (hours, "小时"), (minutes, "分钟")]
    en = [(days, " d"), (hours, " h"), (minutes, " min")]
    parts = [f"{n}{unit}" for n, unit in (en if lang == "en" else zh) if n]
    return (" " if lang == "en" else "").join(parts)


def template_context(
    event: Event,
    lang: str,
    recipient_name: str = "",
    names: Names | None = None,
    timezone: str = DEFAULT_TZ,
    link: str = "",
    facts: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a template may show: the event's fields in the reader's words (notify.names), what
    notify knows of its ticket (`facts`: category, place, urgency), the reader's name and
    language, how late (`late`), and the page it leads to (`link`)."""
    data = {**(facts or {}), **event_fields(event)}
    ctx: dict[str, Any] = dict.fromkeys(("category", "place", "urgency", "kind_label"), "")
    ctx.update(words(data, names or Names(), lang, timezone))
    ctx.update(recipient_name=recipient_name, lang=lang, link=link)
    if "overdue_by_s" in data:
        ctx["late"] = human_duration(int(data["overdue_by_s"]), lang)
    return ctx


def queue_of(team_id: str | None, department_id: str | None) -> str:
    return f"team:{team_id}" if team_id else f"dispatch:{department_id or 'all'}"


def channels_for(
    rule: Rule, person: Person, prefs: Preferences, available: set[str], is_queue: bool
) -> list[str]:
    """The channels this person gets this rule's message on: their choice for the kind (or the
    rule's default), among the channels configured, and only where they have a handle."""
    if is_queue:
        return ["inbox"]
    wanted = prefs.channels.get(rule.kind, list(rule.channels))
    out = []
    for ch in wanted:
        if ch not in available and ch != "inbox":
            continue
        handle = HANDLE.get(ch)
        if handle is not None and not person.handles.get(handle):
            continue
        if ch not in out:
            out.append(ch)
    return out


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # spans midnight


def release_at(now: datetime, prefs: Preferences, priority: str) -> datetime:
    """When a message may go out: at once, or at the end of the person's quiet hours.
    Urgent messages (level-3 escalations) never wait."""
    if priority == "urgent" or prefs.quiet_start is None or prefs.quiet_end is None:
        return now
    tz = ZoneInfo(prefs.timezone)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time(), prefs.quiet_start, prefs.quiet_end):
        return now
    end = datetime.combine(local.date(), prefs.quiet_end, tzinfo=tz)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(UTC)


def initial_status(channel: str, priority: str, prefs: Preferences) -> str:
    if channel == "inbox":
        return "sent"
    if priority == "low" and prefs.digest:
        return "digest"
    return "pending"


def refill(tokens: float, burst: int, rate_per_s: float | None, elapsed_s: float) -> float:
    """A token bucket: tokens after `elapsed_s`, never more than `burst`."""
    if rate_per_s is None:
        return float("inf")
    return min(float(burst), tokens + max(elapsed_s, 0.0) * rate_per_s)
