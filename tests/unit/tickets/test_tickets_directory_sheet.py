"""The directory workbook (seed 002's 班组划分表 and its companion sheets): written and read back
unchanged; a bad row refused with its row number and reason; what an import would change."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from tickets.directory_sheet import SheetUnreadable, read_directory
from tickets.directory_sheet_out import changes, write_sheet
from tickets.domain import Directory

DEMO = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "directory.yaml"


@pytest.fixture(scope="module")
def demo() -> Directory:
    return Directory.model_validate(yaml.safe_load(DEMO.read_text()))


def edited(data: bytes, sheet: str, row: int, column: str, value: str | None) -> bytes:
    book = load_workbook(io.BytesIO(data))
    ws = book[sheet]
    header = 2 if sheet == "班组划分表" else 1
    col = next(c.column for c in ws[header] if c.value == column)
    ws.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_demo_directory_reads_back_unchanged(demo: Directory) -> None:
    data = write_sheet(demo)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "班组划分表"
    first = [c.value for c in book["班组划分表"][3]]
    assert first[:4] == ["饮食服务科", 1, "食堂管理组", "共 7 个班组"]
    doc, errors = read_directory(data, demo)
    assert errors == []
    assert changes(demo, doc) == []
    assert len(doc.teams) == len(demo.teams) == 22
    assert {p.id: (p.primary_id, p.backup_id) for p in doc.posts} == {
        p.id: (p.primary_id, p.backup_id) for p in demo.posts
    }
    # into an empty directory everything is new
    doc2, errors2 = read_directory(data, Directory())
    assert errors2 == []
    assert len(changes(Directory(), doc2)) == len(demo.departments) + 22 + len(demo.staff) + len(
        demo.posts
    ) + len(demo.areas) + len(demo.responsibilities)


def test_a_bad_row_is_refused_with_its_number_and_reason(demo: Directory) -> None:
    data = write_sheet(demo)
    bad = edited(data, "岗位", 3, "主岗账号", "nobody-here")
    bad = edited(bad, "班组划分表", 5, "科室", "不存在科")
    _, errors = read_directory(bad, demo)
    found = {(e.sheet, e.row, e.column, e.code) for e in errors}
    assert ("岗位", 3, "主岗账号", "staff_unknown") in found
    assert ("班组划分表", 5, "科室", "department_unknown") in found
    reason = next(e for e in errors if e.sheet == "岗位").as_dict()
    assert "nobody-here" in reason["reason"] and "nobody-here" in reason["reason_en"]


def test_changes_name_what_changes_by_name(demo: Directory) -> None:
    data = edited(write_sheet(demo), "岗位", 2, "辅岗账号", "plumbing-lead")  # plumbing-duty
    doc, errors = read_directory(data, demo)
    assert errors == []
    (change,) = changes(demo, doc)
    assert (change.kind, change.id, change.action) == ("post", "plumbing-duty", "change")
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("backup_id", "赵师傅", "陈班长")
    ]


def test_the_seed_shape_alone_adds_a_team(demo: Directory) -> None:
    """Only 班组划分表, as in the seed (title row, blank 科室 continuing the one above)."""
    book = Workbook()
    ws = book.active
    ws.title = "班组划分表"
    ws.append(["后勤“优质服务月”班组划分表"])
    ws.append(["科室", "序号", "班组", "备注", "班组编号"])
    ws.append(["维修管理科", 1, "电工组", "共 4 个 班组", "electricians"])
    ws.append([None, 2, "空调组", None, "aircon"])
    ws.append(["合计", None, None, "22 组"])
    out = io.BytesIO()
    book.save(out)
    doc, errors = read_directory(out.getvalue(), demo)
    assert errors == []
    added = [c for c in changes(demo, doc) if c.action == "add"]
    assert [(c.kind, c.id, c.name) for c in added] == [("team", "aircon", "空调组")]
    assert doc.teams[1].department_id == "maintenance"
    assert not [c for c in changes(demo, doc) if c.action == "change"]  # columns left out: kept


def test_not_a_workbook_is_unreadable(demo: Directory) -> None:
    with pytest.raises(SheetUnreadable):
        read_directory(b"PK\x03\x04 not really", demo)
    with pytest.raises(SheetUnreadable):
        read_directory("科室,班组\n".encode(), demo)
    broken = io.BytesIO()  # a workbook whose sheet is not XML
    with (
        zipfile.ZipFile(io.BytesIO(write_sheet(demo))) as good,
        zipfile.ZipFile(broken, "w") as bad,
    ):
        for item in good.infolist():
            text = good.read(item)
            bad.writestr(item, b"<not xml" if item.filename.endswith("sheet3.xml") else text)
    with pytest.raises(SheetUnreadable):
        read_directory(broken.getvalue(), demo)
