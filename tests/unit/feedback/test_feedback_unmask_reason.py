"""An unmask reason is as long as the schema says when typed, and stored trimmed: the long fuzz
(seed 289685720) had a 10-character reason ending in a line break refused once trimmed."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from feedback.api_supervisor import UnmaskIn

SCHEMA = UnmaskIn.model_json_schema()["properties"]["reason"]


@pytest.mark.parametrize(
    "typed", ["123456789\r", " 一二三四五六七八九", "理由：核实身份以便回访\n"]
)
def test_a_reason_the_schema_allows_is_taken_and_stored_trimmed(typed: str) -> None:
    assert len(typed) >= SCHEMA["minLength"] and re.search(SCHEMA["pattern"], typed)
    assert UnmaskIn(reason=typed).reason == typed.strip()


@pytest.mark.parametrize("typed", [" " * 12, "\n" * 10, "short", "x\x00" * 6])
def test_a_reason_the_schema_refuses_is_refused(typed: str) -> None:
    allowed = len(typed) >= SCHEMA["minLength"] and re.search(SCHEMA["pattern"], typed)
    assert not allowed
    with pytest.raises(ValidationError):
        UnmaskIn(reason=typed)
