"""Survey links are sent, not only returned (issue 17): issuing them stores, in the same
transaction, SurveyInvitationsIssued events naming each new invitee and their personal link
(the console's /surveys/{id}?t=<token>), for notify to send; a person who already had a link
is not invited twice; supervisors list the surveys with how many links were issued and
answered; ballots are closed by their organisers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from feedback_support import Feedback

pytestmark = pytest.mark.infra
INVITED = "houqin.feedback.SurveyInvitationsIssued.v1"
SURVEY: dict[str, Any] = {
    "title": "2026 冬季满意度测评",
    "period_start": "2026-12-01",
    "period_end": "2026-12-31",
    "questions": [{"id": "quality", "text": "服务质量"}],
    "units": [{"unit_type": "team", "unit_id": "plumbers", "label": "水工组"}],
    "audience": ["student", "teacher"],
}


def links_of(events: list[dict[str, Any]], survey_id: str) -> dict[str, str]:
    return {
        i["person_id"]: i["link"]
        for e in events
        if e["survey_id"] == survey_id
        for i in e["invitees"]
    }


async def test_issued_links_are_sent_through_an_event(feedback: Feedback) -> None:
    sso = feedback.sso
    sup = sso.auth("sup", "supervisor")
    async with feedback.client() as client:
        created = await client.post("/v1/surveys", json=SURVEY, headers=sup)
        assert created.status_code == 201, created.text
        sid, tokens = created.json()["survey_id"], created.json()["tokens"]
        [event] = [e for e in await feedback.events(INVITED) if e["survey_id"] == sid]
        assert event["title"] == SURVEY["title"] and event["period_end"] == "2026-12-31"
        assert links_of([event], sid) == {
            who: f"/surveys/{sid}?t={token}" for who, token in tokens.items()
        }
        assert set(event) == {"survey_id", "title", "period_end", "invitees", "issued_at"}

        more = await client.post(
            f"/v1/surveys/{sid}/links", json={"user_ids": ["teacher", "u9"]}, headers=sup
        )
        assert more.status_code == 200 and sorted(more.json()["tokens"]) == ["u9"]
        invited = [e for e in await feedback.events(INVITED) if e["survey_id"] == sid]
        assert [len(e["invitees"]) for e in invited] == [2, 1]
        assert links_of(invited, sid)["u9"] == f"/surveys/{sid}?t={more.json()['tokens']['u9']}"
        none_new = await client.post(
            f"/v1/surveys/{sid}/links", json={"user_ids": ["u9"]}, headers=sup
        )
        assert none_new.json()["tokens"] == {}
        assert len([e for e in await feedback.events(INVITED) if e["survey_id"] == sid]) == 2

        answer = {"answers": [{"unit_type": "team", "unit_id": "plumbers",
                               "scores": {"quality": 4}}]}  # fmt: skip
        r = await client.post(f"/v1/survey-responses/{tokens['student']}", json=answer)
        assert r.status_code == 201, r.text
        listed = await client.get("/v1/surveys", headers=sup)
        assert listed.status_code == 200
        [line] = [s for s in listed.json() if s["id"] == sid]
        assert (line["issued"], line["answered"], line["units"]) == (3, 1, 1)
        assert line["closed_at"] is None and line["title"] == SURVEY["title"]
        refused = await client.get("/v1/surveys", headers=sso.auth("s", "reporter"))
        assert refused.status_code == 403
        assert (await client.get("/v1/surveys?limit=0", headers=sup)).status_code == 422

        assert (await client.post(f"/v1/surveys/{sid}/close", headers=sup)).status_code == 200
        late = await client.post(
            f"/v1/surveys/{sid}/links", json={"user_ids": ["u10"]}, headers=sup
        )
        assert late.status_code == 409 and late.json()["type"].endswith("/survey-closed")
        [line] = [s for s in (await client.get("/v1/surveys", headers=sup)).json()
                  if s["id"] == sid]  # fmt: skip
        assert line["closed_at"] is not None


def ballot(opens: datetime, closes: datetime) -> dict[str, Any]:
    return {
        "title": "我为你投一票：最佳服务窗口",
        "opens_at": opens.isoformat(),
        "closes_at": closes.isoformat(),
        "options": [
            {"unit_type": "team", "unit_id": "plumbers", "label": "水工组"},
            {"unit_type": "team", "unit_id": "electricians", "label": "电工组"},
        ],
    }


async def test_an_organiser_closes_a_ballot(feedback: Feedback) -> None:
    sso = feedback.sso
    sup, leader = sso.auth("sup", "supervisor"), sso.auth("lead", "leader")
    now = datetime.now(UTC)
    async with feedback.client() as client:
        made = await client.post(
            "/v1/ballots", json=ballot(now - timedelta(hours=1), now + timedelta(days=7)),
            headers=sup,
        )  # fmt: skip
        assert made.status_code == 201, made.text
        bid = made.json()["id"]
        vote = {"unit_type": "team", "unit_id": "plumbers"}
        cast = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("s1", "reporter")
        )
        assert cast.status_code == 201, cast.text
        denied = await client.post(f"/v1/ballots/{bid}/close", headers=sso.auth("s", "reporter"))
        assert denied.status_code == 403
        closes = await asyncio.gather(
            *(client.post(f"/v1/ballots/{bid}/close", headers=leader) for _ in range(3))
        )
        assert sorted(c.status_code for c in closes) == [200, 409, 409]
        [done] = [c.json() for c in closes if c.status_code == 200]
        assert datetime.fromisoformat(done["closes_at"]) <= datetime.now(UTC)
        assert {o["unit_id"]: o["votes"] for o in done["options"]} == {
            "plumbers": 1, "electricians": 0,
        }  # fmt: skip
        after = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("s2", "reporter")
        )
        assert after.status_code == 409 and after.json()["type"].endswith("/voting-closed")
        missing = await client.post(
            "/v1/ballots/00000000-0000-4000-8000-000000000000/close", headers=sup
        )
        assert missing.status_code == 404

        later = await client.post(
            "/v1/ballots", json=ballot(now + timedelta(days=1), now + timedelta(days=2)),
            headers=sup,
        )  # fmt: skip
        never = await client.post(f"/v1/ballots/{later.json()['id']}/close", headers=sup)
        assert never.status_code == 200, never.text
        opened, closed = (
            datetime.fromisoformat(never.json()[k]) for k in ("opens_at", "closes_at")
        )
        assert opened == closed <= datetime.now(UTC)
