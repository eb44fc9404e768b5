"""What the workers on a report read and add (issue 16): the reporter's description, photos and
contact (never an anonymous reporter's), and photos of the finished work."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from feedback import adding_photos, repository
from feedback.adding_photos import check_room
from feedback.deps import Settings, store_of
from feedback.domain_work import contact_for_work, works_on
from feedback.limits import limit_caller
from feedback.repository import photos
from feedback.rows import StagedReportRow
from feedback.uploads import (
    PHOTO_PROBLEMS,
    ImageFile,
    PhotoOut,
)
from houqin_shared.contracts import Location
from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal, Principal
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/reports", tags=["work"])


class WorkView(BaseModel):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    urgency: str
    location: Location
    description: str
    anonymous: bool
    contact: str | None
    filed_at: datetime
    photo_ids: list[uuid.UUID]
    completion_photo_ids: list[uuid.UUID]


async def _report(conn: Any, report_id: uuid.UUID, who: Principal) -> StagedReportRow:
    report = await repository.get_report(conn, report_id)
    if report is None or not works_on(report, who):
        raise problem("report-not-found", f"no report {report_id} that you work on")
    return report


@router.get("/{report_id}/work", response_model=WorkView, responses=refusals("report-not-found"))
async def work_view(report_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    """The report as its workers read it: the assigned staff, the staff, team leads and head
    of its department, and supervisors (an anonymous reporter's contact stays hidden)."""
    async with pool.acquire() as conn:
        report = await _report(conn, report_id, who)
        own, done = await photos.photos_by_purpose(conn, report_id)
    return {
        **{k: v for k, v in report.items() if k in WorkView.model_fields},
        "contact": contact_for_work(report),
        "photo_ids": own,
        "completion_photo_ids": done,
    }


@router.post(
    "/{report_id}/completion-photos",
    status_code=status.HTTP_201_CREATED,
    response_model=PhotoOut,
    responses={**PHOTO_PROBLEMS, **refusals("report-not-found")},
)
async def add_completion_photo(
    report_id: uuid.UUID,
    file: ImageFile,
    who: CurrentPrincipal,
    pool: DbPool,
    settings: Settings,
    request: Request,
) -> PhotoOut:
    """A photo of the finished work, by those who work on the report (same type and size
    limits as the reporter's, and the same cap per report); the reporter sees it with the
    report's photos."""
    limit_caller(request, who)
    async with pool.acquire() as conn:
        await _report(conn, report_id, who)
        await check_room(conn, report_id, settings.photo_max_per_report)

    async def as_completion(conn: Conn, row: dict[str, Any]) -> None:
        await photos.mark_completion(conn, row["id"])

    store = store_of(request)
    return await adding_photos.add(
        pool, store, file, settings, report_id, who.subject, as_completion
    )
