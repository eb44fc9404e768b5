"""The scoring API in-process against the real PostgreSQL: campaigns as data with validation,
work marks, recompute, rankings and explanations with access rules, publication (公示)."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from helpers import Sso, api_client
from PIL import Image
from scoring_support import Scoring
from scoring_world import World

from houqin_shared.identity import Principal
from scoring import repository, trends
from scoring.__main__ import create_app
from scoring.reading import visible

pytestmark = pytest.mark.infra


def leader(sso: Sso) -> dict[str, str]:
    return sso.auth("leader-1", "leader")


async def setup_campaign(client: Any, sso: Sso, s: Scoring, w: World) -> str:
    await s.feed(*w.events())
    r = await client.post("/v1/campaigns", json=w.campaign(), headers=leader(sso))
    assert r.status_code == 201, r.text
    cid = str(r.json()["id"])
    for unit_type, unit_id, mark in w.marks():
        r = await client.put(
            f"/v1/campaigns/{cid}/work-marks/{unit_type}/{unit_id}",
            json={"mark": mark, "justification": "两个工种技能比赛, 方案完整"},
            headers=leader(sso),
        )
        assert r.status_code == 200, r.text
    r = await client.post(f"/v1/campaigns/{cid}/recompute", headers=sso.auth("qa-1", "supervisor"))
    assert r.status_code == 200, r.text
    return cid


async def test_campaign_is_data_with_defaults_and_validation(scoring: Scoring, sso: Sso) -> None:
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        body = {
            "name": "2026 服务质量提升年",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        }
        r = await client.post("/v1/campaigns", json=body, headers=leader(sso))
        assert r.status_code == 201, r.text
        c = r.json()
        assert c["rules"]["weights"] == {"work": 40, "inspection": 30, "satisfaction": 30}
        assert c["rules"]["quotas"] == {
            "departments": 2, "teams": 7, "staff_percent": 10.0, "rounding": "half_up", "staff_min": 1,
        }  # fmt: skip
        assert c["rules"]["veto"] == {"kinds": ["service_quality", "safety"], "cascade": True}
        bad = [
            {**body, "rules": {"weights": {"work": 50, "inspection": 30, "satisfaction": 30}}},
            {**body, "period_end": "2025-12-31"},
            {**body, "rules": {"quotas": {"rounding": "banker"}}},
            {**body, "timezone": "Mars/Olympus"},
        ]
        for b in bad:
            r = await client.post("/v1/campaigns", json=b, headers=leader(sso))
            assert r.status_code == 422, b
            assert r.headers["content-type"].startswith("application/problem+json")
        r = await client.post("/v1/campaigns", json=body, headers=sso.auth("p1", "staff"))
        assert r.status_code == 403
        r = await client.put(
            f"/v1/campaigns/{c['id']}",
            json={**body, "rules": {"weights": {"work": 50, "inspection": 25, "satisfaction": 25}}},
            headers=leader(sso),
        )
        assert r.status_code == 200 and r.json()["rules"]["weights"]["work"] == 50
        r = await client.put(
            f"/v1/campaigns/{c['id']}/work-marks/team/x",
            json={"mark": 101, "justification": "x"},
            headers=leader(sso),
        )
        assert r.status_code == 422
        r = await client.get(
            "/v1/campaigns/00000000-0000-0000-0000-000000000000", headers=leader(sso)
        )
        assert r.status_code == 404
    assert len(await scoring.fetch("SELECT * FROM campaigns")) == 1
    assert await scoring.fetch("SELECT * FROM work_marks") == []


async def test_rankings_explanations_and_who_sees_what(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        r = await client.get(f"/v1/campaigns/{cid}/rankings?unit_type=team", headers=leader(sso))
        teams = r.json()
        assert [(t["unit_id"], t["rank"], t["vetoed"]) for t in teams] == [
            (w.u("electricians"), 1, False),
            (w.u("plumbers"), 2, False),
            (w.u("kitchen"), None, True),
            (w.u("cleaning"), None, False),
        ]
        # a department head sees their department only; a worker their own score only
        head = sso.auth("h", "dept_head", dept=w.u("maint"))
        r = await client.get(f"/v1/campaigns/{cid}/rankings", headers=head)
        assert {x["department_id"] for x in r.json()} == {w.u("maint")}
        assert len(r.json()) == 1 + 2 + 5
        worker = sso.auth(w.u("p1"), "staff", dept=w.u("maint"), team=w.u("plumbers"))
        r = await client.get(f"/v1/campaigns/{cid}/rankings", headers=worker)
        assert [x["unit_id"] for x in r.json()] == [w.u("p1")]
        r = await client.get(f"/v1/campaigns/{cid}/scores/staff/{w.u('p2')}", headers=worker)
        assert r.status_code == 403
        r = await client.get(f"/v1/campaigns/{cid}/scores/team/{w.u('kitchen')}", headers=head)
        assert r.status_code == 403

        r = await client.get(
            f"/v1/campaigns/{cid}/scores/team/{w.u('plumbers')}/explanation", headers=head
        )
        assert r.status_code == 200, r.text
        e = r.json()
        counted = {c["component"]: c["facts"] for c in e["components"]}
        assert counted["tickets"] == 4 and counted["ratings"] == 3 and counted["votes"] == 2
        assert e["reasons"] == e["score"]["detail"]["not_ranked_reasons"]
        path = f"/v1/campaigns/{cid}/scores/team/{w.u('plumbers')}/facts"
        facts = {}
        for component in counted:
            r = await client.get(f"{path}/{component}?limit=200", headers=head)
            assert r.status_code == 200, r.text
            assert r.json()["next"] is None
            facts[component] = r.json()["items"]
            if counted[component] is not None:
                assert len(facts[component]) == counted[component], component
        assert sorted(t["tracking_no"] for t in facts["tickets"]) == [
            f"T-{w.tag}-T{i}" for i in range(1, 5)
        ]
        assert sorted(x["counts_as"] for x in facts["ratings"]) == [25, 75, 100]
        assert {x["answer_id"] for x in facts["surveys"]} == {"result"}
        assert sorted(float(x["score"]) for x in facts["inspections"]) == [60, 80, 90]
        assert sorted(x["outcome"] for x in facts["confirmations"]) == [
            "auto_confirmed",
            "confirmed",
            "rejected",
        ]
        assert (
            len(facts["overdue"]) == 1 and len(facts["transfers"]) == 1 and len(facts["votes"]) == 2
        )
        assert [x["passed"] for x in sorted(facts["closed"], key=lambda x: x["tracking_no"])] == [
            True,
            True,
            False,
        ]
        assert e["work_mark"]["justification"] == "两个工种技能比赛, 方案完整"
        assert e["score"]["composite"] == 82.3

        r = await client.get(
            f"/v1/campaigns/{cid}/scores/team/{w.u('kitchen')}/explanation", headers=leader(sso)
        )
        assert [i["incident_id"] for i in r.json()["incidents"]] == [str(w.incident_id)]
        r = await client.get(
            f"/v1/campaigns/{cid}/scores/staff/{w.u('p1')}/facts/inspections", headers=worker
        )
        assert r.status_code == 200
        assert len(r.json()["items"]) == 3  # the team's, which the person is scored on
        r = await client.get(
            f"/v1/campaigns/{cid}/scores/staff/{w.u('p2')}/facts/tickets", headers=worker
        )
        assert r.status_code == 403  # another person's facts, as their score


async def test_publication_freezes_and_announces_awards(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        r = await client.post(
            f"/v1/campaigns/{cid}/publish", headers=sso.auth("qa-1", "supervisor")
        )
        assert r.status_code == 403
        r = await client.post(f"/v1/campaigns/{cid}/publish", headers=leader(sso))
        assert r.status_code == 200, r.text
        awards = {(a["award"], a["unit_id"]) for a in r.json()["awards"]}
        assert awards == {
            ("organisation", w.u("maint")),
            ("team", w.u("electricians")),
            ("team", w.u("plumbers")),
            ("individual", w.u("e1")),
        }
        # 公示: every signed-in user may read the published awards
        r = await client.get(f"/v1/campaigns/{cid}/awards", headers=sso.auth("stu-1", "reporter"))
        assert {(a["award"], a["unit_id"]) for a in r.json()} == awards
        for again in ("publish", "recompute"):
            r = await client.post(f"/v1/campaigns/{cid}/{again}", headers=leader(sso))
            assert r.status_code == 409, again
        r = await client.put(
            f"/v1/campaigns/{cid}/work-marks/department/{w.u('maint')}",
            json={"mark": 1, "justification": "late change"},
            headers=leader(sso),
        )
        assert r.status_code == 409
    await scoring.feed(w.overturn())  # facts after publication do not move a frozen campaign
    assert await scoring.fetch("SELECT * FROM campaign_touches") == []
    rows = await scoring.fetch(
        "SELECT event_type, payload FROM outbox WHERE event_type LIKE '%AwardsPublished%'"
    )
    assert len(rows) == 1
    assert len(json.loads(rows[0]["payload"])["awards"]) == 4


async def test_png_chart_of_departments_over_time_with_access(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        r = await client.get(f"/v1/campaigns/{cid}/report.png", headers=leader(sso))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(r.content))
        assert image.format == "PNG" and image.size == (1200, 800)
        r = await client.get(f"/v1/campaigns/{cid}/report.png")
        assert r.status_code == 401
        r = await client.get(
            f"/v1/campaigns/{uuid.uuid4()}/report.png", headers=sso.auth("qa-1", "supervisor")
        )
        assert r.status_code == 404

    # the same points as the scores, per week, for the departments the caller may see
    async with scoring.pool.acquire() as conn, conn.transaction():
        campaign = await repository.campaigns.get(conn, uuid.UUID(cid))
        assert campaign is not None
        units = await repository.scores.units(conn, campaign["departments"])
        departments = [u for u in units if u.unit_type == "department"]
        labels, series = await trends.department_series(conn, campaign, departments)
    assert labels[0] == "11月1日-11月7日" and len(labels) == 5
    maint = next(s for s in series if s.name == "维修管理科")
    # finished in week 1: T1 and T3 on time, T2 late; in week 2: T6-T8 on time; none after
    assert maint.on_time_rate == [0.6667, 1.0, None, None, None]
    # ratings of T1, T2, T3, T5 (100, 75, 25, 100); of T6-T8 (100, 100, 75); survey B's response
    # (90; A's response is replaced by its result); nothing; survey A's result (80, on the 29th)
    assert maint.satisfaction == [75.0, 91.67, 90.0, None, 80.0]
    head = Principal(subject="dh", roles=frozenset({"dept_head"}), department_id=w.u("maint"))
    seen = [
        u.unit_id
        for u in departments
        if visible(head, {"unit_type": u.unit_type, "unit_id": u.unit_id,
                          "department_id": u.department_id, "team_id": u.team_id})
    ]  # fmt: skip
    assert seen == [w.u("maint")]
