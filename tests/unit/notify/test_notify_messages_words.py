"""Messages name things in the reader's words (issue 16): every built-in template, rendered in
zh-CN and en with realistic data (notify.examples), shows no code of its event: no category or
area code, no unit or person id, no id, no ISO time, no stage, urgency or status value; one
language per reader; docs/messages.md is up to date; each message leads to its page."""

from __future__ import annotations

import re
import uuid

import messages_doc
import pytest

from notify import examples, links, templates
from notify.examples import EXAMPLES, Example

# Codes of the examples' events that must never show, in any language (case-sensitive: the
# English names "Plumbing", "Plumbers", "Maintenance" are names, not codes).
CODES = ("plumbing", "north-dorm-7", "north", "plumbers", "maintenance", "plumber",
         "plumbing-lead", "reporter_id", "student")  # fmt: skip
ISO = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|\+00:00|Z\b")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def _text(ex: Example, lang: str) -> str:
    r = examples.render(ex, lang)
    return f"{r.subject}\n{r.body}"


@pytest.mark.parametrize("lang", templates.LANGS)
@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"{e.template}:{e.title}")
def test_no_code_reaches_the_reader(ex: Example, lang: str) -> None:
    text = _text(ex, lang)
    for code in CODES:
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), (code, text)
    assert not ISO.search(text), text
    assert not UUID_RE.search(text), text
    assert "_" not in text, text  # cannot_handle, on_site, partly_upheld ...


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"{e.template}:{e.title}")
def test_zh_messages_are_in_chinese_only(ex: Example) -> None:
    """Beside the tracking number and names that are data, no Latin word (no `finish`,
    `normal`, `Received`): one language per reader."""
    data = ex.event.model_dump()
    text = _text(ex, "zh-CN")
    for no in (data.get("tracking_no"), data.get("into_tracking_no")):
        text = text.replace(no or "-", "")
    assert not re.search(r"[A-Za-z]{2,}", text), text


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"{e.template}:{e.title}")
def test_en_messages_are_in_english(ex: Example) -> None:
    """English readers get English words around the names (no Chinese template text)."""
    r = examples.render(ex, "en")
    names = ("2026年秋季学期后勤服务满意度测评",  # a survey's title, as its makers typed it
             "北校区学生公寓7号楼", "张建国", "优质服务月", "下周一起热水供应延长到23点",
             "经查属实，已对相关人员批评教育并加强培训。", "需要更换整段水管，已报学校基建处",
             "北区学生公寓7号楼3层公共卫生间地漏堵塞、积水", "疏通地漏，每周巡查一次",
             "复查时地漏仍有积水", "陈静", "请今天17:00前到场处理，并在工单里回复进展")  # fmt: skip
    text = f"{r.subject}\n{r.body}"
    for name in (*names, ex.reader):
        text = text.replace(name, "") if name else text
    assert not re.search(r"[\u4e00-\u9fff]", text), text


def test_every_template_has_an_example() -> None:
    assert {e.template for e in EXAMPLES} == set(templates.DEFAULTS)


def test_times_are_local_and_in_the_readers_words() -> None:
    ex = next(e for e in EXAMPLES if e.title.startswith("level 2"))
    assert "（期限 11月21日 12:30）" in _text(ex, "zh-CN")  # 04:30 UTC in Shanghai
    assert "(finish by 21 Nov 12:30)" in _text(ex, "en")
    assert "完工时限" in _text(ex, "zh-CN") and "二级督办" in _text(ex, "zh-CN")


def test_the_receipt_speaks_one_language_and_never_names_the_reporter() -> None:
    ex = EXAMPLES[0]
    zh, en = examples.render(ex, "zh-CN"), examples.render(ex, "en")
    assert zh.subject == "已受理：FK20261121-0042" and en.subject == "Received: FK20261121-0042"
    assert "student" not in zh.body + en.body


def test_each_reader_gets_the_page_that_acts_on_it() -> None:
    by_title = {e.title: examples.render(e, "en") for e in EXAMPLES}
    base, report, ticket = examples.BASE_URL, examples.REPORT_ID, examples.TICKET_ID
    assert by_title["a repair is resolved"].link == f"{base}/mine/{report}/confirm"
    assert by_title["the reporter hears why"].link == f"{base}/mine/{report}"
    assert by_title["assigned to the backup"].link == f"{base}/work/tickets/{ticket}"
    assert by_title["level 2: the finish limit has passed"].link == f"{base}/work/tickets/{ticket}"
    assert by_title["a warning before the accept limit"].button == "Open the ticket"
    assert examples.render(EXAMPLES[0], "zh-CN").button == "查看进度"


def test_short_codes_are_short_and_decode_to_the_page() -> None:
    ticket = uuid.uuid4()
    link = links.Link("t", ticket)
    assert len(link.code) == 23 and link.code.isalnum()
    assert links.short("https://h.example", link) == f"https://h.example/go/{link.code}"
    assert links.encode_id(uuid.UUID(int=0)) == "0" * 22
    assert links.encode_id(uuid.UUID(int=2**128 - 1)) == "7n42DGM5Tflk9n8mt7Fhc7"


def test_the_document_is_up_to_date() -> None:
    assert messages_doc.DOC.read_text(encoding="utf-8") == examples.document(), (
        "docs/messages.md is out of date: uv run python deploy/local/messages_doc.py"
    )
    assert messages_doc.main(["--check"]) == 0


def test_the_daily_digest_speaks_its_readers_language() -> None:
    from datetime import UTC, date, datetime

    from notify.digest import digest_message

    items = [{"subject": "Score updated: Plumbers", "address": "x@y.z"}]
    now = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    en = digest_message("p", "email", date(2026, 11, 21), items, now, "en")
    zh = digest_message("p", "email", date(2026, 11, 21), items, now)
    assert en.subject == "Daily digest, 21 Nov 2026 (1)"
    assert zh.subject == "每日汇总 2026年11月21日（1 条）"
