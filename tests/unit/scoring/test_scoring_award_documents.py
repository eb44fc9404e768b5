"""Award documents (pure): Chinese dates, line breaking that keeps closing punctuation off a
line's start, the certificate and form pages, and the prize list's formula neutralisation."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image

from scoring.award_documents import (
    NO_END,
    NO_START,
    Certificate,
    RecommendationForm,
    Signature,
    certificate_pdf,
    chinese_date,
    font,
    form_image,
    wrap,
)
from scoring.award_prizes import prize_rows, to_xlsx
from scoring.charts import find_cjk_font


def test_chinese_dates() -> None:
    assert chinese_date(date(2032, 12, 5)) == "二〇三二年十二月五日"
    assert chinese_date(date(2017, 11, 17)) == "二〇一七年十一月十七日"
    assert chinese_date(date(2020, 10, 30)) == "二〇二〇年十月三十日"
    assert chinese_date(date(2021, 1, 21)) == "二〇二一年一月二十一日"


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation() -> None:
    f = font(find_cjk_font(), 30)
    text = (
        "在“优质服务月”活动中，班组全体成员积极献计献策，提出合理化建议。《方案》完整，成效显著！"
        * 6
    )
    for width in range(150, 700, 37):
        lines = wrap(text, f, width, indent=2)
        assert "".join(lines) == text
        assert all(line[0] not in NO_START for line in lines[1:] if line)
        assert all(line[-1] not in NO_END for line in lines if line)


def test_certificate_is_one_a4_landscape_page_and_form_is_portrait() -> None:
    fp = find_cjk_font()
    body = certificate_pdf(Certificate("电工组", "优秀班组", "2032年度后勤“优质服务月”", "后勤管理处",
                                       date(2032, 12, 5)), fp)  # fmt: skip
    assert body.startswith(b"%PDF-") and b"/Count 1" in body and b"/Width 1754" in body
    form = RecommendationForm("优秀个人推荐表", [("姓名", "王建国")], "事迹" * 900,
                              Signature("班组长签字"), [Signature("科室意见", "同意。", "张科长", date(2032, 12, 2))])  # fmt: skip
    img = form_image(form, fp)
    assert img.size == (1240, 1754)
    assert isinstance(img, Image.Image)


def test_prize_list_neutralises_formulas_and_adds_the_total() -> None:
    awards = [
        {"kind_name": "优秀班组", "unit_name": "=HYPERLINK(\"http://x\")", "unit_type": "team",
         "department_id": "d1", "place": 1, "score": 91.5, "prize": 500, "removed_at": None},
        {"kind_name": "优秀个人", "unit_name": "@王", "unit_type": "staff", "department_id": "d1",
         "place": 1, "score": None, "prize": 200, "removed_at": None},
        {"kind_name": "服务之星", "unit_name": "前台", "unit_type": "service_window",
         "department_id": None, "place": 1, "score": 30.0, "prize": 0, "removed_at": None},
        {"kind_name": "优秀班组", "unit_name": "木工组", "unit_type": "team", "department_id": "d1",
         "place": 2, "score": 90.0, "prize": 500, "removed_at": "2032-12-01"},
    ]  # fmt: skip
    rows = prize_rows(awards, {"d1": "-维修管理科"})
    sheet = load_workbook(io.BytesIO(to_xlsx("+奖金", rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "'+奖金"
    assert [v[2] for v in values[2:-1]] == ['\'=HYPERLINK("http://x")', "'@王"]
    assert values[2][4] == "'-维修管理科"
    assert values[-1][0] == "合计" and values[-1][7] == 700
