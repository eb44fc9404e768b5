"""Strict date and time types for query parameters and request bodies.

pydantic reads a plain `datetime` leniently: `?before=0.5` or `"closes_at": 12` is a Unix time
and `"2026-09-01"` a midnight, though the OpenAPI document promises an RFC 3339 date-time. These
types accept exactly what the document says (`Instant`: a date-time string with its UTC offset;
`Day`: a `YYYY-MM-DD` string) and refuse the rest with pydantic's own error codes, so a client
sees `datetime_parsing` / `date_parsing` as for any other malformed value. Python callers may
still pass `datetime` and `date` objects. Pure (no web framework): rule modules may use it; the
route parameters built on it (`SerialId`, `PathName`, `CodeFilter`) are houqin_shared.route_params.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from houqin_shared.strict import STRICT_INT

_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CLOCK = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?", re.ASCII)


def _instant(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _INSTANT.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "datetime_parsing",
        "Input should be an RFC 3339 date-time with its offset, such as 2026-09-01T08:00:00+08:00",
    )


def _day(value: Any) -> Any:
    if (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and _DAY.fullmatch(value)
    ):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date such as 2026-09-01")


def _clock(value: Any) -> Any:
    if isinstance(value, time) or (isinstance(value, str) and _CLOCK.fullmatch(value)):
        return value
    raise PydanticCustomError("time_parsing", "Input should be a local time such as 08:30")


# What a campus's dates can be: years a database and a calendar step through quickly, and the
# UTC offsets that exist (-12:00 to +14:00; PostgreSQL refuses beyond 15:59).
INSTANT_YEARS = (1970, 2200)
MAX_OFFSET = timedelta(hours=14)


def _sane_instant(value: datetime) -> datetime:
    offset = value.utcoffset()
    if not INSTANT_YEARS[0] <= value.year <= INSTANT_YEARS[1] or (
        offset is not None and abs(offset) > MAX_OFFSET
    ):
        raise PydanticCustomError(
            "datetime_range",
            "Input should be a date-time between the years 1970 and 2200, with an offset"
            " between -14:00 and +14:00",
        )
    return value


# The same bounds in the OpenAPI document (beside `format: date-time`), so that a client, and
# a fuzzer, knows that 4016-03-31T05:32:54-20:25 is refused before sending it.
INSTANT_PATTERN = (
    r"^(19[7-9][0-9]|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,9})?([Zz]|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"
)
Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    AfterValidator(_sane_instant),
    Field(json_schema_extra={"pattern": INSTANT_PATTERN}),
]
# A local clock time ("08:30", "08:30:00"), never a number of seconds nor with an offset.
ClockTime = Annotated[time, BeforeValidator(_clock)]
Day = Annotated[date, BeforeValidator(_day)]
# Ids are PostgreSQL bigints; the bound is one a JSON number holds exactly (2**53 - 1), so a
# schema-valid id never overflows the database's (a 422) and a client can compare it.
MAX_ID = 2**53 - 1
# Text a person typed: no control character but tab, newline and carriage return, and neither
# U+FFFE nor U+FFFF (PostgreSQL refuses NUL; XML refuses them all), so such text is a 422.
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"


# A row id in a body: a JSON integer (not true, not "5"), 1 .. MAX_ID.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID), STRICT_INT]
