"""The public service catalogue: anyone reads, admins publish, each change is a new version and a
ServiceCatalogChanged event; the demo catalogue loads through the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from feedback_support import Feedback

pytestmark = pytest.mark.infra
CHANGED = "houqin.feedback.ServiceCatalogChanged.v1"
ROOT = Path(__file__).resolve().parents[3]
ENTRY: dict[str, Any] = {
    "name": "Plumbing",
    "description": "taps, pipes, drains",
    "standard": "leak stopped at the first visit",
    "fee": "free",
    "department_id": "maintenance",
    "service_phone": "027-6886 1001",
    "complaint_phone": "027-6886 1000",
    "limits": [{"urgency": "normal", "accept_minutes": 30, "finish_minutes": 1440}],
}


async def test_admin_publishes_and_anyone_reads(feedback: Feedback) -> None:
    admin = feedback.sso.auth("admin-1", "admin")
    async with feedback.client() as client:
        created = await client.put("/v1/catalog/plumbing", json=ENTRY, headers=admin)
        assert created.status_code == 201, created.text
        assert created.json()["version"] == 1
        same = await client.put("/v1/catalog/plumbing", json=ENTRY, headers=admin)
        assert same.status_code == 200 and same.json()["version"] == 1
        urgent = {"urgency": "urgent", "accept_minutes": 10, "arrive_minutes": 30}
        changed = await client.put(
            "/v1/catalog/plumbing",
            json={**ENTRY, "limits": [*ENTRY["limits"], urgent]},
            headers=admin,
        )
        assert changed.status_code == 200 and changed.json()["version"] == 2
        public = await client.get("/v1/catalog")  # no token at all
        assert public.status_code == 200
        [entry] = public.json()
        assert entry["code"] == "plumbing" and entry["complaint_phone"] == "027-6886 1000"
        assert (await client.get("/v1/catalog/plumbing")).json()["version"] == 2
        missing = await client.get("/v1/catalog/nothing")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
    events = await feedback.events(CHANGED)
    assert [(e["code"], e["version"]) for e in events] == [("plumbing", 1), ("plumbing", 2)]
    assert events[1]["department_id"] == "maintenance"
    assert [lim["urgency"] for lim in events[1]["limits"]] == ["normal", "urgent"]
    assert events[1]["limits"][1]["arrive_minutes"] == 30


async def test_only_admins_publish_and_bad_entries_change_nothing(feedback: Feedback) -> None:
    sso = feedback.sso
    admin = sso.auth("admin-1", "admin")
    async with feedback.client() as client:
        assert (await client.put("/v1/catalog/plumbing", json=ENTRY, headers=admin)).is_success
        nobody = await client.put("/v1/catalog/plumbing", json=ENTRY)
        assert nobody.status_code == 401
        reporter = await client.put(
            "/v1/catalog/plumbing", json=ENTRY, headers=sso.auth("s", "reporter")
        )
        assert reporter.status_code == 403
        shrinking = [{"urgency": "normal", "accept_minutes": 60, "arrive_minutes": 10}]
        for bad in ({"name": ""}, {"limits": shrinking}, {"service_phone": "ring us"}):
            r = await client.put("/v1/catalog/plumbing", json={**ENTRY, **bad}, headers=admin)
            assert r.status_code == 422, bad
            assert r.headers["content-type"].startswith("application/problem+json")
        bad_code = await client.put("/v1/catalog/Not%20A%20Code", json=ENTRY, headers=admin)
        assert bad_code.status_code == 422
        assert (await client.get("/v1/catalog/plumbing")).json()["name"] == "Plumbing"
    assert len(await feedback.events(CHANGED)) == 1


async def test_a_withdrawn_service_takes_no_new_reports(feedback: Feedback) -> None:
    sso = feedback.sso
    admin = sso.auth("admin-1", "admin")
    report = {
        "kind": "repair",
        "category": "plumbing",
        "location": {"building": "b1"},
        "description": "leak",
    }
    async with feedback.client() as client:
        await client.put("/v1/catalog/plumbing", json=ENTRY, headers=admin)
        ok = await client.post("/v1/reports", json=report, headers=sso.auth("s", "reporter"))
        assert ok.status_code == 201
        off = await client.put(
            "/v1/catalog/plumbing", json={**ENTRY, "active": False}, headers=admin
        )
        assert off.json()["version"] == 2 and off.json()["active"] is False
        assert (await client.get("/v1/catalog")).json() == []
        refused = await client.post("/v1/reports", json=report, headers=sso.auth("s", "reporter"))
        assert refused.status_code == 422
        assert "catalogue" in refused.json()["detail"]
    events = await feedback.events(CHANGED)
    assert [e["active"] for e in events] == [True, False]


async def test_the_demo_catalogue_loads_through_the_api(feedback: Feedback) -> None:
    catalog = yaml.safe_load((ROOT / "deploy" / "demo" / "catalog.yaml").read_text())
    admin = feedback.sso.auth("admin", "admin")
    async with feedback.client() as client:
        for service in catalog["services"]:
            body = {k: v for k, v in service.items() if k != "code"}
            r = await client.put(f"/v1/catalog/{service['code']}", json=body, headers=admin)
            assert r.status_code == 201, r.text
        listed = (await client.get("/v1/catalog")).json()
        for service in catalog["services"]:  # loading again changes nothing
            body = {k: v for k, v in service.items() if k != "code"}
            again = await client.put(f"/v1/catalog/{service['code']}", json=body, headers=admin)
            assert again.status_code == 200 and again.json()["version"] == 1
    assert {s["code"] for s in listed} >= {"plumbing", "canteen", "clinic"}
    assert len(await feedback.events(CHANGED)) == len(catalog["services"])
    # every service is named in Chinese first and in English second
    names = {s["code"]: (s["name"], s["name_en"]) for s in listed}
    assert names["plumbing"] == ("水电维修·给排水", "Plumbing")
    assert all(zh and en and zh != en for zh, en in names.values())
    # and its description, standard and fee too, each in both languages
    for field in ("description", "standard", "fee"):
        said = [(s[field], s[field + "_en"]) for s in listed]
        assert all(zh and en and zh != en and en.isascii() for zh, en in said), field
