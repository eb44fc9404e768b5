"""An explanation's summary and its facts' cursors, pure: every component listed with its inputs
and its number of facts from a score's metrics; a cursor names its place and nothing else reads
as one; the API's components are the repository's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import get_args

import pytest

from scoring.api_scores import ComponentName
from scoring.domain_explain import (
    COMPONENTS,
    CURSOR_MAX,
    CursorInvalid,
    components,
    cursor,
    few,
    place,
)
from scoring.repository import sql

METRICS = {
    "volume": 12,
    "on_time": {"accept": {"done": 10, "on_time": 9, "rate": 0.9}, "finish": {"done": 7}},
    "closed": 7,
    "passed": 6,
    "ratings": 5,
    "average_rating": 4.2,
    "confirmed": 3,
    "auto_confirmed": 2,
    "fix_rejected": 1,
    "survey_responses": 40,
    "quality_inspections": 2,
    "safety_inspections": 1,
    "recurring_problems": 2,
    "recurring_weight": 3,
}


def test_every_component_is_listed_with_its_inputs_and_facts() -> None:
    assert get_args(ComponentName) == COMPONENTS
    assert set(COMPONENTS) == set(sql.FACTS) == set(sql.ORDER)
    got = {c["component"]: c for c in components(METRICS)}
    assert list(got) == list(COMPONENTS)
    assert got["tickets"]["facts"] == 12
    assert got["stages"]["facts"] == 17  # 10 accepted + 7 finished, arrive missing: 0
    assert got["confirmations"]["facts"] == 6
    assert got["confirmations"]["inputs"]["fix_rejected"] == 1
    assert got["inspections"]["facts"] == 3
    assert got["surveys"]["facts"] is None  # a closed survey's result stands for many
    assert got["recurring"]["inputs"] == {"recurring_problems": 2, "recurring_weight": 3}
    assert got["votes"]["facts"] == 0  # missing totals count as none
    assert components({})[0] == {"component": "tickets", "inputs": {"volume": None}, "facts": 0}
    assert few(METRICS, "tickets") and not few(METRICS, "surveys")
    assert not few({"volume": 5001}, "tickets") and few({"volume": 5000}, "tickets")


def test_a_cursor_names_its_place() -> None:
    at = datetime(2026, 10, 3, 8, 30, 1, 250, tzinfo=timezone(timedelta(hours=8)))
    for key in ("0b1c/accept", "调查/result/team/水电班", ""):
        made = cursor(at, key)
        assert len(made) <= CURSOR_MAX and made.replace("-", "").replace("_", "").isalnum()
        assert place(made) == (at, key)
        assert place(made)[0].astimezone(UTC) == at.astimezone(UTC)


@pytest.mark.parametrize(
    "value",
    ["", "A", "bm90LWEtY3Vyc29y", "W10", "eyJhIjogMX0", "WyIyMDI2LTEwLTAzIiwgMV0",
     "WyIyMDI2LTEwLTAzVDAwOjAwOjAwIiwgIngiXQ", "////", "é"],
)  # fmt: skip
def test_anything_else_is_not_a_cursor(value: str) -> None:
    with pytest.raises(CursorInvalid):
        place(value)
