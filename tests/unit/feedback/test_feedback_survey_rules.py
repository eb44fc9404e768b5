"""Survey scoring without I/O: 1-5 answers become 0-100 per unit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from feedback import domain_surveys as rules

SURVEY: dict[str, Any] = {
    "questions": [{"id": "quality"}, {"id": "attitude"}],
    "units": [
        {"unit_type": "team", "unit_id": "plumbers"},
        {"unit_type": "department", "unit_id": "catering"},
    ],
}


def answer(*units: dict[str, Any]) -> rules.AnswerIn:
    return rules.AnswerIn.model_validate({"answers": list(units)})


def test_scores_scale_from_one_to_five_onto_zero_to_hundred() -> None:
    scores = rules.unit_scores(
        SURVEY,
        answer(
            {"unit_type": "team", "unit_id": "plumbers", "scores": {"quality": 5, "attitude": 5}},
            {
                "unit_type": "department",
                "unit_id": "catering",
                "scores": {"quality": 1, "attitude": 4},
            },
        ),
    )
    assert not isinstance(scores, str)
    assert [(s.unit_id, s.score, s.responses) for s in scores] == [
        ("plumbers", 100.0, 1),
        ("catering", 37.5, 1),
    ]


@pytest.mark.parametrize(
    ("unit", "why"),
    [
        (
            {"unit_type": "team", "unit_id": "cooks", "scores": {"quality": 3, "attitude": 3}},
            "not rated",
        ),
        ({"unit_type": "team", "unit_id": "plumbers", "scores": {"quality": 3}}, "every question"),
    ],
)
def test_bad_answers(unit: dict[str, Any], why: str) -> None:
    assert why in str(rules.unit_scores(SURVEY, answer(unit)))


@pytest.mark.parametrize("score", [0, 6, True, "3", 2.5])
def test_a_score_is_a_json_integer_from_one_to_five(score: object) -> None:
    """The schema says so (the fuzzer sent `true` and a score of 6, which the rules refused
    later or, for `true`, took as 1)."""
    with pytest.raises(ValidationError):
        answer({"unit_type": "team", "unit_id": "plumbers", "scores": {"quality": score}})


def test_a_unit_answered_twice_is_refused() -> None:
    unit = {"unit_type": "team", "unit_id": "plumbers", "scores": {"quality": 3, "attitude": 3}}
    assert "twice" in str(rules.unit_scores(SURVEY, answer(unit, unit)))


def test_survey_definition_rules() -> None:
    base = {
        "title": "2026 autumn",
        "period_start": "2026-09-01",
        "period_end": "2026-12-31",
        "questions": [{"id": "q1", "text": "How satisfied are you?"}],
        "units": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组"}],
    }
    rules.SurveyIn.model_validate(base)
    for bad in (
        {"period_end": "2026-08-01"},
        {"questions": [{"id": "q1", "text": "a"}, {"id": "q1", "text": "b"}]},
        {"units": base["units"] * 2},
        {"questions": []},
    ):
        with pytest.raises(ValidationError):
            rules.SurveyIn.model_validate({**base, **bad})
    token = rules.new_token()
    assert len(token) >= 32 and rules.token_hash(token) != token
