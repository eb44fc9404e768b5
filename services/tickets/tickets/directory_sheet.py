"""The directory as a workbook in the shape of seed 002's 班组划分表 (科室 | 序号 | 班组 | 备注), with
a sheet each for departments, staff, posts (主辅岗), the area map and the responsibility map
(区域包干). Reading checks every row and names the row and the reason of each error, in zh-CN
and English; nothing is applied from a sheet with errors. No I/O but the bytes given.

Departments and teams are named in the cells as people name them (or by code); people by their
account (the SSO username). Blank rows, the seed's 合计 row and unknown columns (序号, 备注) are
ignored; a blank 科室 cell in 班组划分表 continues the department above, as in the seed."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from pydantic import BaseModel, ValidationError

from tickets.directory_sheet_words import (
    AREA_KINDS,
    ROLE_NAMES,
    SHEETS,
    TITLE,
    YES,
    reason,
)
from tickets.domain import Area, Department, Directory, Post, Responsibility, Staff, Team

MAX_ROWS = 20_000  # per sheet
MAX_ERRORS = 200
TOTAL = "合计"


class SheetUnreadable(ValueError):
    """Not an XLSX workbook, or none of its sheets is one of ours."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the row number Excel shows (0: the whole workbook)
    column: str
    code: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        zh, en = reason(self.code, self.value, self.column)
        return {
            "sheet": self.sheet, "row": self.row, "column": self.column, "code": self.code,
            "value": self.value, "reason": zh, "reason_en": en,
        }  # fmt: skip


@dataclass
class Rows:
    """One sheet's rows as {header: text}, with their Excel row numbers."""

    sheet: str
    header_row: int
    rows: list[tuple[int, dict[str, str]]]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _sheet_rows(ws: Any, sheet: str, errors: list[RowError]) -> Rows | None:
    headers = SHEETS[sheet]
    found: dict[int, str] = {}
    header_row = 0
    data: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_text(v) for v in values]
        if not header_row:
            named = {i: c for i, c in enumerate(cells) if c in headers}
            if len(named) >= 2:
                header_row, found = number, named
            elif number >= 6:
                break
            continue
        if len(data) >= MAX_ROWS:
            errors.append(RowError(sheet, number, "", "too_many_rows", str(MAX_ROWS)))
            break
        row = {h: cells[i] if i < len(cells) else "" for i, h in found.items()}
        if any(row.values()) and TOTAL not in cells[:1]:
            data.append((number, row))
    if not header_row:
        errors.append(RowError(sheet, 1, "", "header_missing", " | ".join(headers)))
        return None
    missing = [h for h, required in headers.items() if required and h not in found.values()]
    for h in missing:
        errors.append(RowError(sheet, header_row, h, "column_missing"))
    return None if missing else Rows(sheet, header_row, data)


