"""Satisfaction surveys (满意度测评): supervisors define them and issue personal links; each
respondent answers once through their link (no login: the token is the credential); closing
publishes the score per unit."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from feedback import domain_surveys as rules
from feedback.repository import surveys
from feedback.survey_close import publish_closed
from houqin_shared import outbox
from houqin_shared.contracts import SurveyResponded
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1", tags=["surveys"])
Supervisor = Annotated[Principal, Depends(require_roles(Role.supervisor))]
Token = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class SurveyOut(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID | None
    title: str
    period_start: date
    period_end: date
    questions: list[dict[str, Any]]
    units: list[dict[str, Any]]
    closed_at: datetime | None = None


class Links(BaseModel):
    survey_id: uuid.UUID
    tokens: dict[str, str] = Field(
        description="User id -> personal token (answer at /v1/survey-responses/{token}); shown "
        "once, only a hash is kept. Users who already had a link are left out."
    )


class AudienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[rules.UserId] = Field(min_length=1, max_length=20000)


async def _issue(pool: Any, survey: dict[str, Any], users: list[str]) -> dict[str, str]:
    """Personal links for `users` who have none yet, and in the same transaction the events
    telling notify to send each their link."""
    tokens = {u: rules.new_token() for u in dict.fromkeys(users)}
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        fresh = await surveys.issue_tokens(
            conn, survey["id"], {u: rules.token_hash(t) for u, t in tokens.items()}, now
        )
        issued = {u: tokens[u] for u in fresh}
        for event in rules.invitations(survey, issued, now):
            await outbox.add(conn, event)
    return issued


@router.post(
    "/surveys",
    status_code=status.HTTP_201_CREATED,
    response_model=Links,
    responses=refusals("validation"),  # question_ids_repeated, period_reversed ...
)
async def create_survey(body: rules.SurveyIn, who: Supervisor, pool: DbPool) -> Links:
    survey_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": survey_id,
        "campaign_id": body.campaign_id,
        "title": body.title,
        "period_start": body.period_start,
        "period_end": body.period_end,
        "questions": [q.model_dump() for q in body.questions],
        "units": [u.model_dump() for u in body.units],
        "created_by": who.subject,
        "created_at": datetime.now(UTC),
    }
    async with pool.acquire() as conn, conn.transaction():
        await surveys.insert_survey(conn, row)
    tokens = await _issue(pool, row, body.audience) if body.audience else {}
    return Links(survey_id=survey_id, tokens=tokens)


@router.post(
    "/surveys/{survey_id}/links",
    response_model=Links,
    responses=refusals("survey-not-found", "survey-closed"),
)
async def issue_links(
    survey_id: uuid.UUID, body: AudienceIn, who: Supervisor, pool: DbPool
) -> Links:
    async with pool.acquire() as conn:
        survey = await surveys.get_survey(conn, survey_id)
    if survey is None:
        raise problem("survey-not-found", f"no survey {survey_id}")
    if survey["closed_at"] is not None:
        raise problem("survey-closed", "the survey is closed")
    return Links(survey_id=survey_id, tokens=await _issue(pool, survey, body.user_ids))


class SurveyLine(BaseModel):
    id: uuid.UUID
    title: str
    period_start: date
    period_end: date
    units: int = Field(description="How many units it rates.")
    created_at: datetime
    closed_at: datetime | None = None
    issued: int = Field(description="Personal links issued.")
    answered: int = Field(description="Links answered.")


@router.get("/surveys", response_model=list[SurveyLine])
async def list_surveys(
    who: Supervisor, pool: DbPool, limit: Annotated[int, Query(ge=1, le=200)] = 100
) -> list[dict[str, Any]]:
    """The newest surveys first, open and closed, with how many links were issued and answered."""
    async with pool.acquire() as conn:
        return await surveys.list_surveys(conn, limit)


@router.get("/surveys/{survey_id}")
async def read_survey(survey_id: uuid.UUID, who: Supervisor, pool: DbPool) -> dict[str, Any]:
    """The survey, how many links were issued and answered, and the results so far."""
    async with pool.acquire() as conn:
        survey = await surveys.get_survey(conn, survey_id)
        if survey is None:
            raise problem("survey-not-found", f"no survey {survey_id}")
        return {
            "survey": SurveyOut(**survey),
            **await surveys.counts(conn, survey_id),
            "results": await surveys.results(conn, survey_id),
        }


@router.get("/survey-responses/{token}", response_model=SurveyOut)
async def open_link(token: Token, pool: DbPool) -> SurveyOut:
    """What the personal link shows: the questions and the units to rate."""
    async with pool.acquire() as conn:
        survey = await surveys.survey_of_token(conn, rules.token_hash(token))
    if survey is None:
        raise problem("survey-link-not-found", "no survey for this link")
    if survey["used"]:
        raise problem("survey-link-used", "this link has already been used")
    return SurveyOut(**survey)


@router.post("/survey-responses/{token}", status_code=status.HTTP_201_CREATED)
async def answer(token: Token, body: rules.AnswerIn, pool: DbPool) -> dict[str, Any]:
    """Answer once: the link is spent in the same transaction that stores the answer."""
    digest = rules.token_hash(token)
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        # Shared lock on the survey: a close waits for this answer (and counts it) or, having
        # closed first, is seen here.
        survey = await surveys.survey_of_token(conn, digest, for_share=True)
        if survey is None:
            raise problem("survey-link-not-found", "no survey for this link")
        if survey["closed_at"] is not None:
            raise problem("survey-closed", "the survey is closed")
        scores = rules.unit_scores(survey, body)
        if isinstance(scores, str):
            raise problem("survey-answer-invalid", scores)
        if not await surveys.use_token(conn, digest):
            raise problem("survey-link-used", "this link has already been used")
        response_id = uuid.uuid4()
        await surveys.insert_response(
            conn, response_id, survey["id"], now, [s.model_dump() for s in scores]
        )
        await outbox.add(
            conn,
            SurveyResponded(
                survey_id=survey["id"],
                response_id=response_id,
                campaign_id=survey["campaign_id"],
                scores=scores,
                responded_at=now,
            ),
        )
    return {"response_id": response_id, "scores": scores}


@router.post("/surveys/{survey_id}/close")
async def close_survey(survey_id: uuid.UUID, who: Supervisor, pool: DbPool) -> dict[str, Any]:
    """Close the survey: no more answers; SurveyClosed carries the mean score per unit. (The
    worker closes a survey by itself the day after its period ends.)"""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        survey = await surveys.get_survey(conn, survey_id, for_update=True)
        if survey is None:
            raise problem("survey-not-found", f"no survey {survey_id}")
        if not await surveys.close(conn, survey_id, now):
            raise problem("survey-closed", "the survey is already closed")
        results = await publish_closed(conn, survey, now)
    return {"survey_id": survey_id, "results": results, "closed_at": now}
