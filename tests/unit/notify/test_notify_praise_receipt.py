"""A praise's receipt thanks the reporter instead of promising to see to it (issue 14: praise
opens no work)."""

from __future__ import annotations

import pytest

from notify import templates
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
    praise = SAMPLES[FILED].model_copy(update={"kind": "praise"})  # type: ignore[attr-defined]
    _, body = templates.render(langs[lang], template_context(praise, lang))
    assert thanks in body and promise not in body
    repair = SAMPLES[FILED].model_copy(update={"kind": "repair"})  # type: ignore[attr-defined]
    _, body = templates.render(langs[lang], template_context(repair, lang))
    assert promise in body and thanks not in body
