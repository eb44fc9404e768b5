"""Every input of the scoring API has a domain bound: a campaign lies within 2000-2100 and lasts
at most two years, counts and lists are capped, names and ids are bounded; anything else is a
422 problem and stores nothing (issue 15: a campaign from year 186 to 2000 was accepted)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import Sso, api_client
from scoring_support import Scoring

from scoring.__main__ import create_app

pytestmark = pytest.mark.infra
BODY = {"name": "2026 服务质量提升年", "period_start": "2026-01-01", "period_end": "2026-12-31"}


def leader(sso: Sso) -> dict[str, str]:
    return sso.auth("leader-1", "leader")


def refused(r: Any) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].startswith("https://houqin.dev/problems/")


async def test_the_1813_year_campaign_is_refused_and_nothing_stored(
    scoring: Scoring, sso: Sso
) -> None:
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        forever = {**BODY, "period_start": "0186-01-01", "period_end": "2000-12-31"}
        r = await client.post("/v1/campaigns", json=forever, headers=leader(sso))
        refused(r)
        assert r.json()["type"] == "https://houqin.dev/problems/campaign-invalid"
        assert [e["type"] for e in r.json()["errors"]] == ["campaign_day_out_of_range"]
        assert await scoring.fetch("SELECT id FROM campaigns") == []

        r = await client.post("/v1/campaigns", json=BODY, headers=leader(sso))
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        r = await client.put(f"/v1/campaigns/{cid}", json=forever, headers=leader(sso))
        refused(r)
        weights = {"rules": {"weights": {"work": 0, "inspection": 0, "satisfaction": 0}}}
        r = await client.put(f"/v1/campaigns/{cid}", json={**BODY, **weights}, headers=leader(sso))
        refused(r)
        assert r.json()["errors"][0]["loc"] == ["body", "rules", "weights"]
    stored = await scoring.fetch("SELECT period_start, period_end FROM campaigns")
    assert [(str(s["period_start"]), str(s["period_end"])) for s in stored] == [
        ("2026-01-01", "2026-12-31")
    ]


async def test_periods_counts_lists_and_names_are_bounded(scoring: Scoring, sso: Sso) -> None:
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        two_years = {**BODY, "period_start": "2026-03-01", "period_end": "2028-02-29"}
        r = await client.post("/v1/campaigns", json=two_years, headers=leader(sso))
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        bad: list[dict[str, Any]] = [
            {**two_years, "period_end": "2028-03-01"},  # two years and a day
            {**BODY, "period_start": "1999-12-31"},
            {**BODY, "period_start": "2100-06-01", "period_end": "2101-01-01"},
            {**BODY, "period_end": 0.5},
            {**BODY, "name": "x" * 201},
            {**BODY, "name": "两行\n名称"},
            {**BODY, "name": "\ufffe"},
            {**BODY, "timezone": "A" * 65},
            {**BODY, "departments": [f"d{i}" for i in range(501)]},
            {**BODY, "departments": ["d" * 129]},
            {**BODY, "departments": [""]},
            {**BODY, "rules": {"quotas": {"teams": 10**9}}},
            {**BODY, "rules": {"quotas": {"departments": 501}}},
            {**BODY, "rules": {"quotas": {"staff_min": 100_001}}},
            {**BODY, "rules": {"min_samples": {"satisfaction": 10**12}}},
            {**BODY, "rules": {"veto": {"kinds": ["safety"] * 3}}},
            # wrong types are refused, not coerced (schemathesis found false taken for 0)
            {**BODY, "rules": {"quotas": {"staff_percent": False}}},
            {**BODY, "rules": {"quotas": {"teams": "7"}}},
            {**BODY, "rules": {"veto": {"cascade": "yes"}}},
            {**BODY, "rules": {"weights": {"work": 40.0, "inspection": 30, "satisfaction": 30}}},
        ]
        for b in bad:
            r = await client.post("/v1/campaigns", json=b, headers=leader(sso))
            assert r.status_code == 422, (b, r.text)
        for query in ("limit=0", "limit=501", "limit=0.5", "offset=-1", "offset=x"):
            refused(await client.get(f"/v1/campaigns?{query}", headers=leader(sso)))
        for query in ("limit=0", "limit=10001", "unit_type=x", "offset=0.5"):
            r = await client.get(f"/v1/campaigns/{cid}/rankings?{query}", headers=leader(sso))
            refused(r)
        mark = {"mark": 50, "justification": "好"}
        long_id = "u" * 129
        r = await client.put(
            f"/v1/campaigns/{cid}/work-marks/team/{long_id}", json=mark, headers=leader(sso)
        )
        refused(r)
        r = await client.put(
            f"/v1/campaigns/{cid}/work-marks/team/t1",
            json={**mark, "justification": "\x00"},
            headers=leader(sso),
        )
        refused(r)
        r = await client.get(f"/v1/campaigns/{cid}/scores/team/{long_id}", headers=leader(sso))
        refused(r)
        # the documented pattern is the one applied: a C1 control (\x85 is no \s to JSON
        # Schema but is to Rust's regex) is refused, any other non-ASCII id looked up
        r = await client.get(f"/v1/campaigns/{cid}/scores/team/%C2%85x", headers=leader(sso))
        refused(r)
        r = await client.get(f"/v1/campaigns/{cid}/scores/team/%C3%B2'%C3%A8", headers=leader(sso))
        assert r.status_code == 404, r.text
        r = await client.get("/v1/campaigns?limit=1&offset=0", headers=leader(sso))
        assert r.status_code == 200 and len(r.json()) == 1
        doc = (await client.get("/openapi.json")).json()
    assert await scoring.fetch("SELECT * FROM work_marks") == []
    assert len(await scoring.fetch("SELECT id FROM campaigns")) == 1
    # the bounds are stated in the OpenAPI document
    schemas = doc["components"]["schemas"]
    campaign = schemas["CampaignIn"]["properties"]
    assert campaign["period_start"]["formatMinimum"] == "2000-01-01"
    assert campaign["period_end"]["formatMaximum"] == "2100-12-31"
    assert "2 years" in campaign["period_end"]["description"]
    assert campaign["name"]["maxLength"] == 200
    assert schemas["QuotasIn"]["properties"]["teams"]["maximum"] == 100_000
    params = {p["name"]: p for p in doc["paths"]["/v1/campaigns"]["get"]["parameters"]}
    # the rules between fields, which the schema cannot state, are a documented domain refusal
    refusal = doc["paths"]["/v1/campaigns"]["post"]["responses"]["422"]
    types = refusal["content"]["application/problem+json"]["schema"]["allOf"][1]
    assert "https://houqin.dev/problems/campaign-invalid" in types["properties"]["type"]["enum"]
    assert params["limit"]["schema"]["maximum"] == 500
