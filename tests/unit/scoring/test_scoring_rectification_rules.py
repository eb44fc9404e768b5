"""Rectification results on the inspection component (issue 14), without I/O."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import ValidationError

from scoring.domain import with_rectifications, with_recurring
from scoring.schemas import RulesIn, to_rules


def test_points_come_off_per_failed_result_not_below_zero() -> None:
    assert with_rectifications(Fraction(90), 2, Fraction(3, 2)) == Fraction(87)
    assert with_rectifications(Fraction(2), 3, Fraction(1)) == Fraction(0)
    assert with_rectifications(Fraction(90), 0, Fraction(5)) == Fraction(90)
    assert with_rectifications(Fraction(90), 4, Fraction(0)) == Fraction(90)  # the default
    assert with_rectifications(None, 4, Fraction(5)) is None  # no inspections: no component


def test_the_campaign_rule_is_bounded_and_carried() -> None:
    assert to_rules(
        RulesIn(rectification_points=2.5).model_dump()
    ).rectification_points == Fraction(5, 2)
    for bad in (-1, 21, float("inf")):
        with pytest.raises(ValidationError):
            RulesIn(rectification_points=bad)


def test_recurring_weight_rises_with_each_detection() -> None:
    # two detections of one problem weigh 1 + 2
    assert with_recurring(Fraction(80), 3, Fraction(2)) == Fraction(74)
    assert with_recurring(Fraction(80), 3, Fraction(0)) == Fraction(80)
    assert to_rules(RulesIn(recurring_points=1).model_dump()).recurring_points == Fraction(1)
    with pytest.raises(ValidationError):
        RulesIn(recurring_points=25)
