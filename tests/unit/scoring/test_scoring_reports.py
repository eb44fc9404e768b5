"""CSV and XLSX reports: Chinese headers, weights in the headers, frozen header row, one sheet
per unit type."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from scoring.reports import to_csv, to_xlsx

WEIGHTS = {"work": 40, "inspection": 30, "satisfaction": 30}


def row(unit_type: str, unit_id: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "unit_type": unit_type,
        "unit_id": unit_id,
        "unit_name": "维修管理科" if unit_type == "department" else unit_id,
        "department_id": "maint",
        "team_id": None,
        "rank": 1,
        "composite": 86.45,
        "work_score": 88.0,
        "inspection_score": 88.33,
        "satisfaction_score": 82.5,
        "on_time_rate": 0.5,
        "pass_rate": 0.6667,
        "vetoed": False,
        "not_ranked_reason": None,
        "award": "organisation",
        "detail": {"metrics": {"volume": 8, "satisfied_rate": 0.3333, "votes": 2}},
    }
    base.update(kw)
    return base


ROWS = [
    row("department", "maint"),
    row("team", "kitchen", rank=None, vetoed=True, award=None, not_ranked_reason="vetoed"),
    row("staff", "e1", award="individual"),
]


def test_csv_has_chinese_headers_and_a_bom() -> None:
    body = to_csv(ROWS, WEIGHTS)
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:3] == ["单位类型", "单位编号", "单位名称"]
    assert "部门工作成绩（40%）" in table[0] and "满意度测评（30%）" in table[0]
    first = dict(zip(table[0], table[1], strict=True))
    assert first["单位类型"] == "部门" and first["单位名称"] == "维修管理科"
    assert first["及时率（%）"] == "50.0" and first["合格率（%）"] == "66.67"
    assert first["满意率（%）"] == "33.33" and first["奖项"] == "优秀组织奖"
    second = dict(zip(table[0], table[2], strict=True))
    assert second["一票否决"] == "是" and second["排名"] == ""


def test_xlsx_one_sheet_per_unit_type_with_frozen_header() -> None:
    book = load_workbook(
        io.BytesIO(to_xlsx(ROWS, {"work": 50, "inspection": 25, "satisfaction": 25}, "月"))
    )
    assert book.sheetnames == ["部门", "班组", "个人"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.cell(1, 1).value == "单位类型"
        assert sheet.cell(1, 8).value == "部门工作成绩（50%）"
    assert book["部门"].max_row == 2 and book["部门"].cell(2, 7).value == 86.45
    assert book["班组"].cell(2, 22).value == "是"
    assert book["个人"].cell(2, 24).value == "优秀个人"
