"""Award documents (issue 18; pure: data in, bytes out): the certificate (奖状) per award and
the filled recommendation form (附表1–3) as PDF drawn with Pillow in the charts' CJK font, and
the prize list for the finance office as XLSX.

Chinese typography: the text is set in full-width characters with a two-character first-line
indent; a line never starts with closing punctuation (，。、；：？！”’）》 go on the line before,
hanging past the margin if need be) and never ends with an opening one (“‘（《 move on); dates
are written in Chinese (二〇三二年十二月五日 on the certificate)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

NO_START = set("，。、；：？！”’）》」』〉…—%")
NO_END = set("“‘（《「『〈")
RED, INK, PAPER = (190, 22, 34), (30, 30, 30), (255, 252, 244)
DPI = 150
A4 = (1754, 1240)  # landscape, pixels at 150 dpi (297 x 210 mm)
A4_PORTRAIT = (1240, 1754)
DIGITS = "〇一二三四五六七八九"
BLANK = "\u3000"  # a full-width space


@lru_cache(maxsize=16)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=0)


def chinese_date(d: date) -> str:
    """二〇三二年十二月五日."""
    year = "".join(DIGITS[int(c)] for c in str(d.year))

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (
            ("" if tens < 2 else DIGITS[tens])
            + ("十" if tens else "")
            + (DIGITS[ones] if ones else "")
        )

    return f"{year}年{number(d.month)}月{number(d.day)}日"


def wrap(text: str, f: ImageFont.FreeTypeFont, width: int, indent: int = 0) -> list[str]:
    """Lines of at most `width` pixels (the first `indent` characters narrower), keeping the
    line-breaking rules of the module's docstring."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line, room = "", width - indent * f.getbbox("中")[2]
        for ch in para:
            if f.getlength(line + ch) > room and line and ch not in NO_START:
                carry = ""
                while line and line[-1] in NO_END:
                    line, carry = line[:-1], line[-1] + carry
                lines.append(line)
                line, room = carry, width
            line += ch
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Certificate:
    unit_name: str
    kind_name: str
    campaign_name: str
    issuer: str
    issued_on: date


