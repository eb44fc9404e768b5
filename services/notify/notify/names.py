"""How the things a message is about read to its reader (no I/O): the category's name, the
building and room as people say them, teams, departments and people by name, times in the
reader's local time, stages, urgencies and statuses by their label; zh-CN first, English second.

`Names` holds what notify knows (the catalogue's, the area map's and the directory's names,
fetched by notify.name_source and kept in the `names` table, and the directory read model);
`words()` turns an event's fields into the words templates show. A code notify has no name for
yet reads as the nearest thing people know (the place's own text, the kind of report), never as
the code where avoidable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from houqin_shared.contracts.base import Event

Pair = tuple[str, str]  # (zh-CN, en)
DEFAULT_TZ = "Asia/Shanghai"

KIND: dict[str, Pair] = {
    "repair": ("报修", "repair request"),
    "complaint": ("投诉", "complaint"),
    "suggestion": ("建议", "suggestion"),
    "praise": ("表扬", "praise"),
    "consultation": ("咨询", "question"),
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
    "deadline": ("整改期限", "rectification deadline"),
}
STATUS: dict[str, Pair] = {
    "new": ("待受理", "received"),
    "assigned": ("已派单", "assigned"),
    "accepted": ("已接单", "accepted"),
    "on_site": ("已到场", "on site"),
    "resolved": ("待确认评价", "awaiting confirmation"),
    "closed": ("已完成", "done"),
    "reopened": ("已返工", "reopened"),
    "cannot_handle": ("无法办理（已上报）", "cannot be done here (reported up)"),
    "paused": ("已暂停", "paused"),
    "resumed": ("已恢复", "resumed"),
}
PAUSE_REASON: dict[str, Pair] = {
    "waiting_parts": ("等待配件", "waiting for parts"),
    "reporter_absent": ("报修人不在", "reporter not there"),
    "outside_contractor": ("外包单位处理", "outside contractor"),
}
OUTCOME: dict[str, Pair] = {
    "upheld": ("经查属实", "upheld"),
    "partly_upheld": ("部分属实", "partly upheld"),
    "not_upheld": ("经查不属实", "not upheld"),
}
AWARD: dict[str, Pair] = {
    "organisation": ("先进集体", "best department"),
    "team": ("优秀班组", "best team"),
    "individual": ("先进个人", "best individual"),
    "model_post": ("服务标兵岗", "model post"),
}
ORIGIN: dict[str, Pair] = {
    "inspection": ("检查发现", "an inspection"),
    "reception_day": ("接待日反映", "a reception day"),
    "supervisor": ("督导交办", "a supervisor"),
    "meeting": ("会议决定", "a meeting"),
    "ticket": ("工单", "a ticket"),
    "safety": ("安全检查", "a safety inspection"),
}
SUBJECT_KIND: dict[str, Pair] = {
    "ticket": ("工单", "ticket"),
    "rectification": ("整改项", "rectification"),
}
TABLES: dict[str, dict[str, Pair]] = {
    "kind": KIND,
    "urgency": URGENCY,
    "stage": STAGE,
    "status": STATUS,
    "previous_status": STATUS,
    "pause_reason": PAUSE_REASON,
    "outcome": OUTCOME,
    "subject_kind": SUBJECT_KIND,
    "origin": ORIGIN,
}
# Fields shown as words in place of their value (the value stays as <field>_code).
SHOWN_AS_WORDS = ("category", "urgency", "stage")
# Fields naming a person (the directory's name, never the id).
PERSON_FIELDS = (
    "assignee_id", "staff_id", "actor_id", "responsible_id", "superior_id", "rejected_by",
    "chased_by",
)  # fmt: skip
# Times that do not end in `_at`.
TIME_FIELDS = ("pause_until", "deadline", "new_deadline")
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def is_en(lang: str) -> bool:
    return lang == "en"


def pick(pair: Pair, lang: str) -> str:
    return pair[1] if is_en(lang) else pair[0]


def label(table: str, value: str | None, lang: str) -> str:
    """The word for a value of one of TABLES; an unknown value reads without underscores."""
    if value is None:
        return ""
    pair = TABLES[table].get(value)
    return pick(pair, lang) if pair else value.replace("_", " ")


@dataclass(frozen=True)
class Names:
    """The names notify knows for the codes of some events."""

    categories: Mapping[str, Pair] = field(default_factory=dict)  # code -> (zh, en)
    areas: Mapping[str, Pair] = field(default_factory=dict)  # campus or building code -> names
    units: Mapping[tuple[str, str], Pair] = field(default_factory=dict)  # (kind, id) -> names
    people: Mapping[str, str] = field(default_factory=dict)  # staff id -> name
    missing: frozenset[str] = frozenset()  # category and place codes asked for, not known

    def category(self, code: str | None, lang: str, kind: str | None = None) -> str:
        if not code:
            return ""
        pair = self.categories.get(code)
        if pair is not None:
            return pick(pair, lang)
        # not known (yet): the kind of report reads better than a catalogue code
        return label("kind", kind, lang) if kind else code.replace("-", " ").replace("_", " ")

    def unit(self, kind: str, unit_id: str | None, lang: str) -> str:
        if not unit_id:
            return ""
        if kind == "staff":
            return self.person(unit_id)
        pair = self.units.get((kind, unit_id))
        if pair is not None:
            return pick(pair, lang)
        return (
            ("the team" if kind == "team" else "the department")
            if is_en(lang)
            else ("班组" if kind == "team" else "部门")
        )

    def person(self, person_id: str | None) -> str:
        if not person_id:
            return ""
        return self.people.get(person_id, "")

    def area(self, code: str | None, lang: str) -> str | None:
        """A campus's or building's name in the reader's language (the Chinese one when it has
        no English name)."""
        pair = self.areas.get(code or "")
        return pick(pair, lang) if pair else None

    def place(self, location: Mapping[str, Any] | None, lang: str) -> str:
        """北校区学生公寓7号楼 312 / North Campus Student Apartment 7, room 312: the building's
        name and the room (or floor), else the place's own text."""
        loc = location or {}
        building = loc.get("building")
        room, floor, text = loc.get("room"), loc.get("floor"), loc.get("text")
        where = self.area(building, lang) if building else None
        campus = self.area(loc.get("campus"), lang)
        if where and campus and not where.startswith(campus):
            english = is_en(lang) and where.isascii()  # a name without English reads as in zh
            where = f"{where}, {campus}" if english else f"{campus}{where}"
        if where is None:
            if text:
                return str(text)
            where = campus or ("校内" if not is_en(lang) else "on campus")
            if building:  # a building the area map does not name: its code is all there is
                where = f"{where} {building}"
        if room:
            return f"{where}, room {room}" if is_en(lang) else f"{where} {room}"
        if floor:
            return f"{where}, floor {floor}" if is_en(lang) else f"{where} {floor}层"
        return where


