"""The supervisors' calls for 满意度测评 surveys, 我为你投一票 ballots and 接待日 reception days
(issue 17), all to feedback; on top of `console.api.Api.call`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, Model


class SurveyLine(Model):
    id: uuid.UUID
    title: str
    period_start: date
    period_end: date
    units: int = 0
    created_at: datetime
    closed_at: datetime | None = None
    issued: int = 0
    answered: int = 0


class Question(Model):
    id: str
    text: str


class Option(Model):
    unit_type: str
    unit_id: str
    label: str
    votes: int | None = None


class Result(Model):
    unit_type: str
    unit_id: str
    score: float
    responses: int = 0


class Survey(Model):
    id: uuid.UUID
    title: str
    period_start: date
    period_end: date
    questions: list[Question]
    units: list[Option]
    closed_at: datetime | None = None


class SurveyState(Model):
    survey: Survey
    issued: int = 0
    answered: int = 0
    results: list[Result] = Field(default_factory=list)


class Ballot(Model):
    id: uuid.UUID
    title: str
    opens_at: datetime
    closes_at: datetime
    options: list[Option] = Field(default_factory=list)


class Session(Model):
    id: uuid.UUID
    held_on: date
    place: str
    leaders: list[str]


class SessionReport(Model):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    description: str
    status: str
    filed_at: datetime
    answer: str | None = None


_SURVEYS = TypeAdapter(list[SurveyLine])
_BALLOTS = TypeAdapter(list[Ballot])
_SESSIONS = TypeAdapter(list[Session])
_REPORTS = TypeAdapter(list[SessionReport])


async def surveys(api: Api, token: str) -> list[SurveyLine]:
    r = await api.call("feedback", "GET", "/v1/surveys", token, params={"limit": 100})
    return _SURVEYS.validate_python(r.json())


async def survey(api: Api, token: str, survey_id: uuid.UUID) -> SurveyState:
    r = await api.call("feedback", "GET", f"/v1/surveys/{survey_id}", token)
    return SurveyState.model_validate(r.json())


async def create_survey(api: Api, token: str, body: dict[str, Any]) -> uuid.UUID:
    r = await api.call("feedback", "POST", "/v1/surveys", token, json=body)
    return uuid.UUID(r.json()["survey_id"])


async def send_links(api: Api, token: str, survey_id: uuid.UUID, users: list[str]) -> int:
    """Issue personal links to `users` (notify sends them); how many were new."""
    path = f"/v1/surveys/{survey_id}/links"
    r = await api.call("feedback", "POST", path, token, json={"user_ids": users})
    return len(r.json()["tokens"])


async def close_survey(api: Api, token: str, survey_id: uuid.UUID) -> None:
    await api.call("feedback", "POST", f"/v1/surveys/{survey_id}/close", token)


async def ballots(api: Api, token: str) -> list[Ballot]:
    r = await api.call("feedback", "GET", "/v1/ballots", token, params={"open_now": "false"})
    return _BALLOTS.validate_python(r.json())


async def ballot(api: Api, token: str, ballot_id: uuid.UUID) -> Ballot:
    r = await api.call("feedback", "GET", f"/v1/ballots/{ballot_id}", token)
    return Ballot.model_validate(r.json())


async def create_ballot(api: Api, token: str, body: dict[str, Any]) -> uuid.UUID:
    r = await api.call("feedback", "POST", "/v1/ballots", token, json=body)
    return uuid.UUID(r.json()["id"])


async def close_ballot(api: Api, token: str, ballot_id: uuid.UUID) -> None:
    await api.call("feedback", "POST", f"/v1/ballots/{ballot_id}/close", token)


async def sessions(api: Api, token: str) -> list[Session]:
    r = await api.call("feedback", "GET", "/v1/reception-days", token, params={"limit": 100})
    return _SESSIONS.validate_python(r.json())


async def session(
    api: Api, token: str, session_id: uuid.UUID
) -> tuple[Session, list[SessionReport]]:
    body = (await api.call("feedback", "GET", f"/v1/reception-days/{session_id}", token)).json()
    return Session.model_validate(body["session"]), _REPORTS.validate_python(body["reports"])


async def schedule(api: Api, token: str, body: dict[str, Any]) -> uuid.UUID:
    r = await api.call("feedback", "POST", "/v1/reception-days", token, json=body)
    return uuid.UUID(r.json()["id"])


async def log_report(
    api: Api, token: str, session_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    path = f"/v1/reception-days/{session_id}/reports"
    out: dict[str, Any] = (await api.call("feedback", "POST", path, token, json=body)).json()
    return out
