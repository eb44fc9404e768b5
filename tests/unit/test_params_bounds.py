"""Found by the API fuzzer (seed 20261205): a rectification deadline of 4097-04-14T00:36:57-19:06
was a 500 (PostgreSQL refuses an offset beyond 15:59), and a report's longitude `false` was taken
as 0. Instants keep to years 1970-2200 and real UTC offsets; a coordinate is a number."""

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from houqin_shared.contracts import Location
from houqin_shared.params import Instant

INSTANT = TypeAdapter(Instant)


@pytest.mark.parametrize(
    "value",
    ["4097-04-14T00:36:57-19:06", "2026-01-01T00:00:00-19:06", "2026-01-01T00:00:00+14:01",
     "1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z"],
)  # fmt: skip
def test_instants_out_of_range_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        INSTANT.validate_python(value)


@pytest.mark.parametrize(
    "value", ["2026-09-01T08:00:00+08:00", "2026-09-01T08:00:00-12:00", "2200-12-31T23:59:59Z"]
)
def test_real_instants_are_taken(value: str) -> None:
    assert INSTANT.validate_python(value).year in (2026, 2200)


def test_a_coordinate_is_a_number_not_a_boolean() -> None:
    class Body(BaseModel):
        location: Location

    assert Body.model_validate({"location": {"lat": 30, "long": 114.3}}).location.lat == 30
    for bad in (False, True):
        with pytest.raises(ValidationError):
            Body.model_validate({"location": {"lat": 30, "long": bad}})
