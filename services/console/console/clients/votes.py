"""A teacher's or student's calls for 我为你投一票 (issue 17): the open ballots, one ballot,
and their one vote in it; feedback's /v1/ballots, on top of `console.api.Api.call`."""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter

from console.api import Api
from console.clients.surveys import Ballot

_BALLOTS = TypeAdapter(list[Ballot])


async def open_ballots(api: Api, token: str) -> list[Ballot]:
    r = await api.call("feedback", "GET", "/v1/ballots", token, params={"open_now": "true"})
    return _BALLOTS.validate_python(r.json())


async def ballot(api: Api, token: str, ballot_id: uuid.UUID) -> Ballot:
    r = await api.call("feedback", "GET", f"/v1/ballots/{ballot_id}", token)
    return Ballot.model_validate(r.json())


async def cast(api: Api, token: str, ballot_id: uuid.UUID, unit_type: str, unit_id: str) -> None:
    body = {"unit_type": unit_type, "unit_id": unit_id}
    await api.call("feedback", "POST", f"/v1/ballots/{ballot_id}/votes", token, json=body)
