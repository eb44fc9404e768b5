"""What operators and other systems may read about a message to a report's reporter (who may be
anonymous): never the reporter's user id or address. No I/O.

The delivery log, the attempts' error texts (SMTP and gateways echo the address they refused),
the warning logs, resends and webhook payloads go through these."""

from __future__ import annotations

import re

REPORTER = "reporter"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")


def error_text(error: str, to_reporter: bool, *identities: str | None) -> str:
    """`error` as the delivery log keeps it: for a message to a reporter, without the reporter's
    id or address, nor anything shaped like an e-mail address or a phone number."""
    if not to_reporter:
        return error
    for value in identities:
        if value:
            error = error.replace(value, f"<{REPORTER}>")
    return PHONE.sub("<phone>", EMAIL.sub("<address>", error))


def recipient(name: str, to_reporter: bool) -> str:
    """The recipient as anyone but the recipient reads it."""
    return REPORTER if to_reporter else name
