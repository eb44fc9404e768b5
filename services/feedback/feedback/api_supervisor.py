"""Supervisors: unmask an anonymous reporter with a recorded reason, and read that record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from feedback import repository
from feedback.presenting import ReportOut, present
from feedback.repository import audit
from houqin_shared.contracts.common import Channel
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.logs import get_logger
from houqin_shared.params import Instant
from houqin_shared.problems import problem
from houqin_shared.route_params import CodeFilter
from houqin_shared.strict import NONBLANK_PLAIN, TrimmedModel
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1", tags=["supervision"])
Supervisor = Annotated[Principal, Depends(require_roles(Role.supervisor))]
log = get_logger(__name__)


class UnmaskIn(TrimmedModel):
    """The length is counted as typed, as the schema says, and the reason stored trimmed
    (the long fuzz: a 10-character reason ending in a line break was refused once trimmed)."""

    reason: str = Field(min_length=10, max_length=2000, pattern=NONBLANK_PLAIN)


class Unmasked(BaseModel):
    report_id: uuid.UUID
    reporter_id: str | None
    contact: str | None
    audit_id: int


class AuditEntry(BaseModel):
    id: int
    report_id: uuid.UUID
    supervisor_id: str = Field(description="The supervisor, or the client of an audience read.")
    reason: str
    at: datetime
    kind: str = Field(
        "unmask",
        description="unmask (a supervisor saw the identity) or audience (a client read"
        " who follows the report, to deliver notifications).",
    )


@router.post("/reports/{report_id}/unmask", response_model=Unmasked)
async def unmask(report_id: uuid.UUID, body: UnmaskIn, who: Supervisor, pool: DbPool) -> Unmasked:
    """An anonymous reporter's identity, for a supervisor only, with the reason recorded first
    (in the same transaction: no identity without its audit row)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repository.get_report(conn, report_id)
        if row is None:
            raise problem("report-not-found", f"no report {report_id}")
        if not row["anonymous"]:
            raise problem("report-not-anonymous", "this report is not anonymous")
        audit_id = await audit.record_unmask(
            conn, report_id, who.subject, body.reason, datetime.now(UTC)
        )
    log.warning("reporter_unmasked", report_id=str(report_id), supervisor=who.subject)
    return Unmasked(
        report_id=report_id,
        reporter_id=row["reporter_id"],
        contact=row["contact"],
        audit_id=audit_id,
    )


@router.get("/supervision/reports", response_model=list[ReportOut])
async def all_reports(
    who: Supervisor,
    pool: DbPool,
    status: CodeFilter = None,
    category: CodeFilter = None,
    channel: Channel | None = None,
    before: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReportOut]:
    """Every report, newest first, for supervisors (anonymous reporters stay masked)."""
    async with pool.acquire() as conn:
        rows = await repository.search_reports(conn, status, category, channel, before, limit)
    return [present(r, who) for r in rows]


@router.get("/audit/unmaskings", response_model=list[AuditEntry])
async def unmaskings(
    who: Supervisor,
    pool: DbPool,
    report_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await audit.unmaskings(conn, report_id, limit)
