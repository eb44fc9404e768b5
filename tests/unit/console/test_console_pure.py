"""The console's pure parts: labels, times, the filing form, redirects, sessions, catalogues."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console import i18n, labels
from console.api import ApiProblem
from console.errors import field_messages, message
from console.report_form import ReportForm
from console.security import content_security_policy, csrf_ok, safe_next
from console.sessions import SessionStore

ROOT = Path(__file__).resolve().parents[3]
CONSOLE = ROOT / "services" / "console"


def test_labels_are_zh_first_and_en_second() -> None:
    assert labels.label("status", "filed", "zh") == "待受理"
    assert labels.label("status", "filed", "en") == "Received"
    assert labels.label("kind", "consultation", "zh") == "咨询"
    assert labels.label("urgency", "emergency", "zh") == "特急"
    assert labels.label("stage", "arrive", "en") == "Arrive by"
    assert labels.label("channel", "suggestion_box", "zh") == "意见箱"
    assert labels.label("status", "something_new", "zh") == "something new"


@pytest.mark.parametrize(
    ("status", "ticket", "awaiting", "tab"),
    [
        ("filed", None, False, "waiting"),
        ("ticket_opened", "new", False, "waiting"),
        ("assigned", "assigned", False, "working"),
        ("resolved", "resolved", True, "confirm"),
        ("confirmed", "closed", False, "done"),
        ("not_fixed", "reopened", False, "working"),
    ],
)
def test_tabs(status: str, ticket: str | None, awaiting: bool, tab: str) -> None:
    assert labels.tab_of(status, ticket, awaiting) == tab


def test_times_as_people_say_them() -> None:
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    tz = "Asia/Shanghai"
    assert i18n.when(datetime(2026, 12, 4, 6, 30, tzinfo=UTC), "zh", tz, now) == "今天 14:30"
    assert i18n.when(datetime(2026, 12, 4, 6, 30, tzinfo=UTC), "en", tz, now) == "today 14:30"
    assert i18n.when(datetime(2026, 12, 3, 1, 5, tzinfo=UTC), "zh", tz, now) == "昨天 09:05"
    assert i18n.when(datetime(2026, 12, 5, 0, 0, tzinfo=UTC), "zh", tz, now) == "明天 08:00"
    assert i18n.when(datetime(2026, 11, 21, 6, 30, tzinfo=UTC), "zh", tz, now) == "11月21日 14:30"
    assert i18n.when(datetime(2025, 11, 21, 6, 30, tzinfo=UTC), "zh", tz, now) == "2025年11月21日"
    assert i18n.duration(30, "zh") == "30 分钟"
    assert i18n.duration(240, "en") == "4 h"
    assert i18n.duration(4320, "zh") == "3 天"


@pytest.mark.parametrize(
    ("cookie", "header", "lang"),
    [
        (None, None, "zh"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, "fr-FR", "zh"),
        ("en", "zh-CN", "en"),
        ("zh", "en", "zh"),
        ("xx", "en", "en"),
    ],
)
def test_language(cookie: str | None, header: str | None, lang: str) -> None:
    assert i18n.pick_language(cookie, header) == lang


def test_every_message_has_a_chinese_translation(tmp_path: Path) -> None:
    """Extract every _() of the templates and code: each has a zh_CN translation."""
    pot_file = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_",
         "-o", str(pot_file), "."],
        cwd=CONSOLE, capture_output=True, text=True, check=True,
    )  # fmt: skip
    pot = pot_file.read_text()
    ids = set(re.findall(r'^msgid "(.+)"$', pot, flags=re.M))
    zh = i18n.translations("zh")
    missing = sorted(i for i in ids if zh.gettext(i.encode().decode("unicode_escape")) == i)
    assert len(ids) > 100 and missing == []


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/mine?tab=done", "/mine?tab=done"),
        ("/report?building=north-dorm-7&room=312", "/report?building=north-dorm-7&room=312"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_no_open_redirect(target: str | None, safe: str) -> None:
    assert safe_next(target) == safe


def test_csp_forbids_inline_scripts_and_framing() -> None:
    csp = content_security_policy("http://sso.test")
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self' http://sso.test" in csp
    assert csrf_ok("abc", "abc") and not csrf_ok("abc", None) and not csrf_ok("abc", "abd")


def test_sessions_are_bounded_and_expire() -> None:
    clock = [0.0]
    store = SessionStore(max_sessions=3, idle_s=100, clock=lambda: clock[0])
    first = store.create()
    for _ in range(3):
        store.create()
    assert len(store) == 3 and store.get(first.id) is None  # the least recent went first
    kept = store.create()
    old_id = kept.id
    store.renew(kept)
    assert store.get(old_id) is None and store.get(kept.id) is kept
    clock[0] = 101
    assert store.get(kept.id) is None  # idle too long


def test_report_form_round_trip_and_checks() -> None:
    form = ReportForm.from_values(
        {"kind": "complaint", "category": "plumbing", "building": "north-dorm-7", "room": "312",
         "description": " <script>alert(1)</script> ", "anonymous": "on", "urgency": "bogus",
         "photo_ids": ["not-a-uuid", "6f1c1a8e-7a3b-4d55-9a8e-0f1f2e3d4c5b"], "key": "x"}
    )  # fmt: skip
    assert form.problems() == {}
    body = form.body(form.photo_ids)
    assert body["kind"] == "complaint" and body["urgency"] == "normal" and body["anonymous"]
    assert body["location"] == {"building": "north-dorm-7", "room": "312"}
    assert body["description"] == "<script>alert(1)</script>"
    assert form.photo_ids == ["6f1c1a8e-7a3b-4d55-9a8e-0f1f2e3d4c5b"]
    assert re.fullmatch(r"[0-9a-f]{32}", form.key)  # a malformed key is replaced
    empty = ReportForm.from_values({"kind": "repair"})
    assert set(empty.problems()) == {"category", "building", "description"}


def test_api_problems_in_the_readers_words() -> None:
    problem = ApiProblem(
        422,
        {
            "type": "https://houqin.dev/problems/validation",
            "title": "Unprocessable Content",
            "errors": [
                {"loc": ["body", "description"], "type": "string_too_long",
                 "ctx": {"max_length": 4000}},
                {"loc": ["body", "location"], "type": "somewhere_else"},
            ],
        },
    )  # fmt: skip
    assert field_messages(problem, "zh") == {
        "description": "最多 4000 个字",
        "building": "此项填写有误",
    }
    assert field_messages(problem, "en")["description"] == "At most 4000 characters"
    assert message(problem, "zh") != message(problem, "en")
    unknown = ApiProblem(409, {"title": "Conflict", "detail": "already rated"})
    assert message(unknown, "en") == "already rated"


def test_no_two_catalogues_translate_one_text_differently() -> None:
    """The catalogues of a language are merged (console.i18n): a text two parts of the console
    translate differently would take whichever file sorts last, on both parts' pages."""
    from babel.messages.pofile import read_po

    clashes = []
    for lang in i18n.LANGS.values():
        seen: dict[str, tuple[str, str]] = {}
        for po in sorted((i18n.LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
            with po.open("rb") as f:
                for m in read_po(f):
                    if not m.id:
                        continue
                    first = seen.setdefault(str(m.id), (po.name, str(m.string)))
                    if first[1] != str(m.string):
                        clashes.append(f"{m.id!r}: {first} vs {(po.name, str(m.string))}")
    assert clashes == []
