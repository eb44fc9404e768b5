"""The campaign's domain bounds as pure rules: two years at most, within 2000-2100."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from scoring.schemas import CampaignIn, CheckedCampaign, period_end_limit


@pytest.mark.parametrize(
    ("start", "limit"),
    [
        (date(2026, 1, 1), date(2027, 12, 31)),
        (date(2026, 3, 1), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2030, 2, 28)),
        (date(2100, 1, 1), date(2101, 12, 31)),
    ],
)
def test_a_campaign_lasts_two_years_less_a_day_at_most(start: date, limit: date) -> None:
    assert period_end_limit(start) == limit


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2026-01-01", "2027-12-31", True),
        ("2026-01-01", "2028-01-01", False),
        ("2000-01-01", "2000-01-01", True),
        ("1999-12-31", "2000-01-01", False),
        ("2100-12-31", "2100-12-31", True),
        ("2100-12-31", "2101-01-01", False),
        ("0186-01-01", "2000-12-31", False),
        ("2026-02-01", "2026-01-31", False),
    ],
)
def test_campaign_periods(start: str, end: str, ok: bool) -> None:
    body = {"name": "n", "period_start": start, "period_end": end}
    CampaignIn.model_validate(body)  # the schema's part: any day in range
    if ok:
        CheckedCampaign.model_validate(body)
    else:
        with pytest.raises(ValidationError):
            CheckedCampaign.model_validate(body)
