"""PNG charts: a CJK font is found by file, every text is drawn with it and no glyph is missing,
the PNG is valid and of the stated size; without a CJK font the error says what to install."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.text import Text
from PIL import Image

from scoring import charts
from scoring.trends import label, periods

SERIES = [
    charts.Series("维修管理科", [0.9, 0.95, None, 0.8], [82.5, 90.0, None, 70.0]),
    charts.Series("饮食服务科", [0.5, 0.6667, 0.7, 1.0], [50.0, 66.0, 72.3, 88.0]),
]
PERIODS = ["11月1日-11月7日", "11月8日-11月14日", "11月15日-11月21日", "11月22日-11月30日"]
TITLE = "2031 优质服务月：各部门及时率与满意度"


def problems_while(draw: Callable[[], object], caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings and log records emitted while drawing about a missing glyph or a font that was
    not found (matplotlib then falls back to DejaVu Sans, which has no Chinese)."""
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        draw()
    texts = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    signs = ("glyph", "missing", "not found", "falling back")
    return [t for t in texts if any(s in t.lower() for s in signs)]


def dejavu() -> str:
    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))


def test_a_cjk_font_is_found_by_file_and_has_the_glyphs() -> None:
    path = charts.find_cjk_font()
    assert Path(path).is_file()
    font = font_manager.get_font(path)
    for text in (TITLE, *PERIODS, *(s.name for s in SERIES), "及时率满意度统计周期无可查看的部门"):
        missing = [c for c in text if not c.isascii() and not font.get_char_index(ord(c))]
        assert missing == [], f"{path} lacks {missing}"
    # matplotlib resolves the registered family to that very file (not to a fallback)
    family = charts.cjk_family(path)
    resolved = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert Path(resolved).resolve() == Path(path).resolve()


def test_every_chinese_text_is_drawn_with_the_cjk_font(caplog: pytest.LogCaptureFixture) -> None:
    path = charts.find_cjk_font()
    fig = charts.figure(TITLE, PERIODS, SERIES)
    fig.canvas.draw()  # lay out every text, as saving does
    texts = [t for t in fig.findobj(Text) if t.get_text() and not t.get_text().isascii()]
    drawn = {t.get_text() for t in texts}
    assert {TITLE, "及时率（%）", "满意度", "统计周期", *PERIODS} <= drawn
    assert {s.name for s in SERIES} <= drawn  # the legend
    for t in texts:
        used = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert Path(used).resolve() == Path(path).resolve(), t.get_text()
    assert problems_while(lambda: charts.render(TITLE, PERIODS, SERIES), caplog) == []


def test_the_png_is_valid_and_of_the_stated_size() -> None:
    body = charts.render(TITLE, PERIODS, SERIES)
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and image.size == charts.SIZE_PX == (1200, 800)
    image.verify()
    # not blank: the lines and text put many distinct colours on the canvas
    assert len(Image.open(io.BytesIO(body)).convert("RGB").getcolors(1_000_000) or []) > 50
    empty = Image.open(io.BytesIO(charts.render(TITLE, PERIODS, [])))
    assert empty.size == charts.SIZE_PX


@pytest.mark.parametrize("name", ["$x^$", "$$", "成本$\\frac$", "a$b$c", "\\$"])
def test_names_are_drawn_as_typed_never_as_formulas(name: str) -> None:
    """CI's fuzz (seed 3718660109) made a campaign whose report.png answered 500: matplotlib read
    the `$...$` of its name as a formula and failed to parse it. A campaign's and a department's
    name are drawn as typed."""
    body = charts.render(
        f"{name}：各部门及时率与满意度", PERIODS[:1], [charts.Series(name, [0.5], [80.0])]
    )
    assert Image.open(io.BytesIO(body)).size == charts.SIZE_PX
    fig = charts.figure(name, PERIODS[:1], [charts.Series(name, [0.5], [80.0])])
    fig.canvas.draw()
    assert sum(t.get_text() == name for t in fig.findobj(Text)) == 2  # the title and the legend


def test_the_glyph_check_catches_a_font_without_chinese(caplog: pytest.LogCaptureFixture) -> None:
    """The same chart drawn with DejaVu Sans (no CJK glyphs) is reported as missing glyphs:
    the checks above would fail if the CJK font were not used."""
    problems = problems_while(lambda: charts.render(TITLE, PERIODS, SERIES, dejavu()), caplog)
    assert any("missing" in p.lower() for p in problems), problems


def test_without_a_cjk_font_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOUQIN_CJK_FONT", raising=False)
    monkeypatch.setattr(charts, "_fontconfig_files", lambda: [dejavu()])
    with pytest.raises(charts.CjkFontMissing, match="apt-get install fonts-wqy-zenhei"):
        charts.find_cjk_font(candidates=("/nonexistent/font.ttc", dejavu()))
    monkeypatch.setenv("HOUQIN_CJK_FONT", dejavu())
    with pytest.raises(charts.CjkFontMissing, match="HOUQIN_CJK_FONT"):
        charts.find_cjk_font()
    monkeypatch.setenv("HOUQIN_CJK_FONT", charts.find_cjk_font.__defaults__[0][0])  # type: ignore[index]
    assert charts.find_cjk_font() == charts.FONT_FILES[0]


def test_chart_periods_are_weeks_of_a_month_and_months_of_a_year() -> None:
    weeks = periods(date(2031, 11, 1), date(2031, 11, 30))
    assert weeks[0] == (date(2031, 11, 1), date(2031, 11, 7))
    assert weeks[-1] == (date(2031, 11, 29), date(2031, 11, 30)) and len(weeks) == 5
    months = periods(date(2026, 1, 15), date(2026, 12, 31))
    assert len(months) == 12 and months[0] == (date(2026, 1, 15), date(2026, 1, 31))
    assert months[1] == (date(2026, 2, 1), date(2026, 2, 28)) and months[-1][1] == date(
        2026, 12, 31
    )
    assert label(*weeks[0], monthly=False) == "11月1日-11月7日"
    assert label(*months[1], monthly=True) == "2026年2月"
