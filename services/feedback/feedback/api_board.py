"""The public board (公示): per category and per department, how many reports came in, how many
were resolved, the share finished within the published limit and the average rating. No login,
no personal data; only services the catalogue marks public, never anonymous reports, complaints
or praise; rate-limited per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from feedback.deps import limit_public
from feedback.repository import board
from houqin_shared.openapi import refusals
from houqin_shared.params import Instant
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/board", tags=["public board"])


class Line(BaseModel):
    key: str | None
    reports: int
    resolved: int
    on_time_share: float | None
    ratings: int
    average_rating: float | None


class Board(BaseModel):
    start: datetime
    end: datetime
    by_category: list[Line]
    by_department: list[Line]


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
    return Board(
        start=start,
        end=end,
        by_category=[_line(r) for r in categories],
        by_department=[_line(r) for r in departments],
    )
