"""The prize list for the finance office (奖金发放表) as XLSX (pure: rows in, bytes out): one
row per final award with prize money, then the total. Text that a spreadsheet would take for a
formula (= + - @) is neutralised as in the score reports (scoring.reports.cell_value), and text
cells are written as text."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from scoring.reports import cell_value

UNIT_TYPES = {"department": "部门", "team": "班组", "staff": "个人", "post": "岗位",
              "service_window": "服务窗口"}  # fmt: skip
HEADERS = ["序号", "奖项", "获奖单位或个人", "类别", "所属部门", "名次", "评选依据得分", "奖金（元）",
           "领取人签字"]  # fmt: skip


def prize_rows(awards: list[dict[str, Any]], departments: dict[str, str]) -> list[list[Any]]:
    """The awards with prize money, in the order decided (kind, then place)."""
    paid = [a for a in awards if a["prize"] and a["removed_at"] is None]
    return [
        [i, a["kind_name"], a["unit_name"], UNIT_TYPES.get(a["unit_type"], a["unit_type"]),
         departments.get(a["department_id"] or "", ""), a["place"], a["score"], a["prize"], ""]
        for i, a in enumerate(paid, start=1)
    ]  # fmt: skip


def to_xlsx(title: str, rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "奖金发放表"
    sheet.append([cell_value(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.append(["合计", None, None, None, None, None, None, sum(r[7] for r in rows), None])
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEFGHI", (6, 18, 30, 10, 14, 6, 14, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