def read_rows(data: bytes) -> tuple[dict[str, Rows], list[RowError]]:
    """The sheets of ours in the workbook (by name), and the errors of their headers."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # untrusted bytes: any failure to parse is "unreadable"
        raise SheetUnreadable(f"not an XLSX workbook: {type(exc).__name__}: {exc}") from exc
    errors: list[RowError] = []
    out: dict[str, Rows] = {}
    try:
        for name in SHEETS:
            if name in book.sheetnames:
                rows = _sheet_rows(book[name], name, errors)
                if rows is not None:
                    out[name] = rows
    except Exception as exc:  # a sheet's XML is read lazily, row by row
        raise SheetUnreadable(f"a sheet cannot be read: {type(exc).__name__}: {exc}") from exc
    finally:
        book.close()
    if not out and not errors:
        raise SheetUnreadable("none of the sheets " + ", ".join(SHEETS) + " is in the workbook")
    return out, errors


@dataclass
class Names:
    """Codes by code and by name, stored and in the sheet: a cell may give either."""

    ids: set[str] = field(default_factory=set)
    by_name: dict[str, set[str]] = field(default_factory=dict)

    def add(self, code: str, *names: str | None) -> None:
        self.ids.add(code)
        for n in names:
            if n:
                self.by_name.setdefault(n, set()).add(code)

    def resolve(self, cell: str) -> tuple[str | None, str]:
        """(code, '') or (None, the error code)."""
        if cell in self.ids:
            return cell, ""
        found = self.by_name.get(cell, set())
        if len(found) == 1:
            return next(iter(found)), ""
        return None, "ambiguous" if found else "unknown"


@dataclass
class Reader:
    known: Directory
    errors: list[RowError] = field(default_factory=list)
    departments: Names = field(default_factory=Names)
    teams: Names = field(default_factory=Names)
    staff: Names = field(default_factory=Names)
    areas: Names = field(default_factory=Names)
    posts: Names = field(default_factory=Names)
    stored: dict[tuple[str, Any], BaseModel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        k = self.known
        entries: list[Department | Team | Staff | Post | Area] = [
            *k.departments, *k.teams, *k.staff, *k.posts, *k.areas,
        ]  # fmt: skip
        for x in entries:
            self.stored[(type(x).__name__, x.id)] = x
        for d in self.known.departments:
            self.departments.add(d.id, d.name, d.name_en)
        for t in self.known.teams:
            self.teams.add(t.id, t.name, t.name_en)
        for s in self.known.staff:
            self.staff.add(s.id)
        for a in self.known.areas:
            self.areas.add(a.id)
        for p in self.known.posts:
            self.posts.add(p.id)

    def ref(self, names: Names, kind: str, sheet: str, number: int, column: str, cell: str) -> Any:
        if not cell:
            return None
        code, problem = names.resolve(cell)
        if code is None:
            self.errors.append(RowError(sheet, number, column, f"{kind}_{problem}", cell))
        return code

    def model(
        self, cls: type[BaseModel], sheet: str, number: int, values: dict[str, Any],
        columns: dict[str, str], row: dict[str, str] | None = None,
    ) -> Any:  # fmt: skip
        """The row as a model; a column the sheet lacks keeps what is stored."""
        stored = self.stored.get((cls.__name__, values.get("id")))
        if stored is not None and row is not None:
            values = {
                k: (getattr(stored, k) if columns.get(k) and columns[k] not in row else v)
                for k, v in values.items()
            }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            for e in exc.errors():
                name = str(e["loc"][0]) if e["loc"] else ""
                shown = values.get(name)
                self.errors.append(
                    RowError(sheet, number, columns.get(name, ""), "invalid",
                             "" if shown is None else str(shown)[:100])
                )  # fmt: skip
            return None


def _each(rows: Rows | None) -> Iterator[tuple[int, dict[str, str]]]:
    yield from rows.rows if rows else []


def _unique(r: Reader, sheet: str, seen: dict[str, int], code: str, number: int, col: str) -> bool:
    if code in seen:
        r.errors.append(RowError(sheet, number, col, "duplicate", f"{code}@{seen[code]}"))
        return False
    seen[code] = number
    return True


def read_directory(data: bytes, known: Directory) -> tuple[Directory, list[RowError]]:
    """The directory the workbook describes (only what its sheets list), and every error."""
    sheets, header_errors = read_rows(data)
    r = Reader(known, errors=header_errors)
    doc = Directory()
    # Names first, so any sheet may name a department or team another sheet adds.
    for _, row in _each(sheets.get("科室")):
        if row.get("编号"):
            r.departments.add(row["编号"], row.get("科室"), row.get("英文名称"))
    for _, row in _each(sheets.get(TITLE)):
        if row.get("班组编号"):
            r.teams.add(row["班组编号"], row.get("班组"), row.get("英文名称"))
    for _, row in _each(sheets.get("人员")):
        if row.get("账号"):
            r.staff.add(row["账号"])
    for _, row in _each(sheets.get("区域")):
        if row.get("编号"):
            r.areas.add(row["编号"])
    for _, row in _each(sheets.get("岗位")):
        if row.get("编号"):
            r.posts.add(row["编号"])
    for reader in READERS:
        reader(r, sheets, doc)
    if not r.errors:
        r.errors += [RowError("", 0, "", "unresolved", p) for p in doc.problems(known)]
    return doc, r.errors[:MAX_ERRORS]


def _required(r: Reader, sheet: str, number: int, row: dict[str, str], *cols: str) -> bool:
    missing = [c for c in cols if not row.get(c)]
    r.errors += [RowError(sheet, number, c, "required") for c in missing]
    return not missing


def _departments(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {"id": "编号", "name": "科室", "name_en": "英文名称", "head_id": "负责人账号"}
    for n, row in _each(sheets.get("科室")):
        if not _required(r, "科室", n, row, "科室", "编号"):
            continue
        if not _unique(r, "科室", seen, row["编号"], n, "编号"):
            continue
        head = r.ref(r.staff, "staff", "科室", n, "负责人账号", row.get("负责人账号", ""))
        values = {"id": row["编号"], "name": row["科室"], "name_en": row.get("英文名称") or None,
                  "head_id": head}  # fmt: skip
        if (d := r.model(Department, "科室", n, values, cols, row)) is not None:
            doc.departments.append(d)


def _teams(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {"id": "班组编号", "name": "班组", "name_en": "英文名称", "lead_id": "班组长账号",
            "department_id": "科室"}  # fmt: skip
    department = ""
    for n, row in _each(sheets.get(TITLE)):
        department = row.get("科室") or department
        if not _required(r, TITLE, n, row, "班组", "班组编号"):
            continue
        if not department:
            r.errors.append(RowError(TITLE, n, "科室", "required"))
            continue
        if not _unique(r, TITLE, seen, row["班组编号"], n, "班组编号"):
            continue
        dept = r.ref(r.departments, "department", TITLE, n, "科室", department)
        lead = r.ref(r.staff, "staff", TITLE, n, "班组长账号", row.get("班组长账号", ""))
        if dept is None:
            continue
        values = {"id": row["班组编号"], "department_id": dept, "name": row["班组"],
                  "name_en": row.get("英文名称") or None, "lead_id": lead}  # fmt: skip
        if (t := r.model(Team, TITLE, n, values, cols, row)) is not None:
            doc.teams.append(t)


def _roles(r: Reader, n: int, cell: str) -> list[str]:
    out = []
    for word in (
        cell.replace("、", " ").replace(";", " ").replace(",", " ").replace("，", " ").split()
    ):
        code = ROLE_NAMES.get(word, word if word in ROLE_NAMES.values() else None)
        if code is None:
            r.errors.append(RowError("人员", n, "角色", "role_unknown", word))
        elif code not in out:
            out.append(code)
    return out


def _staff(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {"id": "账号", "name": "姓名", "phone": "电话", "email": "邮箱", "wecom": "企业微信",
            "dingtalk": "钉钉", "feishu": "飞书", "department_id": "科室", "team_id": "班组",
            "roles": "角色", "on_duty": "在岗"}  # fmt: skip
    for n, row in _each(sheets.get("人员")):
        if not _required(r, "人员", n, row, "账号", "姓名"):
            continue
        if not _unique(r, "人员", seen, row["账号"], n, "账号"):
            continue
        before = len(r.errors)
        dept = r.ref(r.departments, "department", "人员", n, "科室", row.get("科室", ""))
        team = r.ref(r.teams, "team", "人员", n, "班组", row.get("班组", ""))
        duty = row.get("在岗", "") or "是"
        if duty.lower() not in YES and duty.lower() not in ("否", "false", "no", "0"):
            r.errors.append(RowError("人员", n, "在岗", "yes_no", duty))
        values: dict[str, Any] = {"id": row["账号"], "name": row["姓名"], "department_id": dept,
                                  "team_id": team, "roles": _roles(r, n, row.get("角色", "")),
                                  "on_duty": duty.lower() in YES}  # fmt: skip
        for key in ("phone", "email", "wecom", "dingtalk", "feishu"):
            values[key] = row.get(cols[key]) or None
        if (
            len(r.errors) == before
            and (s := r.model(Staff, "人员", n, values, cols, row)) is not None
        ):
            doc.staff.append(s)


def _posts(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {"id": "编号", "name": "岗位", "team_id": "班组", "primary_id": "主岗账号",
            "backup_id": "辅岗账号"}  # fmt: skip
    for n, row in _each(sheets.get("岗位")):
        if not _required(r, "岗位", n, row, "班组", "岗位", "编号"):
            continue
        if not _unique(r, "岗位", seen, row["编号"], n, "编号"):
            continue
        before = len(r.errors)
        values = {
            "id": row["编号"], "name": row["岗位"],
            "team_id": r.ref(r.teams, "team", "岗位", n, "班组", row["班组"]),
            "primary_id": r.ref(r.staff, "staff", "岗位", n, "主岗账号", row.get("主岗账号", "")),
            "backup_id": r.ref(r.staff, "staff", "岗位", n, "辅岗账号", row.get("辅岗账号", "")),
        }  # fmt: skip
        if values["primary_id"] and values["primary_id"] == values["backup_id"]:
            r.errors.append(RowError("岗位", n, "辅岗账号", "backup_same", row["辅岗账号"]))
        if (
            len(r.errors) == before
            and (p := r.model(Post, "岗位", n, values, cols, row)) is not None
        ):
            doc.posts.append(p)


def _areas(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {
        "id": "编号",
        "name": "名称",
        "kind": "类型",
        "parent_id": "上级编号",
        "name_en": "英文名称",
    }
    for n, row in _each(sheets.get("区域")):
        if not _required(r, "区域", n, row, "编号", "名称", "类型"):
            continue
        if not _unique(r, "区域", seen, row["编号"], n, "编号"):
            continue
        kind = AREA_KINDS.get(row["类型"], row["类型"])
        if kind not in AREA_KINDS.values():
            r.errors.append(RowError("区域", n, "类型", "area_kind", row["类型"]))
            continue
        parent = r.ref(r.areas, "area", "区域", n, "上级编号", row.get("上级编号", ""))
        if row.get("上级编号") and parent is None:
            continue
        values = {
            "id": row["编号"],
            "name": row["名称"],
            "kind": kind,
            "parent_id": parent,
            "name_en": row.get("英文名称") or None,  # without the column: as stored
        }
        if (a := r.model(Area, "区域", n, values, cols, row)) is not None:
            doc.areas.append(a)


def _responsibilities(r: Reader, sheets: dict[str, Rows], doc: Directory) -> None:
    seen: dict[str, int] = {}
    cols = {"area_id": "区域编号", "category": "类别", "team_id": "班组", "department_id": "科室",
            "post_id": "岗位编号"}  # fmt: skip
    for n, row in _each(sheets.get("责任区")):
        if not _required(r, "责任区", n, row, "类别"):
            continue
        before = len(r.errors)
        category = "*" if row["类别"] in ("*", "全部") else row["类别"]
        values = {
            "area_id": r.ref(r.areas, "area", "责任区", n, "区域编号", row.get("区域编号", "")),
            "category": category,
            "team_id": r.ref(r.teams, "team", "责任区", n, "班组", row.get("班组", "")),
            "department_id": r.ref(r.departments, "department", "责任区", n, "科室",
                                   row.get("科室", "")),
            "post_id": r.ref(r.posts, "post", "责任区", n, "岗位编号", row.get("岗位编号", "")),
        }  # fmt: skip
        if not values["team_id"] and not values["department_id"] and len(r.errors) == before:
            r.errors.append(RowError("责任区", n, "班组", "unit_required"))
        key = f"{values['area_id'] or '*'} x {category}"
        if len(r.errors) > before or not _unique(r, "责任区", seen, key, n, "类别"):
            continue
        if (x := r.model(Responsibility, "责任区", n, values, cols)) is not None:
            doc.responsibilities.append(x)


READERS: tuple[Callable[[Reader, dict[str, Rows], Directory], None], ...] = (
    _departments, _teams, _staff, _posts, _areas, _responsibilities,
)  # fmt: skip
