"""Votes and surveys are secret (issue 14): a voter key is an HMAC under the server's secret, so
the user list alone does not tell who voted for what; a survey link keeps no time of use, and a
response only its day, so the two cannot be joined to name the respondent."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from feedback_support import Feedback
from test_feedback_surveys import SURVEY, unit
from test_feedback_votes import ballot

pytestmark = pytest.mark.infra


async def test_a_voter_key_cannot_be_recomputed_from_the_user_list(feedback: Feedback) -> None:
    sso = feedback.sso
    now = datetime.now(UTC)
    vote = {"unit_type": "team", "unit_id": "plumbers"}
    async with feedback.client(ballot_secret="s3cret-ballot-key-for-the-test") as client:
        created = await client.post(
            "/v1/ballots",
            json=ballot(now - timedelta(minutes=1), now + timedelta(days=1)),
            headers=sso.auth("sup", "supervisor"),
        )
        bid = created.json()["id"]
        cast = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("stu-1", "reporter")
        )
        assert cast.status_code == 201, cast.text
        [row] = await feedback.fetch("SELECT voter_key FROM votes")
        plain = hashlib.sha256(f"{bid}:stu-1".encode()).hexdigest()
        assert row["voter_key"] != plain  # anyone with the user list could compute that
        assert plain not in row["voter_key"] and "stu-1" not in row["voter_key"]

        # A vote cast before the keyed HMAC (its unkeyed key kept while the ballot is open)
        # still counts as that person's one vote.
        async with feedback.db() as conn:
            await conn.execute(
                "INSERT INTO votes (id, ballot_id, voter_key, unit_type, unit_id, cast_at)"
                " VALUES ($1, $2, $3, 'team', 'electricians', now())",
                uuid.uuid4(),
                uuid.UUID(bid),
                hashlib.sha256(f"{bid}:stu-2".encode()).hexdigest(),
            )
        again = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("stu-2", "reporter")
        )
        assert again.status_code == 409, again.text
        twice = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("stu-1", "reporter")
        )
        assert twice.status_code == 409

    async with feedback.client(ballot_secret="another-secret-another-key") as client:
        other = await client.post(
            f"/v1/ballots/{bid}/votes", json=vote, headers=sso.auth("stu-3", "reporter")
        )
        assert other.status_code == 201
    keys = [r["voter_key"] for r in await feedback.fetch("SELECT voter_key FROM votes")]
    assert len(set(keys)) == 3


async def test_a_survey_link_keeps_no_time_of_use(feedback: Feedback) -> None:
    sup = feedback.sso.auth("sup", "supervisor")
    async with feedback.client() as client:
        created = await client.post("/v1/surveys", json=SURVEY, headers=sup)
        assert created.status_code == 201, created.text
        sid, tokens = created.json()["survey_id"], created.json()["tokens"]
        answered = await client.post(
            f"/v1/survey-responses/{tokens['u2']}",
            json={"answers": [unit("team", "plumbers", 4, 5)]},
        )
        assert answered.status_code == 201, answered.text
        again = await client.post(
            f"/v1/survey-responses/{tokens['u2']}",
            json={"answers": [unit("team", "plumbers", 1, 1)]},
        )
        assert again.status_code == 409
        read = (await client.get(f"/v1/surveys/{sid}", headers=sup)).json()
        assert (read["issued"], read["answered"]) == (3, 1)
        joined = "SELECT count(*) FROM survey_tokens t JOIN survey_responses r ON r.xmin = t.xmin"
        assert (await feedback.fetch(joined))[0][0] == 1  # one transaction: joinable until closed
        closed = await client.post(f"/v1/surveys/{sid}/close", headers=sup)
        assert closed.status_code == 200, closed.text
        assert (await feedback.fetch(joined))[0][0] == 0  # closing wrote the links again

    columns = {
        r["column_name"]: r["data_type"]
        for r in await feedback.fetch(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = $1 AND table_name = 'survey_tokens'",
            feedback.schema,
        )
    }
    times = [c for c, t in columns.items() if "time" in t and c != "issued_at"]
    assert times == [], f"a survey token keeps a time of use: {times}"
    [token] = await feedback.fetch("SELECT * FROM survey_tokens WHERE issued_to = 'u2'")
    [response] = await feedback.fetch("SELECT responded_at FROM survey_responses")
    at = response["responded_at"]
    assert (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0)  # the day only
    assert token["issued_at"] != at
