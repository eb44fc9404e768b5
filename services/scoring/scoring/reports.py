"""Reports for the leadership's meeting: CSV and XLSX with Chinese headers (pure: rows in,
bytes out). XLSX has one sheet per unit type with the header row frozen; CSV is UTF-8 with a
byte-order mark so spreadsheet programs read the Chinese correctly.

Names and other free text come from people: a cell that starts with = + - @ (or a tab or
carriage return) would be a formula to a spreadsheet program (CSV injection, OWASP), so such
text is prefixed with a single quote, and XLSX text cells are written as text explicitly."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

SHEETS = {"department": "部门", "team": "班组", "staff": "个人"}
AWARDS = {"organisation": "优秀组织奖", "team": "优秀班组", "individual": "优秀个人"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """Text as a spreadsheet shows it, never run: text that could start a formula gets a
    leading single quote (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """An XLSX cell's value: neutral, without the control characters XML cannot carry."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutral(value)


def _pct(v: float | None) -> float | None:
    return None if v is None else round(v * 100, 2)


def columns(weights: dict[str, int]) -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    """(Chinese header, value) per column; the component headers name the campaign's weights."""

    def metric(name: str) -> Callable[[dict[str, Any]], Any]:
        return lambda r: r["detail"]["metrics"].get(name)

    return [
        ("单位类型", lambda r: SHEETS[r["unit_type"]]),
        ("单位编号", lambda r: r["unit_id"]),
        ("单位名称", lambda r: r["unit_name"]),
        ("所属部门", lambda r: r["department_id"]),
        ("所属班组", lambda r: r["team_id"]),
        ("排名", lambda r: r["rank"]),
        ("综合得分", lambda r: r["composite"]),
        (f"部门工作成绩（{weights['work']}%）", lambda r: r["work_score"]),
        (f"质量监督检查（{weights['inspection']}%）", lambda r: r["inspection_score"]),
        (f"满意度测评（{weights['satisfaction']}%）", lambda r: r["satisfaction_score"]),
        ("及时率（%）", lambda r: _pct(r["on_time_rate"])),
        ("合格率（%）", lambda r: _pct(r["pass_rate"])),
        ("满意率（%）", lambda r: _pct(r["detail"]["metrics"].get("satisfied_rate"))),
        ("工单量", metric("volume")),
        ("评价数", metric("ratings")),
        ("问卷答卷数", metric("survey_responses")),
        ("质量检查次数", metric("quality_inspections")),
        ("超时数", metric("overdue")),
        ("转办数", metric("transfers")),
        ("表扬数", metric("praises")),
        ("得票数", metric("votes")),
        ("一票否决", lambda r: "是" if r["vetoed"] else "否"),
        ("未排名原因", lambda r: r["not_ranked_reason"]),
        ("奖项", lambda r: AWARDS.get(r["award"] or "", "")),
    ]


def to_csv(rows: list[dict[str, Any]], weights: dict[str, int]) -> bytes:
    cols = columns(weights)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in cols])
    for r in rows:
        writer.writerow(["" if (v := value(r)) is None else neutral(v) for _, value in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]], weights: dict[str, int], title: str) -> bytes:
    cols = columns(weights)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for unit_type, sheet_name in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        sheet.append([name for name, _ in cols])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            if r["unit_type"] == unit_type:
                sheet.append([cell_value(value(r)) for _, value in cols])
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, whatever it looks like
        sheet.freeze_panes = "A2"
        for i, (name, _) in enumerate(cols, start=1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
                10, 2 * len(name) + 2
            )
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