def local_time(value: str | datetime | None, lang: str, tz: str = DEFAULT_TZ) -> str:
    """12月5日 14:30 / 5 Dec 14:30, in the reader's time zone (the year when not this one is
    not needed: messages speak of days around now)."""
    if value is None:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = at.astimezone(_zone(tz))
    if is_en(lang):
        return f"{local.day} {MONTHS_EN[local.month - 1]} {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def local_date(value: str | date | None, lang: str) -> str:
    """2026年11月1日 / 1 Nov 2026."""
    if value is None:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    if is_en(lang):
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ValueError, KeyError, OSError):
        return ZoneInfo(DEFAULT_TZ)


def words(data: dict[str, Any], names: Names, lang: str, tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """An event's fields (JSON values) with what people read in place of codes: the fields of
    SHOWN_AS_WORDS by their words (their values kept as `<field>_code`), `<field>_label` beside
    every coded field, `place`, `team`, `department`, people by name (`assignee`, ...), every
    time in local time and every date as people write it."""
    out: dict[str, Any] = dict(data)
    kind = data.get("kind") if isinstance(data.get("kind"), str) else None
    for name, value in data.items():
        if name in TABLES and (value is None or isinstance(value, str)):
            out[f"{name}_label"] = label(name, value, lang)
        if isinstance(value, str) and (name.endswith("_at") or name in TIME_FIELDS):
            out[name] = local_time(value, lang, tz)
        elif isinstance(value, str) and name.startswith("period_"):
            out[name] = local_date(value, lang)
    if kind:
        out["kind_label"] = label("kind", kind, lang)
    for name in SHOWN_AS_WORDS:
        if isinstance(data.get(name), str):
            out[f"{name}_code"] = data[name]
            out[name] = (
                names.category(data[name], lang, kind)
                if name == "category"
                else label(name, data[name], lang)
            )
    if "location" in data:
        out["place"] = names.place(data.get("location"), lang)
    out["team"] = names.unit("team", data.get("team_id"), lang)
    out["department"] = names.unit("department", data.get("department_id"), lang)
    for name in PERSON_FIELDS:
        if name in data:
            out[name.removesuffix("_id")] = names.person(data.get(name))
    if isinstance(data.get("unit_type"), str):
        out["unit"] = names.unit(data["unit_type"], data.get("unit_id"), lang)
    if isinstance(data.get("awards"), list):
        out["awards"] = [
            {
                **a,
                "unit": names.unit(a.get("unit_type", ""), a.get("unit_id"), lang),
                "award_label": label_of(AWARD, a.get("award"), lang),
            }
            for a in data["awards"]
            if isinstance(a, dict)
        ]
    return out


def label_of(table: Mapping[str, Pair], value: Any, lang: str) -> str:
    pair = table.get(value) if isinstance(value, str) else None
    return pick(pair, lang) if pair else str(value or "")


@dataclass(frozen=True)
class Wanted:
    """The codes an event's message needs names for."""

    categories: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    units: set[tuple[str, str]] = field(default_factory=set)
    people: set[str] = field(default_factory=set)

    def add(self, data: dict[str, Any]) -> None:
        if isinstance(data.get("category"), str):
            self.categories.add(data["category"])
        loc = data.get("location")
        if isinstance(loc, dict):
            self.areas.update(v for k in ("campus", "building") if isinstance(v := loc.get(k), str))
        for kind in ("team", "department"):
            if isinstance(unit_id := data.get(f"{kind}_id"), str):
                self.units.add((kind, unit_id))
        units = [data, *[a for a in data.get("awards") or [] if isinstance(a, dict)]]
        for u in units:
            if isinstance(u.get("unit_type"), str) and isinstance(u.get("unit_id"), str):
                if u["unit_type"] == "staff":
                    self.people.add(u["unit_id"])
                else:
                    self.units.add((u["unit_type"], u["unit_id"]))
        self.people.update(v for k in PERSON_FIELDS if isinstance(v := data.get(k), str))


def ticket_of(event: Event) -> UUID | None:
    """The ticket an event is about (an overdue ticket's subject too), if any."""
    ticket: Any = getattr(event, "ticket_id", None)
    if ticket is None and getattr(event, "subject_kind", None) == "ticket":
        ticket = getattr(event, "subject_id", None)
    return ticket if isinstance(ticket, UUID) else None
