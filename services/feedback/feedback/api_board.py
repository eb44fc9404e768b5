"""The public board (公示): per category and per department, how many reports came in, how many
were resolved, the share finished within the published limit and the average rating. No login,
no personal data; only services the catalogue marks public, never anonymous reports, complaints
or praise; rate-limited per address. With them, the replies to suggestions and consultations
staff published for the public (feedback.domain_replies)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from feedback import domain_replies
from feedback.limits import limit_public
from feedback.repository import board, replies
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import Instant
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/board", tags=["public board"])
MAX_REPLIES = 50
Publisher = Annotated[
    Principal, Depends(require_roles(Role.team_lead, Role.dept_head, Role.supervisor))
]


class Line(BaseModel):
    key: str | None
    reports: int
    resolved: int
    on_time_share: float | None
    ratings: int
    average_rating: float | None


class PublicReply(BaseModel):
    """A suggestion's or consultation's answer, as staff worded it for the public."""

    category: str
    service_name: str
    service_name_en: str | None = None
    kind: str
    question: str
    reply: str
    published_at: datetime


class Board(BaseModel):
    start: datetime
    end: datetime
    by_category: list[Line]
    by_department: list[Line]
    replies: list[PublicReply] = Field(
        [], description=f"Replies published in the period, newest first (at most {MAX_REPLIES})."
    )


class ReplyOut(BaseModel):
    report_id: uuid.UUID
    question: str
    reply: str
    published_at: datetime


def _line(row: dict[str, Any]) -> Line:
    share = round(row["on_time"] / row["timed"], 4) if row["timed"] else None
    return Line(**row, on_time_share=share)


@router.get("", response_model=Board, responses=refusals("board-period-invalid", "rate-limited"))
async def read_board(
    pool: DbPool,
    request: Request,
    start: Annotated[Instant | None, Query(description="Default: 30 days before end.")] = None,
    end: Annotated[Instant | None, Query(description="Default: now.")] = None,
) -> Board:
    limit_public(request)
    end = end or datetime.now(UTC)
    start = start or end - timedelta(days=30)
    if start.tzinfo is None or end.tzinfo is None:
        raise problem("board-period-invalid", "give start and end with a time zone")
    if end <= start or end - start > timedelta(days=366):
        raise problem("board-period-invalid", "end after start, at most a year apart")
    async with pool.acquire() as conn:
        categories = await board.by_category(conn, start, end)
        departments = await board.by_department(conn, start, end)
        answers = await replies.published(conn, start, end, MAX_REPLIES)
    return Board(
        start=start,
        end=end,
        by_category=[_line(r) for r in categories],
        by_department=[_line(r) for r in departments],
        replies=[PublicReply(**r) for r in answers],
    )


@router.put(
    "/replies/{report_id}",
    response_model=ReplyOut,
    responses=refusals(
        "report-not-found",
        "role-required",
        "public-reply-forbidden",
        "public-reply-not-public",
        "public-reply-not-answered",
    ),
)
async def publish_reply(
    report_id: uuid.UUID, body: domain_replies.PublicReplyIn, who: Publisher, pool: DbPool
) -> dict[str, Any]:
    """Put an answered suggestion's or consultation's reply on the public board, worded for the
    public (the team lead of its team, the head of its department or a supervisor; only a report
    of a public service, not anonymous). Again: rewords it."""
    async with pool.acquire() as conn, conn.transaction():
        row = await replies.report_for_reply(conn, report_id)
        if row is None:
            raise problem("report-not-found", f"no report {report_id}")
        if refusal := domain_replies.publish_refusal(row, who):
            raise problem(refusal)
        return await replies.publish(
            conn, report_id, body.question, body.reply, who.subject, datetime.now(UTC)
        )
