"""The words of the workers' pages (zh-CN first, English second), their clocks and places, with
no I/O: what each move is called, the audit trail's steps, pause reasons, a stage's countdown
and a place as people say it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from console.api import Campus, Location
from console.clients.work import STAGES, Ticket

Pair = tuple[str, str]

MOVE: dict[str, Pair] = {
    "accept": ("接单", "Accept"),
    "on-site": ("到场", "Arrived on site"),
    "investigate": ("调查", "Investigate"),
    "resolve": ("完工", "Finish the job"),
    "pause": ("暂停", "Pause"),
    "resume": ("恢复处理", "Resume"),
    "cannot-handle": ("无法办理", "Cannot handle"),
    "cannot-do": ("按不能办理办结", "Close as cannot be done"),
    "transfer": ("转单", "Transfer"),
    "reassign": ("改派", "Reassign"),
}
MOVE_DONE: dict[str, Pair] = {
    "accept": ("已接单", "Accepted"),
    "on-site": ("已到场", "Marked on site"),
    "investigate": ("已记录调查", "Investigation noted"),
    "resolve": ("已完工，等待报修人确认", "Done: waiting for the reporter to confirm"),
    "pause": ("已暂停", "Paused"),
    "pause-request": ("已提交班组长批准", "Sent to the team lead for approval"),
    "resume": ("已恢复处理", "Resumed"),
    "cannot-handle": ("已上报无法办理", "Reported as cannot handle"),
    "cannot-do": ("已按不能办理办结", "Closed as cannot be done"),
    "transfer": ("已申请转单，等待对方接收", "Transfer asked: waiting for the other side"),
    "reassign": ("已改派", "Reassigned"),
    "approve-pause": ("已批准暂停", "Pause approved"),
    "refuse-pause": ("已驳回暂停申请", "Pause refused"),
    "accept-transfer": ("已接收转单", "Transfer accepted"),
    "refuse-transfer": ("已拒绝转单", "Transfer refused"),
}
ACTION: dict[str, Pair] = {
    "assign": ("派单", "assigned"),
    "accept": ("接单", "accepted"),
    "on_site": ("到场", "on site"),
    "investigate": ("调查", "investigated"),
    "resolve": ("完工", "done"),
    "pause": ("暂停", "paused"),
    "resume": ("恢复处理", "resumed"),
    "cannot_handle": ("无法办理", "cannot handle"),
    "cannot_do": ("按不能办理办结", "closed as cannot be done"),
    "close": ("办结", "closed"),
    "reopen": ("返工", "reopened"),
    "pause_requested": ("申请暂停（待批准）", "pause asked (waiting for approval)"),
    "pause_refused": ("暂停申请被驳回", "pause refused"),
    "transfer_requested": ("申请转单", "transfer asked"),
    "transfer_accepted": ("转单已接收", "transfer accepted"),
    "transfer_rejected": ("转单被拒绝", "transfer refused"),
    "chase": ("督办", "chased"),
    "merge": ("合并到同一问题", "merged with the same problem"),
    "accept_reason": ("不能办理的理由被认可", "reason accepted"),
}
PAUSE_REASON: dict[str, Pair] = {
    "waiting_parts": ("等待配件", "Waiting for parts"),
    "reporter_absent": ("报修人不在", "Reporter absent"),
    "outside_contractor": ("外包单位处理", "Outside contractor"),
}
CLOCK: dict[str, Pair] = {
    "done": ("已完成", "done"),
    "done_late": ("已完成（超时）", "done (late)"),
    "left": ("剩余", "left"),
    "late": ("已超时", "late"),
    "paused": ("已暂停", "paused"),
    "none": ("无时限", "no limit"),
}
SOON_S = 30 * 60  # a stage due within this long shows as due soon (amber)


def word(table: dict[str, Pair], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key.replace("_", " ")
    return pair[1] if lang == "en" else pair[0]


def span(seconds: float, lang: str) -> str:
    """A countdown as people say it: 2 天 3 小时, 1 小时 05 分, 12 分 / 2 d 3 h, 1 h 05 min."""
    s = int(abs(seconds))
    d, h, m = s // 86400, s % 86400 // 3600, s % 3600 // 60
    en = lang == "en"
    if d:
        return f"{d} d {h} h" if en else f"{d} 天 {h} 小时"
    if h:
        return f"{h} h {m:02d} min" if en else f"{h} 小时 {m:02d} 分"
    return f"{max(m, 0)} min" if en else f"{max(m, 0)} 分"


@dataclass(frozen=True)
class Clock:
    stage: str
    due: datetime | None
    done: datetime | None
    level: str  # ok, soon, late, done, done-late, paused, none
    text: str


def clock(t: Ticket, stage: str, now: datetime, lang: str) -> Clock:
    due, done = t.due(stage), t.done(stage)
    if done is not None:
        late = due is not None and done > due
        return Clock(stage, due, done, "done-late" if late else "done",
                     word(CLOCK, "done_late" if late else "done", lang))  # fmt: skip
    if due is None:
        return Clock(stage, None, None, "none", word(CLOCK, "none", lang))
    if t.status == "paused":
        return Clock(stage, due, None, "paused", word(CLOCK, "paused", lang))
    left = (due - now).total_seconds()
    if left < 0:
        return Clock(stage, due, None, "late", counted(word(CLOCK, "late", lang), left, lang))
    level = "soon" if left <= SOON_S else "ok"
    return Clock(stage, due, None, level, counted(word(CLOCK, "left", lang), left, lang))


def counted(what: str, left_s: float, lang: str) -> str:
    """剩余 20 分 / 已超时 5 分 ; 20 min left / 5 min late (after the stage: "accept by: ...")."""
    return f"{span(left_s, lang)} {what}" if lang == "en" else f"{what} {span(left_s, lang)}"


def clocks(t: Ticket, now: datetime, lang: str) -> list[Clock]:
    return [clock(t, s, now, lang) for s in STAGES]


def worst(cs: list[Clock]) -> str:
    """The card's colour: its most pressing clock."""
    for level in ("late", "soon", "paused"):
        if any(c.level == level for c in cs):
            return level
    return "ok"


def place(location: Location, campuses: list[Campus] | None, lang: str) -> str:
    """北区 · 北区 7 栋 · 3 层 · 312 as the directory names them (codes only when unknown)."""
    buildings = {b.code: b.label(lang) for c in campuses or [] for b in c.buildings}
    names = {c.code: c.label(lang) or "" for c in campuses or [] if c.code and c.name}
    parts: list[str] = []
    building = buildings.get(location.building or "", location.building or "")
    campus = names.get(location.campus or "", "")
    if campus and campus not in building:  # 北校区学生公寓7号楼 already says where
        parts.append(campus)
    if building:
        parts.append(building)
    if location.floor:
        parts.append(f"floor {location.floor}" if lang == "en" else f"{location.floor} 层")
    if location.room:
        parts.append(f"room {location.room}" if lang == "en" else f"{location.room} 室")
    if location.text:
        parts.append(location.text)
    return " · ".join(parts)


def leave_days(start: datetime, end: datetime, tz: str, lang: str) -> str:
    """A leave as the days it covers (its end is exclusive): 12月7日 – 12月8日 / Dec 7 – Dec 8."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone).date()
    last = (end - timedelta(seconds=1)).astimezone(zone).date()

    def day(d: date) -> str:
        return d.strftime("%b %-d") if lang == "en" else f"{d.month}月{d.day}日"

    return day(first) if last <= first else f"{day(first)} – {day(last)}"
