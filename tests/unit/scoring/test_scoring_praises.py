"""A campaign can weigh praises (表扬): `praise_points` per praise on the work component, capped at
100, 0 by default (counted, not weighed); the rule's bounds."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import ValidationError

from scoring.domain import Metrics, with_praises
from scoring.domain_ranking import Rules, Unit, score_unit
from scoring.schemas import CheckedRules, to_rules


def test_points_per_praise_on_the_work_mark_capped_at_100() -> None:
    assert with_praises(Fraction(88), 2, Fraction(5, 2)) == 93
    assert with_praises(Fraction(98), 3, Fraction(1)) == 100
    assert with_praises(Fraction(88), 2, Fraction(0)) == 88
    assert with_praises(None, 5, Fraction(1)) is None  # no mark: still no mark


def test_by_default_a_praise_moves_no_score() -> None:
    unit = Unit("team", "plumbers", "水工班", "plumbers", "maintenance")
    marks = {("department", "maintenance"): Fraction(88)}
    m = Metrics(praises=4)
    assert score_unit(unit, m, marks, [], Rules()).work == 88.0
    weighed = Rules(praise_points=Fraction(1))
    assert score_unit(unit, m, marks, [], weighed).work == 92.0
    assert to_rules({}).praise_points == 0
    assert to_rules({"praise_points": 0.5}).praise_points == Fraction(1, 2)


@pytest.mark.parametrize("bad", [-1, 10.5, "3", float("nan"), float("inf")])
def test_praise_points_are_bounded(bad: object) -> None:
    with pytest.raises(ValidationError):
        CheckedRules.model_validate({"praise_points": bad})
