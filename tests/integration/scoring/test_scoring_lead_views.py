"""What the leaders' console pages read besides the scores: a campaign's figures over its period
as data (on-time rate, pass rate, satisfaction per week, for interactive charts) and 公示, the
published campaigns with their awards and rankings for anyone signed in."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from helpers import Sso, api_client
from scoring_support import Scoring
from scoring_world import World, at
from test_scoring_api import leader, setup_campaign

from scoring import repository, trends
from scoring.__main__ import create_app

pytestmark = pytest.mark.infra


async def test_trends_as_data_per_week_with_access(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        r = await client.get(f"/v1/campaigns/{cid}/trends", headers=leader(sso))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["monthly"] is False
        assert body["periods"][0]["label"] == "11月1日-11月7日"
        assert len(body["periods"]) == 5
        maint = next(s for s in body["series"] if s["unit_id"] == w.u("maint"))
        assert maint["unit_name"] == "维修管理科"
        # the same points as the PNG chart's (test_scoring_api's hand-worked figures)
        assert maint["on_time_rate"] == [0.6667, 1.0, None, None, None]
        assert maint["satisfaction"] == [75.0, 91.67, 90.0, None, 80.0]
        # pass rate per week: the same rule as the score's, over the week's closures
        async with scoring.pool.acquire() as conn:
            campaign = await repository.campaigns.get(conn, uuid.UUID(cid))
            assert campaign is not None
            cuts = trends.periods(campaign["period_start"], campaign["period_end"])
        assert len(maint["pass_rate"]) == len(cuts)
        assert any(p is not None for p in maint["pass_rate"])
        assert all(p is None or 0 <= p <= 1 for p in maint["pass_rate"])
        # a department head sees their own department only; teams on request
        head = sso.auth("dh-1", "dept_head", dept=w.u("maint"))
        r = await client.get(f"/v1/campaigns/{cid}/trends", headers=head)
        assert [s["unit_id"] for s in r.json()["series"]] == [w.u("maint")]
        r = await client.get(f"/v1/campaigns/{cid}/trends?unit_type=team", headers=head)
        assert {s["unit_id"] for s in r.json()["series"]} == {
            w.u("electricians"),
            w.u("plumbers"),
        }
        r = await client.get(f"/v1/campaigns/{cid}/trends?unit_type=staff", headers=head)
        assert r.status_code == 422
        r = await client.get(f"/v1/campaigns/{uuid.uuid4()}/trends", headers=head)
        assert r.status_code == 404
        r = await client.get(f"/v1/campaigns/{cid}/trends")
        assert r.status_code == 401


async def test_published_campaigns_are_public_to_the_signed_in(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    reader = sso.auth("stu-1", "reporter")
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        r = await client.get("/v1/published?limit=20", headers=reader)
        assert r.status_code == 200, r.text
        assert cid not in {c["campaign_id"] for c in r.json()}  # nothing before 公示
        r = await client.post(f"/v1/campaigns/{cid}/publish", headers=leader(sso))
        assert r.status_code == 200, r.text
        for outcome, day in (("on_time", 10), ("late", 12), ("rejected", 14), ("on_time", 5)):
            await scoring.fetch(
                "INSERT INTO rectification_results (item_id, outcome, at, department_id, team_id)"
                " VALUES ($1, $2, $3, NULL, $4) RETURNING item_id",
                uuid.uuid4(), outcome, at(day) if day != 5 else at(1) - timedelta(days=30),
                w.u("plumbers"),
            )  # fmt: skip
        r = await client.get("/v1/published?limit=20", headers=reader)
        shown = next(c for c in r.json() if c["campaign_id"] == cid)
        assert {(a["award"], a["unit_name"]) for a in shown["awards"]} >= {
            ("organisation", "维修管理科")
        }
        assert len(shown["awards"]) == 4
        ranked = [(x["unit_type"], x["rank"]) for x in shown["rankings"]]
        # ranked departments and teams only: the vetoed and the unranked are not shown
        assert ranked == [("department", 1), ("team", 1), ("team", 2)]
        assert "unit_id" not in shown["rankings"][0]
        # rectification results of the period, by department (the plumbers' are maintenance's)
        assert shown["rectifications"] == [{
            "department_name": "维修管理科", "accepted_on_time": 1, "accepted_late": 1,
            "rejected": 1,
        }]  # fmt: skip
        r = await client.get("/v1/published?limit=21", headers=reader)
        assert r.status_code == 422
        r = await client.get("/v1/published")
        assert r.status_code == 401
