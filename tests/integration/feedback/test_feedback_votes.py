"""Votes: one per person per ballot (also under concurrent clicks), VoteCast without the voter,
counts hidden from voters until the ballot closes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
CAST = "houqin.feedback.VoteCast.v1"


def ballot(opens: datetime, closes: datetime) -> dict[str, Any]:
    return {
        "title": "我为你投一票: best team",
        "campaign_id": "6f1c2b0e-0000-4000-8000-000000000001",
        "opens_at": opens.isoformat(),
        "closes_at": closes.isoformat(),
        "options": [
            {"unit_type": "team", "unit_id": "plumbers", "label": "水工组"},
            {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
        ],
    }


async def test_one_vote_per_person_per_ballot(feedback: Feedback) -> None:
    sso = feedback.sso
    now = datetime.now(UTC)
    sup = sso.auth("sup", "supervisor")
    async with feedback.client() as client:
        denied = await client.post(
            "/v1/ballots",
            json=ballot(now, now + timedelta(days=1)),
            headers=sso.auth("s", "reporter"),
        )
        assert denied.status_code == 403
        bad = await client.post("/v1/ballots", json=ballot(now, now), headers=sup)
        assert bad.status_code == 422
        created = await client.post(
            "/v1/ballots",
            json=ballot(now - timedelta(minutes=1), now + timedelta(days=1)),
            headers=sup,
        )
        assert created.status_code == 201, created.text
        bid = created.json()["id"]
        listed = await client.get("/v1/ballots", headers=sso.auth("stu-1", "reporter"))
        assert [b["id"] for b in listed.json()] == [bid]
        vote = {"unit_type": "team", "unit_id": "plumbers"}
        clicks = await asyncio.gather(
            *(
                client.post(
                    f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("stu-1", "reporter")
                )
                for _ in range(5)
            )
        )
        assert sorted(c.status_code for c in clicks) == [201, 409, 409, 409, 409]
        other = await client.post(
            f"/v1/ballots/{bid}/votes",
            json={"unit_type": "team", "unit_id": "electricians"},
            headers=sso.auth("stu-2", "reporter"),
        )
        assert other.status_code == 201
        not_on = await client.post(
            f"/v1/ballots/{bid}/votes",
            json={"unit_type": "team", "unit_id": "cooks"},
            headers=sso.auth("stu-3", "reporter"),
        )
        assert not_on.status_code == 422
        staff = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("p", "staff")
        )
        assert staff.status_code == 403
        hidden = await client.get(f"/v1/ballots/{bid}", headers=sso.auth("stu-1", "reporter"))
        assert [o["votes"] for o in hidden.json()["options"]] == [None, None]
        counts = await client.get(f"/v1/ballots/{bid}", headers=sup)
        assert {o["unit_id"]: o["votes"] for o in counts.json()["options"]} == {
            "plumbers": 1,
            "electricians": 1,
        }
    events = await feedback.events(CAST)
    assert sorted(e["unit_id"] for e in events) == ["electricians", "plumbers"]
    assert all(e["ballot_id"] == bid and e["campaign_id"] for e in events)
    assert "stu-1" not in str(events) and "stu-2" not in str(events)
    [row] = await feedback.fetch("SELECT count(*) AS n FROM votes WHERE voter_key LIKE 'stu%'")
    assert row["n"] == 0  # voters are not stored by name


async def test_votes_only_while_the_ballot_is_open(feedback: Feedback) -> None:
    sso = feedback.sso
    now = datetime.now(UTC)
    sup = sso.auth("sup", "supervisor")
    vote = {"unit_type": "team", "unit_id": "plumbers"}
    async with feedback.client() as client:
        past = await client.post(
            "/v1/ballots",
            json=ballot(now - timedelta(days=2), now - timedelta(days=1)),
            headers=sup,
        )
        future = await client.post(
            "/v1/ballots",
            json=ballot(now + timedelta(days=1), now + timedelta(days=2)),
            headers=sup,
        )
        for b in (past, future):
            r = await client.post(
                f"/v1/ballots/{b.json()['id']}/votes", json=vote, headers=sso.auth("s", "reporter")
            )
            assert r.status_code == 409
        closed = await client.get(
            f"/v1/ballots/{past.json()['id']}", headers=sso.auth("s", "reporter")
        )
        assert [o["votes"] for o in closed.json()["options"]] == [0, 0]
        assert (await client.get("/v1/ballots", headers=sso.auth("s", "reporter"))).json() == []
    assert await feedback.events(CAST) == []
