"""One time-zone check (houqin_shared.zones.known_zone) serves every model that names a zone:
notify's preferences, scoring's checked campaign and tickets' working calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from houqin_shared.zones import known_zone
from notify.api_prefs import PreferencesIn
from scoring.schemas import CheckedCampaign
from tickets.calendar_doc import CalendarDoc

CAMPAIGN = {
    "name": "2026 优质服务月",
    "period_start": date(2026, 9, 1),
    "period_end": date(2026, 9, 30),
}
MODELS: list[tuple[type[BaseModel], str, dict[str, Any]]] = [
    (PreferencesIn, "timezone", {}),
    (CheckedCampaign, "timezone", CAMPAIGN),
    (CalendarDoc, "tz", {}),
]


def test_known_zone_passes_a_name_and_refuses_others() -> None:
    assert known_zone("Asia/Shanghai") == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "", "../etc/passwd"):
        with pytest.raises(PydanticCustomError) as caught:
            known_zone(bad)
        assert caught.value.type == "timezone_unknown"


@pytest.mark.parametrize(("model", "field", "rest"), MODELS)
def test_each_model_checks_its_zone(
    model: type[BaseModel], field: str, rest: dict[str, Any]
) -> None:
    assert getattr(model.model_validate({**rest, field: "Europe/Paris"}), field) == "Europe/Paris"
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**rest, field: "Mars/Olympus"})
    [error] = caught.value.errors()
    assert (error["type"], error["loc"]) == ("timezone_unknown", (field,))
