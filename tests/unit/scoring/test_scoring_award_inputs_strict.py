"""Award setup inputs take JSON's own types only (issue 15: the long API fuzz found
`publicity_days: false` and `must_be_nominated: 0` accepted as 0 and false)."""

from __future__ import annotations

import pydantic
import pytest

from scoring.schemas_awards import AnswerIn, AwardSetupIn, EligibilityIn, ObjectionIn, QuotaIn

WRONG = [
    (EligibilityIn, {"must_be_nominated": 0}),
    (EligibilityIn, {"veto_applies": "true"}),
    (EligibilityIn, {"min_sample": True}),
    (QuotaIn, {"value": True}),
    (QuotaIn, {"minimum": "1"}),
    (ObjectionIn, {"award_id": True, "reason": "这个评选结果不符合实际情况"}),
    (AnswerIn, {"upheld": 1, "answer": "经核实情况属实"}),
]


@pytest.mark.parametrize(("model", "data"), WRONG)
def test_a_number_or_a_yes_no_of_the_wrong_json_type_is_refused(
    model: type[pydantic.BaseModel], data: dict[str, object]
) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        model.model_validate(data)
    assert {e["loc"][0] for e in refused.value.errors()} >= {next(iter(data))}


def test_the_setup_still_takes_well_typed_values() -> None:
    setup = AwardSetupIn.model_validate(
        {
            "kinds": [{"code": "a", "name": "优秀班组", "unit_type": "team",
                       "quota": {"value": 10, "mode": "percent"},
                       "eligibility": {"must_be_nominated": False, "min_sample": 5}}],
            "steps": [{"code": "a", "label": "班组长", "role": "team_lead"}],
            "publicity_days": 7,
        }
    )  # fmt: skip
    assert setup.publicity_days == 7 and setup.kinds[0].quota.value == 10.0
