"""Time zones named the IANA way ("Asia/Shanghai"): the one check of a field that names one.

Use it as a model's validator, `_zone = field_validator("timezone")(known_zone)`; an unknown
name is the field error `timezone_unknown` (houqin_shared.field_errors)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from houqin_shared.field_errors import invalid_field


def known_zone(name: str) -> str:
    """`name` if it names a time zone this machine knows; else the `timezone_unknown` error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid_field("timezone_unknown") from exc
    return name
