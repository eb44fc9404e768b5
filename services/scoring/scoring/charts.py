"""PNG charts for the leadership's meeting: on-time rate (及时率) and satisfaction (满意度) per
department over the campaign's period, with Chinese text (pure: series in, PNG bytes out).

Chinese needs a CJK font; matplotlib's own DejaVu Sans has no CJK glyphs and would draw empty
boxes. The font is found by file path: `HOUQIN_CJK_FONT` if set, else the files of the Debian
packages `fonts-wqy-zenhei` and `fonts-noto-cjk` (installed by `./houqin`), else whatever
fontconfig (`fc-list :lang=zh`) knows. Without one, `CjkFontMissing` says what to install.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
INSTALL_HINT = (
    "no CJK font for the charts: install one (apt-get install fonts-wqy-zenhei, as ./houqin"
    " does) or set HOUQIN_CJK_FONT to a .ttf/.ttc/.otf file with Chinese glyphs"
)
WIDTH_IN, HEIGHT_IN, DPI = 12.0, 8.0, 100  # 1200 x 800 pixels
SIZE_PX = (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
SAMPLE = "及时率满意度部门"  # glyphs every chart draws; a CJK font must have them


class CjkFontMissing(RuntimeError):
    pass


def _has_glyphs(path: str, text: str = SAMPLE) -> bool:
    try:
        font = font_manager.get_font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(c)) for c in text)


def _fontconfig_files() -> list[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    out = subprocess.run(  # noqa: S603 (a fixed command, no input)
        [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
    )
    return sorted(line.strip().rstrip(":") for line in out.stdout.splitlines() if line.strip())


def find_cjk_font(candidates: tuple[str, ...] = FONT_FILES) -> str:
    """The path of a font file that has Chinese glyphs (see the module's docstring)."""
    configured = os.environ.get("HOUQIN_CJK_FONT")
    if configured:
        if not Path(configured).is_file() or not _has_glyphs(configured):
            raise CjkFontMissing(f"HOUQIN_CJK_FONT={configured} is not a font with CJK glyphs")
        return configured
    for path in (*candidates, *_fontconfig_files()):
        if Path(path).is_file() and _has_glyphs(path):
            return path
    raise CjkFontMissing(INSTALL_HINT)


@lru_cache(maxsize=4)
def cjk_family(path: str) -> str:
    """Register the font file with matplotlib; returns its family name."""
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@dataclass(frozen=True)
class Series:
    """One department's figures per period (None: nothing to rate in that period)."""

    name: str
    on_time_rate: list[float | None]  # 0-1
    satisfaction: list[float | None]  # 0-100


def render(
    title: str, periods: list[str], series: list[Series], font_path: str | None = None
) -> bytes:
    """The chart (`figure`) as a PNG of SIZE_PX."""
    out = io.BytesIO()
    figure(title, periods, series, font_path).savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def figure(
    title: str, periods: list[str], series: list[Series], font_path: str | None = None
) -> Figure:
    """Two panels sharing the periods: on-time rate (%) and satisfaction (0-100), one line per
    department; every text in the CJK font."""
    family = cjk_family(font_path or find_cjk_font())
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)
    x = list(range(len(periods)))
    for s in series:
        rate = [None if v is None else round(v * 100, 2) for v in s.on_time_rate]
        top.plot(x, [float("nan") if v is None else v for v in rate], marker="o", label=s.name)
        bottom.plot(
            x,
            [float("nan") if v is None else v for v in s.satisfaction],
            marker="o",
            label=s.name,
        )
    fontdict = {"family": family}
    top.set_title("及时率（限时办结率，%）", fontdict=fontdict)
    top.set_ylabel("及时率（%）", fontdict=fontdict)
    top.set_ylim(0, 105)
    bottom.set_title("满意度（0-100）", fontdict=fontdict)
    bottom.set_ylabel("满意度", fontdict=fontdict)
    bottom.set_ylim(0, 105)
    bottom.set_xlabel("统计周期", fontdict=fontdict)
    bottom.set_xticks(x, periods, rotation=20, parse_math=False)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelfontfamily=family)  # also the tick labels made when drawing
    if series:
        legend = top.legend(prop={"family": family}, loc="lower left", ncols=min(4, len(series)))
        for text in legend.get_texts():  # department names, as typed
            text.set_parse_math(False)
    else:
        top.text(0.5, 0.5, "无可查看的部门", ha="center", va="center", fontfamily=family,
                 transform=top.transAxes)  # fmt: skip
    # the campaign's name as typed: `$x^$` is a name, not a formula matplotlib cannot parse
    fig.suptitle(title, fontfamily=family, fontsize=15, parse_math=False)
    fig.tight_layout()
    return fig
