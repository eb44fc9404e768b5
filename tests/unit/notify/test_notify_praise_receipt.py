"""Each kind its own path in messages (issue 14): a praise's receipt thanks the reporter instead
of promising to see to it; an answered complaint or suggestion shows its reply instead of saying
the problem is fixed."""

from __future__ import annotations

import pytest

from notify import samples, templates
from notify.domain import template_context
from notify.samples import SAMPLES

FILED = "houqin.feedback.ComplaintFiled.v1"


@pytest.mark.parametrize(
    ("lang", "thanks", "promise"),
    [("zh-CN", "感谢您的表扬", "尽快处理"), ("en", "Thank you", "see to it")],
)
def test_a_praise_receipt_thanks_and_a_repair_receipt_promises(
    lang: str, thanks: str, promise: str
) -> None:
    _, langs = templates.DEFAULTS["receipt"]
    praise = SAMPLES[FILED].model_copy(update={"kind": "praise"})
    _, body = templates.render(langs[lang], template_context(praise, lang))
    assert thanks in body and promise not in body
    repair = SAMPLES[FILED].model_copy(update={"kind": "repair"})
    _, body = templates.render(langs[lang], template_context(repair, lang))
    assert promise in body and thanks not in body


@pytest.mark.parametrize(("lang", "fixed"), [("zh-CN", "已处理完毕"), ("en", "is resolved")])
def test_an_answered_complaint_shows_its_reply(lang: str, fixed: str) -> None:
    _, langs = templates.DEFAULTS["confirm_request"]
    changed = SAMPLES["houqin.tickets.TicketStatusChanged.v1"]
    reply = "经查属实，已批评教育"
    answered = changed.model_copy(update={"track": "complaint", "note": reply})
    _, body = templates.render(langs[lang], template_context(answered, lang))
    assert reply in body and fixed not in body
    repair = changed.model_copy(update={"track": "repair", "note": reply})
    _, body = templates.render(langs[lang], template_context(repair, lang))
    assert fixed in body and reply not in body


@pytest.mark.parametrize(("lang", "praised"), [("zh-CN", "表扬"), ("en", "praised")])
def test_a_praise_tells_the_team_what_and_where_in_its_language(lang: str, praised: str) -> None:
    _, langs = templates.DEFAULTS["praise"]
    event = SAMPLES["houqin.tickets.PraiseReceived.v1"]
    subject, body = templates.render(langs[lang], samples.context(event, lang))
    assert praised in subject + body
    category, place = (
        ("Plumbing", "North Campus Student Apartment 7, room 312")
        if lang == "en"
        else ("水电维修·给排水", "北校区学生公寓7号楼 312")
    )
    assert category in body and place in body and "plumbing" not in body
