"""Reception days (后勤接待日): sessions with date, place and attending leaders; reports logged
at a session carry channel reception_day and the session as origin; one answered on the spot is
closed with its answer."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, Field, StrictBool

from feedback import domain, domain_track, intake
from feedback.deps import desk_of
from feedback.presenting import ReportOut, present
from feedback.repository import reception
from houqin_shared.contracts.common import ReportKind, Urgency
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import Day
from houqin_shared.problems import problem
from houqin_shared.strict import NONBLANK_LINE, NONBLANK_PLAIN, TOKEN, TrimmedModel
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/reception-days", tags=["reception days"])
Clerk = Annotated[Principal, Depends(require_roles(Role.front_desk, Role.supervisor, Role.leader))]


class SessionIn(TrimmedModel):
    held_on: Day
    place: str = Field(min_length=1, max_length=200, pattern=NONBLANK_PLAIN)
    leaders: list[Annotated[str, Field(min_length=1, max_length=100, pattern=NONBLANK_PLAIN)]] = (
        Field(min_length=1, max_length=20, description="Attending leaders.")
    )


class SessionOut(BaseModel):
    id: uuid.UUID
    held_on: date
    place: str
    leaders: list[str]


class SessionReportIn(TrimmedModel):
    """A report raised at the session; `answer` when leaders answered it on the spot."""

    kind: ReportKind
    category: str = Field(min_length=1, max_length=64, pattern=domain.CODE)
    urgency: Urgency = "normal"
    location: domain.LocationIn
    description: str = Field(min_length=1, max_length=4000, pattern=NONBLANK_PLAIN)
    anonymous: StrictBool = False
    contact: str | None = Field(None, min_length=1, max_length=200, pattern=NONBLANK_LINE)
    on_behalf_of: str | None = Field(None, min_length=1, max_length=128, pattern=TOKEN)
    answer: str | None = Field(None, min_length=1, max_length=4000, pattern=NONBLANK_PLAIN)


def origin_of(session_id: uuid.UUID) -> str:
    return str(session_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses=refusals("validation"),  # a leader's name blank once trimmed
)
async def create_session(body: SessionIn, who: Clerk, pool: DbPool) -> dict[str, Any]:
    row = {"id": uuid.uuid4(), **body.model_dump(), "created_by": who.subject}
    row["created_at"] = datetime.now(UTC)
    async with pool.acquire() as conn:
        await reception.insert_session(conn, row)
    return row


@router.get("", response_model=list[SessionOut])
async def list_sessions(
    who: Clerk, pool: DbPool, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await reception.list_sessions(conn, limit)


@router.get("/{session_id}")
async def read_session(session_id: uuid.UUID, who: Clerk, pool: DbPool) -> dict[str, Any]:
    """The session and the reports logged at it (no reporter identities)."""
    async with pool.acquire() as conn:
        session = await reception.get_session(conn, session_id)
        if session is None:
            raise problem("reception-session-not-found", f"no reception-day session {session_id}")
        reports = await reception.reports_of_session(conn, origin_of(session_id))
    return {"session": SessionOut(**session), "reports": reports}


@router.post(
    "/{session_id}/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportOut,
    responses=refusals("validation", "category-unknown"),
)
async def log_report(
    session_id: uuid.UUID,
    body: SessionReportIn,
    who: Clerk,
    pool: DbPool,
    request: Request,
) -> ReportOut:
    report = domain.ReportIn(
        **body.model_dump(exclude={"answer", "location"}),
        location=body.location,
        channel="reception_day",
        origin=origin_of(session_id),
    )
    access_code = domain_track.new_code()
    async with pool.acquire() as conn:
        try:
            row = await intake.file(
                conn,
                report,
                desk_of(request, who.subject),
                reporter=report.on_behalf_of,
                answered_on_spot=body.answer,
                transcribed_by=who.subject,
                access_code=access_code,
            )
        except intake.Refused as exc:
            if exc.reason == "origin-session-unknown":
                raise problem(
                    "reception-session-not-found", f"no reception-day session {session_id}"
                ) from exc
            raise problem(exc.reason, exc.detail) from exc
    assert row is not None  # no idempotency key, no external id: never a replay
    out = present(row, who)
    out.access_code = access_code
    return out
