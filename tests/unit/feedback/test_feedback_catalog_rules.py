"""Catalogue entries: what a published service commitment must contain; the demo catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from feedback.domain_catalog import ServiceIn, same_content, stage_limits

ROOT = Path(__file__).resolve().parents[3]
ENTRY: dict[str, Any] = {
    "name": "Plumbing",
    "limits": [
        {"urgency": "urgent", "accept_minutes": 10, "arrive_minutes": 30},
        {"urgency": "normal", "accept_minutes": 30, "finish_minutes": 1440},
    ],
    "service_phone": "027-8765 4321",
}


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"limits": [{"urgency": "normal", "accept_minutes": 60, "arrive_minutes": 30}]},
        {"limits": [{"urgency": "normal"}, {"urgency": "normal"}]},
        {"limits": [{"urgency": "normal", "accept_minutes": 0}]},
        {"limits": [{"urgency": "someday"}]},
        {"service_phone": "call us"},
        {"department_id": "Maintenance Dept"},
        {"calendar": "lunar"},
        {"colour": "blue"},
    ],
)
def test_bad_entries_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ServiceIn.model_validate({**ENTRY, **change})


def test_stored_form_orders_limits_so_equal_entries_compare_equal() -> None:
    stored = ServiceIn.model_validate(ENTRY).stored()
    assert [limit["urgency"] for limit in stored["limits"]] == ["normal", "urgent"]
    reordered = ServiceIn.model_validate({**ENTRY, "limits": ENTRY["limits"][::-1]}).stored()
    assert same_content(stored, reordered)
    assert not same_content(stored, {**reordered, "fee": "5 yuan"})
    assert stage_limits(stored["limits"])[1].arrive_minutes == 30


def test_the_demo_catalogue_is_valid_and_matches_the_demo_directory() -> None:
    catalog = yaml.safe_load((ROOT / "deploy" / "demo" / "catalog.yaml").read_text())
    directory = yaml.safe_load((ROOT / "deploy" / "demo" / "directory.yaml").read_text())
    departments = {d["id"] for d in directory["departments"]}
    codes = [s["code"] for s in catalog["services"]]
    assert len(codes) == len(set(codes))
    assert {
        "plumbing",
        "electrical",
        "carpentry",
        "cleaning",
        "greening",
        "canteen",
        "clinic",
    } <= set(codes)
    for service in catalog["services"]:
        entry = ServiceIn.model_validate({k: v for k, v in service.items() if k != "code"})
        assert entry.department_id in departments, service["code"]
        assert entry.limits, service["code"]
