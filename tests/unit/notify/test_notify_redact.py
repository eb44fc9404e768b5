"""What operators read of a message to a reporter: no id, no address, nothing shaped like one."""

from __future__ import annotations

from notify import redact


def test_errors_of_messages_to_reporters_name_nobody() -> None:
    error = "smtp: SMTPRecipientsRefused: {'wang@campus.edu': (550, 'no such user')} t-7"
    clean = redact.error_text(error, True, "wang@campus.edu", "t-7")
    assert "wang" not in clean and "t-7" not in clean and "550" in clean
    sms = redact.error_text("http 400: bad number +86 138-1234-5678", True, None, "t-7")
    assert "1234" not in sms and "<phone>" in sms
    other = "smtp: refused plumber@campus.edu"
    assert redact.error_text(other, False, "plumber@campus.edu", "plumber") == other


def test_a_reporter_is_named_only_as_reporter() -> None:
    assert redact.recipient("teacher-1", True) == "reporter"
    assert redact.recipient("plumber", False) == "plumber"
