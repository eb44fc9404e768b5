"""Feedback HTTP API: file a report, read one's own reports."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from feedback import domain, domain_track, duplicate_finder, intake, repository
from feedback.category_cache import CategoryCache
from feedback.deps import desk_of, settings_of
from feedback.limits import limit_address, limit_caller
from feedback.presenting import ReportOut, may_read, present
from feedback.repository import catalog as catalog_repo
from feedback.repository import duplicates, photos, track
from feedback.rows import ReportRow
from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal, Principal, Role
from houqin_shared.logs import get_logger
from houqin_shared.openapi import refusals
from houqin_shared.params import Instant
from houqin_shared.problems import ProblemError, problem
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool, get_pool

router = APIRouter(prefix="/v1", tags=["reports"])
log = get_logger(__name__)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A retried POST with the same key returns the first report.",
    ),
]


def refused(slug: str, detail: str | None = None) -> ProblemError:
    """A report refused at filing (422): `slug` names why (houqin_shared.problem_types)."""
    return problem(slug, detail)


async def _replay(
    conn: Conn, who: Principal, key: str, fingerprint: str | None
) -> ReportOut | None:
    first = await repository.report_by_idempotency_key(conn, who.subject, key)
    if first is None:
        return None
    if first["request_hash"] != fingerprint:
        raise problem(
            "idempotency-key-reused", "this Idempotency-Key was used for a different request"
        )
    # The first answer's access code is not kept: the filer who retries gets a new one (the
    # first stops working), so a lost answer never leaves a report untrackable.
    out = present(first, who)
    out.access_code = domain_track.new_code()
    await track.set_access_hash(
        conn, first["id"], domain_track.code_hash(first["id"], out.access_code)
    )
    return out


def _created(out: ReportOut, replayed: bool = False) -> Response:
    """201 with the report, serialised once here (FastAPI would validate it again first); a
    replay gives the same answer as the first time, marked as a replay."""
    return Response(
        out.model_dump_json(),
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"} if replayed else None,
    )


async def _active(request: Request, conn: Conn, category: str) -> bool:
    cache: CategoryCache = request.app.state.categories
    active = cache.get(category)
    if active is None:
        active = await catalog_repo.is_active_category(conn, category)
        cache.put(category, active)
    return active


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportOut,
    responses=refusals(
        "validation",
        "channel-external-service-only",
        "channel-front-desk-only",
        "on-behalf-front-desk-only",
        "origin-offline-only",
        "origin-required",
        "origin-session-unknown",
        "category-unknown",
        "too-many-photos",
        "photos-refused",
        "idempotency-key-reused",
    ),
)
async def file_report(
    report: domain.ReportIn,
    who: CurrentPrincipal,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    settings, pool = settings_of(request), get_pool(request)  # the hot path: no dependencies
    _admit(request, who, report)
    # Only a request that may be retried (it has a key) needs its body's fingerprint.
    fingerprint = domain.request_hash(report) if idempotency_key else None
    access_code = domain_track.new_code()
    async with pool.acquire() as conn:
        if idempotency_key and (replay := await _replay(conn, who, idempotency_key, fingerprint)):
            return _created(replay, replayed=True)
        try:
            row = await intake.file(
                conn,
                report,
                desk_of(request, who.subject),
                reporter=domain.reporter_of(report, who),
                is_active=lambda conn, category: _active(request, conn, category),
                max_photos=settings.photo_max_per_report,
                access_code=access_code,
                transcribed_by=domain.transcriber_of(report, who),
                idempotency_key=idempotency_key,
                request_hash=fingerprint,
            )
        except intake.Refused as exc:
            raise refused(exc.reason, exc.detail) from exc
        if row is None:  # a concurrent retry with the same key committed first
            assert idempotency_key is not None
            replay = await _replay(conn, who, idempotency_key, fingerprint)
            if replay is None:
                raise problem("report-retry", "the report could not be stored; retry")
            return _created(replay, replayed=True)
        out = await _filed(conn, row, report, who, access_code, settings.duplicate_radius_m)
    log.info(
        "report_filed",
        report_id=str(row["id"]),
        tracking_no=row["tracking_no"],
        channel=report.channel,
    )
    return _created(out)


def _admit(request: Request, who: Principal, report: domain.ReportIn) -> None:
    """Rate limits, the filing roles, and who may file by which channel."""
    limit_address(request)
    if not who.has_any(Role.reporter, Role.front_desk, Role.service, Role.supervisor):
        raise problem(
            "role-required", "filing reports needs the reporter, front_desk or service role"
        )
    limit_caller(request, who)
    refusal = domain.check_filing(report, who)
    if refusal:
        raise refused(refusal, f"channel {report.channel}")


async def _filed(
    conn: Conn,
    row: ReportRow,
    report: domain.ReportIn,
    who: Principal,
    access_code: str,
    radius_m: float,
) -> ReportOut:
    """The filing answer: the report as its filer sees it, with its access code and the open
    reports that may be the same problem."""
    out = present(row, who)
    out.access_code = access_code
    out.stage = "done" if row["status"] == "closed" else "received"  # a praise: thanked
    out.photo_ids = sorted(set(report.photo_ids))
    out.possible_duplicates = await duplicate_finder.find(
        conn, report.category, row["location"], radius_m, row["id"]
    )
    return out


@router.get("/reports/by-tracking-no/{tracking_no}", response_model=ReportOut)
async def read_by_tracking_no(
    tracking_no: Annotated[str, Path(max_length=32, pattern=r"^FK[0-9]{8}-[0-9]{4,}$")],
    who: CurrentPrincipal,
    pool: DbPool,
) -> ReportOut:
    """The report with this tracking number (what a caller reads out over the phone)."""
    async with pool.acquire() as conn:
        row = await repository.report_by_tracking_no(conn, tracking_no)
        supporter = row is not None and await duplicates.is_supporter(conn, row["id"], who.subject)
        if row is None or not may_read(row, who, supporter):
            raise problem("report-not-found", f"no report {tracking_no} that you may see")
        out = present(row, who)
        if out.view == "full":  # a "me too" supporter sees no photos
            out.photo_ids = await photos.photos_of(conn, row["id"])
    return out


@router.get("/reports/{report_id}", response_model=ReportOut)
async def read_report(report_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool) -> ReportOut:
    async with pool.acquire() as conn:
        row = await repository.get_report(conn, report_id)
        supporter = row is not None and await duplicates.is_supporter(conn, report_id, who.subject)
        if row is None or not may_read(row, who, supporter):
            raise problem("report-not-found", f"no report {report_id} that you may see")
        out = present(row, who)
        if out.view == "full":  # a "me too" supporter sees no photos
            out.photo_ids = await photos.photos_of(conn, report_id)
    return out


@router.get("/reports", response_model=list[ReportOut])
async def my_reports(
    who: CurrentPrincipal,
    pool: DbPool,
    before: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    supported: Annotated[
        QueryBool, Query(description="The reports you said 'me too' to, instead of your own.")
    ] = False,
    stage: Annotated[
        domain_track.Stage | None,
        Query(
            description="Only one tab: received (待受理), in_progress (处理中), to_confirm"
            " (待确认评价: waiting for your confirmation or rating), done (已完成)."
        ),
    ] = None,
) -> list[ReportOut]:
    """Your own reports, newest first (page with `before` = the last one's `filed_at`)."""
    async with pool.acquire() as conn:
        if supported:
            ids = await duplicates.supported_by(conn, who.subject, limit)
            rows = await repository.reports_by_ids(conn, ids)
            rows = [r for r in rows if stage is None or r["stage"] == stage]
        else:
            rows = await repository.reports_of(conn, who.subject, before, limit, stage)
    return [present(r, who) for r in rows]
