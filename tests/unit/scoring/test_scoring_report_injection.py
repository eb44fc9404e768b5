"""Spreadsheet (CSV) injection: free text that starts like a formula (= + - @, a tab or a
carriage return) is quoted in CSV and XLSX and XLSX writes it as text, never as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from scoring.reports import neutral, to_csv, to_xlsx

WEIGHTS = {"work": 40, "inspection": 30, "satisfaction": 30}
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def row(unit_type: str, unit_id: str, name: str) -> dict[str, Any]:
    return {
        "unit_type": unit_type, "unit_id": unit_id, "unit_name": name,
        "department_id": "=maint", "team_id": None, "rank": 1, "composite": -1.5,
        "work_score": None, "inspection_score": None, "satisfaction_score": None,
        "on_time_rate": None, "pass_rate": None, "vetoed": False,
        "not_ranked_reason": "@reason", "award": None, "detail": {"metrics": {"volume": 3}},
    }  # fmt: skip


ROWS = [row("team", f"t{i}", name) for i, name in enumerate(HOSTILE)] + [
    row("department", "d1", "维修\x01管理科")
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_quoted(text: str) -> None:
    assert neutral(text) == "'" + text
    assert neutral("维修班") == "维修班" and neutral(-1.5) == -1.5 and neutral(None) is None


def test_csv_cells_never_start_a_formula() -> None:
    table = list(csv.reader(io.StringIO(to_csv(ROWS, WEIGHTS).decode("utf-8-sig"), newline="")))
    names = [r[2] for r in table[1:]]
    assert names[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    for r in table[1:]:
        for cell in r:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell == "-1.5"  # numbers stay numbers


def test_xlsx_text_cells_are_text_and_quoted() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(ROWS, WEIGHTS, "=活动")))
    teams = book["班组"]
    names = [teams.cell(i, 3) for i in range(2, 2 + len(HOSTILE))]
    # (XML reads a carriage return back as a newline)
    assert [c.value for c in names] == ["'" + t.replace("\r", "\n") for t in HOSTILE]
    for line in teams.iter_rows(min_row=2):
        for cell in line:
            assert cell.data_type != "f", cell.value
    assert teams.cell(2, 4).value == "'=maint" and teams.cell(2, 23).value == "'@reason"
    assert teams.cell(2, 7).value == -1.5 and teams.cell(2, 7).data_type == "n"
    # a control character XML cannot carry is dropped, not a crash
    assert book["部门"].cell(2, 3).value == "维修管理科"
