"""The reporter's side: the timeline, answering an explanation, confirming and rating a fix."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from feedback import domain_fix, repository
from feedback.limits import limit_caller
from feedback.presenting import READS_EVERY_REPORT, may_read
from feedback.repository import duplicates, fix, timeline
from feedback.rows import StagedReportRow
from houqin_shared import outbox
from houqin_shared.contracts import FixConfirmed, FixRejected, SatisfactionRated
from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal, Principal
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/reports", tags=["reporter"])


class TimelineEntry(BaseModel):
    kind: str
    status: str | None = None
    note: str | None = None
    team_id: str | None = None
    department_id: str | None = None
    by_reporter: bool = False
    of_linked_report: bool = False
    at: datetime


class RatingOut(BaseModel):
    id: uuid.UUID
    quality: int
    timeliness: int
    attitude: int
    comment: str | None
    rated_at: datetime


async def _readable(conn: Conn, report_id: uuid.UUID, who: Principal) -> StagedReportRow:
    row = await repository.get_report(conn, report_id)
    supporter = row is not None and await duplicates.is_supporter(conn, report_id, who.subject)
    if row is None or not may_read(row, who, supporter):
        raise problem("report-not-found", f"no report {report_id} that you may see")
    return row


async def _own(conn: Conn, report_id: uuid.UUID, who: Principal) -> StagedReportRow:
    """The report, locked, when `who` is its reporter."""
    row = await repository.get_report(conn, report_id, for_update=True)
    if row is None or not may_read(row, who):
        raise problem("report-not-found", f"no report {report_id} that you may see")
    if not domain_fix.is_reporter(row, who.subject):
        raise problem("reporter-only", "only the reporter answers for a report")
    return row


@router.get("/{report_id}/timeline", response_model=list[TimelineEntry])
async def read_timeline(
    report_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool
) -> list[TimelineEntry]:
    """Filed, then every step of its ticket with public replies and explanations, and the
    reporter's own answers, oldest first (a "me too" supporter sees the steps without their
    notes)."""
    async with pool.acquire() as conn:
        row = await _readable(conn, report_id, who)
        linked = [row["primary_id"]] if row["primary_id"] else []
        entries = await timeline.entries_of(conn, report_id, *linked)
    # A "me too" supporter follows the progress, not the words between staff and reporter.
    progress_only = not domain_fix.is_reporter(row, who.subject) and not who.has_any(
        *READS_EVERY_REPORT
    )
    out = [TimelineEntry(kind="filed", status="filed", at=row["filed_at"])]
    for e in entries:
        out.append(
            TimelineEntry(
                kind=e["kind"],
                of_linked_report=e["report_id"] != report_id,
                status=e["status"],
                note=None if progress_only or _anothers_words(e, report_id) else e["note"],
                team_id=e["team_id"],
                department_id=e["department_id"],
                by_reporter=e["author_id"] is not None,
                at=e["at"],
            )
        )
    return out


def _anothers_words(entry: dict[str, Any], report_id: uuid.UUID) -> bool:
    """What the primary's reporter wrote (an answer, a reason) is not shown on a linked report."""
    return entry["report_id"] != report_id and entry["author_id"] is not None


@router.post("/{report_id}/answers", status_code=status.HTTP_201_CREATED)
async def answer_explanation(
    report_id: uuid.UUID,
    body: domain_fix.AnswerIn,
    who: CurrentPrincipal,
    pool: DbPool,
    request: Request,
) -> TimelineEntry:
    """The reporter answers the explanation of why it cannot be done (stored on the timeline)."""
    limit_caller(request, who)
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        row = await _own(conn, report_id, who)
        if refusal := domain_fix.answer_refusal(row):
            raise problem(refusal)
        await timeline.add_entry(
            conn, report_id, "reporter_answer", now, note=body.text, author_id=who.subject
        )
    return TimelineEntry(kind="reporter_answer", note=body.text, by_reporter=True, at=now)


@router.post(
    "/{report_id}/confirmation",
    responses=refusals(
        "validation",  # not_fixed_reason_required
        "confirmation-not-waiting",
        "report-not-found",
        "reporter-only",
        "rating-own-work",
        "rating-own-team",
    ),
)
async def confirm_fix(
    report_id: uuid.UUID, body: domain_fix.ConfirmationIn, who: CurrentPrincipal, pool: DbPool
) -> dict[str, Any]:
    """After resolution: fixed (FixConfirmed) or not fixed with a reason (FixRejected, which
    reopens the ticket)."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        row = await _own(conn, report_id, who)
        if refusal := domain_fix.confirmation_refusal(row) or domain_fix.own_team_refusal(row, who):
            raise problem(refusal)
        outcome, new_status = (
            ("confirmed", "confirmed") if body.fixed else ("rejected", "not_fixed")
        )
        await fix.settle_confirmation(conn, report_id, outcome, new_status, now)
        await timeline.add_entry(
            conn,
            report_id,
            outcome,
            now,
            status=new_status,
            note=body.reason,
            author_id=who.subject,
        )
        common = {
            "report_id": report_id,
            "ticket_id": row["ticket_id"],
            "tracking_no": row["tracking_no"],
        }
        if body.fixed:
            await outbox.add(conn, FixConfirmed(**common, auto=False, confirmed_at=now))
        else:
            assert body.reason is not None
            await outbox.add(conn, FixRejected(**common, reason=body.reason, rejected_at=now))
    return {"report_id": report_id, "confirmation": outcome, "status": new_status}


@router.post(
    "/{report_id}/rating",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingOut,
    responses=refusals(
        "validation",  # rating_comment_required
        "report-not-found",
        "reporter-only",
        "rating-own-work",
        "rating-own-team",
        "rating-before-resolved",
        "rating-already-given",
    ),
)
async def rate_fix(
    report_id: uuid.UUID, body: domain_fix.RatingIn, who: CurrentPrincipal, pool: DbPool
) -> RatingOut:
    """Rate 1-5 on quality, timeliness and attitude (a comment at 2 or below); once."""
    now = datetime.now(UTC)
    rating = {"id": uuid.uuid4(), "report_id": report_id, "rater_id": who.subject, "rated_at": now}
    rating |= body.model_dump()
    async with pool.acquire() as conn, conn.transaction():
        row = await _own(conn, report_id, who)
        if refusal := domain_fix.own_team_refusal(row, who) or domain_fix.rating_refusal(
            row, who.subject
        ):
            raise problem(refusal)
        if not await fix.insert_rating(conn, rating):
            raise problem("rating-already-given", "you have already rated this report")
        await outbox.add(
            conn,
            SatisfactionRated(
                rating_id=rating["id"],
                report_id=report_id,
                ticket_id=row["ticket_id"],
                tracking_no=row["tracking_no"],
                category=row["category"],
                quality=body.quality,
                timeliness=body.timeliness,
                attitude=body.attitude,
                comment=body.comment,
                rated_at=now,
            ),
        )
    return RatingOut(**rating)


@router.get("/{report_id}/rating", response_model=RatingOut)
async def my_rating(report_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        await _readable(conn, report_id, who)
        rating = await fix.rating_of(conn, report_id, who.subject)
    if rating is None:
        raise problem("rating-not-found", "you have not rated this report")
    return rating
