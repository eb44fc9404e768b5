"""Found by the API fuzzer (seed 20261205): a rectification deadline of 4097-04-14T00:36:57-19:06
was a 500 (PostgreSQL refuses an offset beyond 15:59), and a report's longitude `false` was taken
as 0. Instants keep to years 1970-2200 and real UTC offsets; a coordinate is a number."""

import random
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from houqin_shared.contracts import Location
from houqin_shared.params import INSTANT_PATTERN, Instant

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


def test_the_documented_pattern_says_what_the_validator_takes() -> None:
    """Seed 41205: GET /v1/reports?before=4016-03-31T05:32:54-20:25 was schema-valid (only
    `format: date-time` was documented) but refused. The pattern in the OpenAPI document now
    agrees with the validator, over random years and offsets."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for _ in range(2000):
        year = rng.choice([rng.randint(1, 9999), rng.randint(1960, 2210)])
        minutes = rng.choice([rng.randint(-1439, 1439), rng.randint(-14 * 60, 14 * 60)])
        offset = timezone(timedelta(minutes=minutes))
        text = datetime(year, 6, 15, 12, 0, 0, tzinfo=offset).isoformat()
        text = text.replace("+00:00", rng.choice(["Z", "+00:00"]))
        documented = re.search(INSTANT_PATTERN, text) is not None
        try:
            INSTANT.validate_python(text)
            taken = True
        except ValidationError:
            taken = False
        assert documented == taken, f"seed {seed}: {text}: documented {documented}, taken {taken}"
    assert re.search(INSTANT_PATTERN, datetime(2026, 1, 1, tzinfo=UTC).isoformat())
    schema = TypeAdapter(Instant).json_schema()
    assert schema["pattern"] == INSTANT_PATTERN
    assert schema["format"] == "date-time"
