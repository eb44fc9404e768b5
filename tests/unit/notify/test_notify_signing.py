"""Vendor signatures and the digest's timing (pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime, time

from notify import signing
from notify.digest import digest_message, due_day


def test_dingtalk_sign_is_hmac_of_timestamp_newline_secret_keyed_by_secret() -> None:
    expected = base64.b64encode(
        hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()
    ).decode()
    assert signing.dingtalk_sign("SECxyz", 1700000000000) == expected


def test_feishu_sign_is_hmac_of_nothing_keyed_by_timestamp_newline_secret() -> None:
    expected = base64.b64encode(hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()).decode()
    assert signing.feishu_sign("abc", 1700000000) == expected


def test_webhook_signature_covers_timestamp_and_body() -> None:
    sig = signing.webhook_signature("k" * 16, 1700000000, b'{"a":1}')
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert signing.webhook_signature_ok("k" * 16, 1700000000, b'{"a":1}', sig)
    assert not signing.webhook_signature_ok("k" * 16, 1700000001, b'{"a":1}', sig)
    assert not signing.webhook_signature_ok("k" * 16, 1700000000, b'{"a":2}', sig)


def test_digest_is_due_after_the_local_digest_time() -> None:
    at = time(8, 30)
    assert due_day(datetime(2026, 11, 21, 0, 0, tzinfo=UTC), "Asia/Shanghai", at) is None
    assert due_day(datetime(2026, 11, 21, 0, 30, tzinfo=UTC), "Asia/Shanghai", at) == date(
        2026, 11, 21
    )
    # 05:00 UTC on the 21st is 21:00 on the 20th in Los Angeles: the 20th's digest
    la = due_day(datetime(2026, 11, 21, 5, 0, tzinfo=UTC), "America/Los_Angeles", at)
    assert la == date(2026, 11, 20)


def test_digest_lists_items_without_escaping_them_twice() -> None:
    now = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    items = [{"subject": "a &amp; b", "address": "x@y.z"}, {"subject": "c", "address": "x@y.z"}]
    m = digest_message("p", "email", date(2026, 11, 21), items, now)
    assert m.body == "- a &amp; b\n- c"
    assert "2 条" in m.subject and m.address == "x@y.z" and m.status == "pending"


async def test_an_address_with_a_header_injected_is_refused_before_any_connection() -> None:
    import pytest

    from notify import channel_settings as cs
    from notify.outbound import Allow
    from notify.senders import Outgoing, SendError, SmtpSender

    s = cs.EmailSettings(host="smtp.invalid", sender="a@campus.test")
    sender = SmtpSender(s, Allow(), 1, 1)
    m = Outgoing(1, "t", "p", "p@campus.test\r\nBcc: all@campus.test", "s", "b", None, "k", "low")
    with pytest.raises(SendError) as info:
        await sender.send(m)
    assert info.value.permanent and sender.opened == 0