def certificate_image(c: Certificate, font_path: str) -> Image.Image:
    img = Image.new("RGB", A4, PAPER)
    d = ImageDraw.Draw(img)
    w, h = A4
    d.rectangle((40, 40, w - 40, h - 40), outline=RED, width=14)
    d.rectangle((70, 70, w - 70, h - 70), outline=RED, width=3)
    title = font(font_path, 150)
    d.text((w // 2, 250), "奖\u3000状", font=title, fill=RED, anchor="mm")
    name = font(font_path, 64)
    d.text((220, 430), f"{c.unit_name}：", font=name, fill=INK, anchor="ls")
    body = font(font_path, 56)
    text = (f"在{c.campaign_name}活动中表现突出，经评选，被评为“{c.kind_name}”。"
            "特发此状，以资鼓励。")  # fmt: skip
    y = 540
    for i, line in enumerate(wrap(text, body, w - 440, indent=2)):
        x = 220 + (2 * body.getbbox("中")[2] if i == 0 else 0)
        d.text((x, y), line, font=body, fill=INK, anchor="ls")
        y += 96
    sign = font(font_path, 52)
    d.text((w - 230, h - 250), c.issuer, font=sign, fill=INK, anchor="rs")
    d.text((w - 230, h - 170), chinese_date(c.issued_on), font=sign, fill=INK, anchor="rs")
    d.ellipse((w - 560, h - 390, w - 300, h - 130), outline=RED, width=6)  # the seal's place
    return img


def pdf(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PDF", resolution=DPI, quality=92)
    return out.getvalue()


def certificate_pdf(c: Certificate, font_path: str) -> bytes:
    return pdf(certificate_image(c, font_path))


@dataclass(frozen=True)
class Signature:
    """One step of the form: its label (科室意见 ...), the comment, who signed and when."""

    label: str
    comment: str = ""
    signed: str = ""
    on: date | None = None


@dataclass(frozen=True)
class RecommendationForm:
    title: str
    header: list[tuple[str, str]]  # (label, value) pairs, two per row
    deeds: str
    deeds_signature: Signature | None
    signatures: list[Signature] = field(default_factory=list)
    note: str = "备注：主要事迹由科室填写，可附页。"


X0, X1, LABEL_W = 90, 1150, 260
LINE = 46


def _signed(s: Signature, word: str) -> str:
    when = (
        f"{s.on.year} 年 {s.on.month} 月 {s.on.day} 日"
        if s.on
        else "年\u3000\u3000月\u3000\u3000日"
    )
    who = s.signed or BLANK * 4
    return f"{word}：{who}{BLANK * 2}{when}"


def _label(
    d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, f: ImageFont.FreeTypeFont
) -> None:
    d.rectangle(box, outline=INK, width=2)
    lines = wrap(text, f, box[2] - box[0] - 24)
    top = (box[1] + box[3]) // 2 - (len(lines) - 1) * LINE // 2
    for i, line in enumerate(lines):
        d.text(((box[0] + box[2]) // 2, top + i * LINE), line, font=f, fill=INK, anchor="mm")


def _header(
    d: ImageDraw.ImageDraw, y: int, pairs: list[tuple[str, str]], f: ImageFont.FreeTypeFont
) -> int:
    """Two (label, value) pairs per row (one spanning the row when alone); the next y."""
    for i in range(0, len(pairs), 2):
        row = pairs[i : i + 2]
        cell = (X1 - X0 - LABEL_W * len(row)) // len(row)
        x = X0
        for label, value in row:
            _label(d, (x, y, x + LABEL_W, y + 90), label, f)
            x += LABEL_W
            d.rectangle((x, y, x + cell, y + 90), outline=INK, width=2)
            d.text((x + 16, y + 45), wrap(value, f, cell - 24)[0], font=f, fill=INK, anchor="lm")
            x += cell
        y += 90
    return y


def _block(d: ImageDraw.ImageDraw, y: int, label: str, text: str, sign: str, f: ImageFont.FreeTypeFont,
           height: int, max_lines: int) -> int:  # fmt: skip
    """A labelled block of text with its signature line at the bottom right; the next y."""
    lines = wrap(text, f, X1 - X0 - LABEL_W - 40, indent=2) if text else []
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][:-6] + "……（见附页）"]
    height = max(height, len(lines) * LINE + 130)
    _label(d, (X0, y, X0 + LABEL_W, y + height), label, f)
    d.rectangle((X0 + LABEL_W, y, X1, y + height), outline=INK, width=2)
    for i, line in enumerate(lines):
        indent = 2 * f.getbbox("中")[2] if i == 0 else 0
        d.text((X0 + LABEL_W + 20 + indent, y + 50 + i * LINE), line, font=f, fill=INK, anchor="ls")
    d.text((X1 - 30, y + height - 30), sign, font=f, fill=INK, anchor="rs")
    return y + height


def form_image(form: RecommendationForm, font_path: str) -> Image.Image:
    img = Image.new("RGB", A4_PORTRAIT, "white")
    d = ImageDraw.Draw(img)
    title, f = font(font_path, 40), font(font_path, 30)
    y = 140
    for line in wrap(form.title, title, X1 - X0):
        d.text((A4_PORTRAIT[0] // 2, y), line, font=title, fill=INK, anchor="ms", stroke_width=1)
        y += 60
    y = _header(d, y + 10, form.header, f)
    sig = form.deeds_signature
    y = _block(d, y, "主要事迹", form.deeds, _signed(sig, sig.label) if sig else "", f, 420, 14)
    for s in form.signatures:
        word = "签章" if s.label in ("科室意见", "处长意见") else "签名"
        y = _block(d, y, s.label, s.comment, _signed(s, word), f, 200, 3)
    d.text((X0, y + 50), form.note, font=f, fill=INK, anchor="ls")
    return img


def form_pdf(form: RecommendationForm, font_path: str) -> bytes:
    return pdf(form_image(form, font_path))
