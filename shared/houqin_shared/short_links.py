"""The short codes of messages' links, one table for both ends: notify makes them
(notify.links), the console's /go/{code} reads them (console.pages.links).

A code is one letter for the page, then, for a page about one report, ticket or survey, its
id's 128 bits in base 62 (22 characters)."""

from __future__ import annotations

import uuid

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_CHARS = 22  # 62**22 > 2**128
# letter -> path (with {id} for a page about one report, ticket or survey)
PAGES: dict[str, str] = {
    "r": "/mine/{id}",
    "c": "/mine/{id}/confirm",
    "t": "/work/tickets/{id}",
    "w": "/work",
    "m": "/manage",
    "b": "/board",
    "s": "/surveys/{id}",
}


def encode_id(value: uuid.UUID) -> str:
    n, out = value.int, []
    for _ in range(ID_CHARS):
        n, digit = divmod(n, 62)
        out.append(ALPHABET[digit])
    return "".join(reversed(out))


def decode_id(digits: str) -> uuid.UUID | None:
    """The id `digits` (base 62, of ALPHABET) stand for, or None past 128 bits."""
    n = 0
    for ch in digits:
        n = n * 62 + ALPHABET.index(ch)
    return uuid.UUID(int=n) if n < 1 << 128 else None
