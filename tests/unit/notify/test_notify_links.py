"""Notify's short codes (notify.links) and the console's /go/{code} (console.pages.links) are
one table: every page and id round-trips; anything else names no page."""

from __future__ import annotations

import random
import uuid

import pytest

from console.pages import links as console_links
from notify import links


def test_both_sides_know_the_same_pages() -> None:
    assert console_links.PAGES is links.PAGES  # houqin_shared.short_links
    assert set(links.BUTTON) == set(links.PAGES)


@pytest.mark.parametrize("page", sorted(links.PAGES))
def test_every_code_decodes_to_its_page(page: str) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for _ in range(200):
        ident = uuid.UUID(int=rng.getrandbits(128)) if "{id}" in links.PAGES[page] else None
        link = links.Link(page, ident)
        assert console_links.decode(link.code) == link.path, f"seed {seed}"
    edges = (uuid.UUID(int=0), uuid.UUID(int=2**128 - 1))
    for ident in edges if "{id}" in links.PAGES[page] else ():
        assert console_links.decode(links.Link(page, ident).code) == links.Link(page, ident).path


@pytest.mark.parametrize(
    "code",
    ["", "x", "t", "w" + "0" * 22, "t" + "0" * 21, "t" + "0" * 23, "t" + "_" * 22, "T" + "0" * 22,
     "t" + "z" * 22, "../etc", "t" + "0" * 21 + "é"],
)  # fmt: skip
def test_anything_else_names_no_page(code: str) -> None:
    assert console_links.decode(code) is None
