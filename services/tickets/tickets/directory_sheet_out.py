"""The directory written as the workbook `directory_sheet` reads, and what importing a sheet would
change (added and changed entries, each changed field before and after, references by name).
No I/O."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from pydantic import BaseModel, Field

from tickets.directory_sheet_words import AREA_WORDS, ROLE_WORDS, SHEETS, TITLE
from tickets.domain import Directory

MAX_CHANGES = 2000


def _cell(v: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v


def write_sheet(d: Directory) -> bytes:
    """Every sheet, 班组划分表 first with the seed's title, numbering and 共 N 个班组 notes."""
    book = Workbook()
    ws = book.active
    ws.title = TITLE
    ws.append(["后勤服务班组划分表"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(SHEETS[TITLE]))
    depts = {x.id: x.name for x in d.departments}
    for dept in d.departments:
        teams = [t for t in d.teams if t.department_id == dept.id]
        for i, t in enumerate(teams, start=1):
            ws.append([dept.name if i == 1 else None, i, t.name,
                       f"共 {len(teams)} 个班组" if i == 1 else None, t.id, t.name_en, t.lead_id])  # fmt: skip
    orphans = [t for t in d.teams if t.department_id not in depts]
    for i, t in enumerate(orphans, start=1):
        ws.append([t.department_id, i, t.name, None, t.id, t.name_en, t.lead_id])
    ws.append(["合计", None, None, f"{len(d.teams)} 组"])
    rows: dict[str, list[list[Any]]] = {
        "科室": [[x.name, x.id, x.name_en, x.head_id] for x in d.departments],
        "人员": [
            [s.id, s.name, depts.get(s.department_id or "", s.department_id), _team(d, s.team_id),
             " ".join(ROLE_WORDS.get(r, r) for r in s.roles), s.phone, s.email, s.wecom,
             s.dingtalk, s.feishu, "是" if s.on_duty else "否"]
            for s in d.staff
        ],
        "岗位": [[_team(d, p.team_id), p.name, p.id, p.primary_id, p.backup_id] for p in d.posts],
        "区域": [[a.id, a.name, AREA_WORDS[a.kind], a.parent_id, a.name_en] for a in d.areas],
        "责任区": [
            [r.area_id, "全部" if r.category == "*" else r.category, _team(d, r.team_id),
             depts.get(r.department_id or "", r.department_id), r.post_id]
            for r in d.responsibilities
        ],
    }  # fmt: skip
    for name, lines in rows.items():
        sheet = book.create_sheet(name)
        sheet.append(list(SHEETS[name]))
        for line in lines:
            sheet.append([_cell(v) for v in line])
    for sheet in book.worksheets:
        header = 2 if sheet.title == TITLE else 1
        for c in sheet[header]:
            c.font = Font(bold=True)
        sheet.freeze_panes = f"A{header + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _team(d: Directory, team_id: str | None) -> str | None:
    """The team's name, or its code where another team has the same name."""
    name = next((t.name for t in d.teams if t.id == team_id), None)
    if name is None or sum(t.name == name for t in d.teams) > 1:
        return team_id
    return name


class FieldChange(BaseModel):
    field: str = Field(description="The field's name, such as name, lead_id, primary_id.")
    before: str | None
    after: str | None


class Change(BaseModel):
    kind: str = Field(description="department, team, staff, post, area or responsibility")
    id: str
    name: str
    action: str = Field(description="add or change (an import never removes anything)")
    fields: list[FieldChange] = []


_REFS = {"head_id": "staff", "lead_id": "staff", "primary_id": "staff", "backup_id": "staff",
         "department_id": "department", "team_id": "team", "parent_id": "area", "post_id": "post"}  # fmt: skip


def _names(before: Directory, doc: Directory) -> dict[str, dict[str, str]]:
    """Each kind's names by id, the document's over the stored ones."""
    names: dict[str, dict[str, str]] = {
        k: {} for k in ("department", "team", "staff", "area", "post")
    }
    for src in (before, doc):
        names["department"].update({x.id: x.name for x in src.departments})
        names["team"].update({x.id: x.name for x in src.teams})
        names["staff"].update({x.id: x.name for x in src.staff})
        names["area"].update({x.id: x.name for x in src.areas})
        names["post"].update({x.id: x.name for x in src.posts})
    return names


def _shown(names: dict[str, dict[str, str]], key: str, value: Any) -> str | None:
    """A field's value as the sheet shows it: references by name, roles and kinds in words."""
    if value is None or value == []:
        return None
    if key in _REFS:
        return names[_REFS[key]].get(str(value), str(value))
    if key == "roles":
        return " ".join(ROLE_WORDS.get(r, r) for r in value)
    if key == "kind":
        return AREA_WORDS.get(str(value), str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def changes(before: Directory, doc: Directory) -> list[Change]:
    """What importing `doc` (an upsert by id) would change in `before`, references by name."""
    names = _names(before, doc)

    def shown(key: str, value: Any) -> str | None:
        return _shown(names, key, value)

    out: list[Change] = []
    pairs: list[tuple[str, list[Any], list[Any]]] = [
        ("department", before.departments, doc.departments), ("team", before.teams, doc.teams),
        ("staff", before.staff, doc.staff), ("post", before.posts, doc.posts),
        ("area", before.areas, doc.areas),
    ]  # fmt: skip
    for kind, old_list, new_list in pairs:
        old = {x.id: x.model_dump(exclude={"leave"}) for x in old_list}
        for x in new_list:
            new = x.model_dump(exclude={"leave"})
            was = old.get(x.id)
            diff = [
                FieldChange(field=k, before=shown(k, (was or {}).get(k)), after=shown(k, v))
                for k, v in new.items()
                if k != "id" and (was or {}).get(k) != v and not (was is None and v in (None, []))
            ]
            if was is None or diff:
                out.append(Change(kind=kind, id=x.id, name=x.name,
                                  action="add" if was is None else "change", fields=diff))  # fmt: skip
    return (out + _map_changes(before, doc, names))[:MAX_CHANGES]


def _map_changes(
    before: Directory, doc: Directory, names: dict[str, dict[str, str]]
) -> list[Change]:
    """The responsibility map's rows `doc` adds or changes (keyed by area and category)."""
    out: list[Change] = []
    old_r = {(r.area_id, r.category): r.model_dump() for r in before.responsibilities}
    for r in doc.responsibilities:
        new = r.model_dump()
        was = old_r.get((r.area_id, r.category))
        diff = [
            FieldChange(
                field=k, before=_shown(names, k, (was or {}).get(k)), after=_shown(names, k, v)
            )
            for k, v in new.items()
            if k not in ("area_id", "category")
            and (was or {}).get(k) != v
            and not (was is None and v is None)
        ]
        if was is None or diff:
            place = names["area"].get(r.area_id or "", r.area_id or "全部区域")
            out.append(Change(kind="responsibility", id=f"{r.area_id or '*'} x {r.category}",
                              name=f"{place} · {'全部' if r.category == '*' else r.category}",
                              action="add" if was is None else "change", fields=diff))  # fmt: skip
    return out
