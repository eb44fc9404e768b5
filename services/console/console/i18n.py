"""Chinese first, English second: Babel catalogues, the reader's language, times as people say them.

The catalogues are `locale/<lang>/LC_MESSAGES/*.po` (messages.po, and one file per part of the
console: work.po, supervise.po ...), merged and compiled in memory at start-up (no .mo files in
the repository). msgids are English; the en catalogue is empty (the
msgid is the text). The language is the `lang` cookie (the visible switch), else the browser's
Accept-Language, else zh-CN.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.core import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGS = {"zh": "zh_CN", "en": "en"}
DEFAULT = "zh"
COOKIE = "lang"

Gettext = Callable[..., str]


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of `lang` ('zh' or 'en'): every .po file of it, merged."""
    catalog = None
    for po in sorted((LOCALE_DIR / LANGS[lang] / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            part = read_po(f, locale=LANGS[lang])
        if catalog is None:
            catalog = part
        else:
            for message in part:
                if message.id:
                    catalog[message.id] = message
    assert catalog is not None, f"no catalogue for {lang}"
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext_for(lang: str) -> Gettext:
    """`_("text %(n)s", n=3)`: the translation, %-formatted with the keyword arguments."""
    t = translations(lang)

    def _(message: str, **values: object) -> str:
        text = t.gettext(message)
        return text % values if values else text

    return _


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGS:
        return cookie
    wanted = [
        part.split(";")[0].strip().replace("-", "_")
        for part in (accept_language or "").split(",")
        if part.strip()
    ]
    found = negotiate_locale(wanted, ["zh_CN", "zh", "en"], sep="_") if wanted else None
    if found is None:
        return DEFAULT
    return "en" if found.startswith("en") else "zh"


def html_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"


# --- times -------------------------------------------------------------------------------------


def when(moment: datetime | None, lang: str, tz: str, now: datetime | None = None) -> str:
    """As people say it: 今天 14:30, 昨天 09:05, 明天 08:00, 11月21日 14:30, 2025年11月21日."""
    if moment is None:
        return ""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    today = (now or datetime.now(zone)).astimezone(zone).date()
    clock = f"{local:%H:%M}"
    days = (local.date() - today).days
    near = {0: ("今天", "today"), -1: ("昨天", "yesterday"), 1: ("明天", "tomorrow")}
    if days in near:
        word = near[days][1 if lang == "en" else 0]
        return f"{word} {clock}"
    locale = _locale(lang)
    if local.year == today.year:
        day = format_date(local.date(), "MMMd" if lang == "en" else "M月d日", locale=locale)
        return f"{day} {clock}"
    return format_date(local.date(), "medium" if lang == "en" else "y年M月d日", locale=locale)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LANGS[lang])


def duration(minutes: int | None, lang: str) -> str:
    """A time limit: 30 分钟, 4 小时, 3 天 / 30 min, 4 h, 3 days."""
    if minutes is None:
        return ""
    span = timedelta(minutes=minutes)
    if minutes < 60:
        return f"{minutes} min" if lang == "en" else f"{minutes} 分钟"
    if minutes < 60 * 48 or minutes % (60 * 24):
        hours = span.total_seconds() / 3600
        text = f"{hours:g}"
        return f"{text} h" if lang == "en" else f"{text} 小时"
    days = span.days
    return f"{days} days" if lang == "en" else f"{days} 天"
