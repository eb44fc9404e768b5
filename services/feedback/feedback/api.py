"""Feedback HTTP API: file a report, read one's own reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from feedback import domain, repository
from houqin_shared import outbox
from houqin_shared.contracts import ComplaintFiled, Location
from houqin_shared.identity import CurrentPrincipal, Principal, Role
from houqin_shared.logs import get_logger
from houqin_shared.problems import ProblemError, forbidden, not_found
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1", tags=["reports"])
log = get_logger(__name__)


class ReportOut(BaseModel):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    channel: str
    urgency: str
    location: Location
    description: str
    anonymous: bool
    status: str
    filed_at: datetime
    reporter_id: str | None = None


def present(row: dict[str, Any], viewer: Principal) -> ReportOut:
    """What `viewer` may see: an anonymous reporter's identity only to themselves."""
    out = ReportOut.model_validate(row)
    if row["anonymous"] and row["reporter_id"] != viewer.subject:
        out.reporter_id = None
    return out


@router.post("/reports", status_code=status.HTTP_201_CREATED, response_model=ReportOut)
async def file_report(report: domain.ReportIn, who: CurrentPrincipal, pool: DbPool) -> ReportOut:
    if not who.has_any(Role.reporter, Role.front_desk, Role.service, Role.supervisor):
        raise forbidden("filing reports needs the reporter, front_desk or service role")
    refusal = domain.check_filing(report, who)
    if refusal:
        raise ProblemError(
            422, "Report refused", refusal, type_="https://houqin.dev/problems/report-refused"
        )
    now = datetime.now(UTC)
    reporter = domain.reporter_of(report, who)
    async with pool.acquire() as conn, conn.transaction():
        row = {
            "id": uuid.uuid4(),
            "tracking_no": domain.tracking_number(now.date(), await repository.next_sequence(conn)),
            **report.model_dump(
                include={
                    "kind",
                    "category",
                    "channel",
                    "urgency",
                    "description",
                    "anonymous",
                    "contact",
                }
            ),
            "location": report.location.model_dump(),
            "reporter_id": reporter,
            "filed_by": who.subject,
            "status": "filed",
            "filed_at": now,
        }
        await repository.insert_report(conn, row)
        await outbox.add(
            conn,
            ComplaintFiled(
                report_id=row["id"],
                tracking_no=row["tracking_no"],
                kind=report.kind,
                category=report.category,
                channel=report.channel,
                urgency=report.urgency,
                location=report.location,
                description=report.description,
                anonymous=report.anonymous,
                reporter_id=None if report.anonymous else reporter,
                filed_at=now,
            ),
        )
    log.info(
        "report_filed",
        report_id=str(row["id"]),
        tracking_no=row["tracking_no"],
        channel=report.channel,
    )
    return present(row, who)


@router.get("/reports/{report_id}", response_model=ReportOut)
async def read_report(report_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool) -> ReportOut:
    async with pool.acquire() as conn:
        row = await repository.get_report(conn, report_id)
    if row is None or not (
        row["reporter_id"] == who.subject or who.has_any(Role.supervisor, Role.admin)
    ):
        raise not_found(f"no report {report_id} that you may see")
    return present(row, who)


@router.get("/reports", response_model=list[ReportOut])
async def my_reports(
    who: CurrentPrincipal,
    pool: DbPool,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReportOut]:
    async with pool.acquire() as conn:
        rows = await repository.reports_of(conn, who.subject, before, limit)
    return [present(r, who) for r in rows]
