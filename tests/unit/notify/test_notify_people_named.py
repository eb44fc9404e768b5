"""People are named by their own (Chinese) names in every language (issue 16): each built-in
template's example names the same people in en as in zh-CN, never by an account id, and never
by a romanised name (a staff member has one name; notify.names.Names.person ignores the
language)."""

from __future__ import annotations

import re

import pytest

from notify import examples
from notify.examples import EXAMPLES, Example
from notify.samples import NAMES

PEOPLE = {*NAMES.people.values(), *(e.reader for e in EXAMPLES if e.reader)}
ACCOUNTS = tuple(NAMES.people)  # plumber, plumbing-lead, maintenance-head, supervisor
ROMANISED = re.compile(r"\b(Zhang|Zhao|Chen|Wang|Li|Liu)\s?[A-Z][a-z]+\b")


def _text(ex: Example, lang: str) -> str:
    r = examples.render(ex, lang)
    return f"{r.subject}\n{r.body}"


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"{e.template}:{e.title}")
def test_english_names_the_same_people_as_chinese(ex: Example) -> None:
    zh, en = _text(ex, "zh-CN"), _text(ex, "en")
    assert {p for p in PEOPLE if p in zh} == {p for p in PEOPLE if p in en}, (zh, en)
    for account in ACCOUNTS:
        assert not re.search(rf"(?<![\w-]){re.escape(account)}(?![\w-])", en), (account, en)
    assert not ROMANISED.search(en), en


def test_the_examples_name_people() -> None:
    """The check above can fail: most examples to staff name someone."""
    named = [ex for ex in EXAMPLES if any(p in _text(ex, "en") for p in PEOPLE)]
    assert len(named) >= 8, [ex.template for ex in named]
    assert {"张建国", "陈静"} <= PEOPLE
