"""Duplicates: open reports like this one, "me too", staff links, and who hears about a group."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict

from feedback import domain_duplicates as dup
from feedback import duplicate_finder, repository
from feedback.deps import Settings
from feedback.domain import CODE
from feedback.limits import limit_caller
from feedback.presenting import DuplicateOut
from feedback.repository import audit, duplicates, timeline
from houqin_shared import outbox
from houqin_shared.contracts import ReportLinked
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1", tags=["duplicates"])
Linker = Annotated[
    Principal,
    Depends(require_roles(Role.front_desk, Role.team_lead, Role.dept_head, Role.supervisor)),
]
AUDIENCE_SCOPE = "houqin.audience.read"
"""The client scope that reads who follows a report: the SSO grants it to notify alone."""


async def audience_client(
    who: Annotated[Principal, Depends(require_roles(Role.service))],
) -> Principal:
    """A service client holding the audience scope (the role service alone is not enough: every
    campus system has it)."""
    if not who.has_scope(AUDIENCE_SCOPE):
        raise problem("audience-scope-required", f"requires the client scope {AUDIENCE_SCOPE}")
    return who


AudienceClient = Annotated[Principal, Depends(audience_client)]


@router.get(
    "/duplicates",
    response_model=list[DuplicateOut],
    responses=refusals("coordinates-incomplete"),
)
async def search_duplicates(
    who: CurrentPrincipal,
    pool: DbPool,
    settings: Settings,
    category: Annotated[str, Query(min_length=1, max_length=64, pattern=CODE)],
    building: Annotated[str | None, Query(max_length=64)] = None,
    room: Annotated[str | None, Query(max_length=32)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    long: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> list[DuplicateOut]:
    """Before filing: open reports of this category in this room or near this position."""
    location = {"building": building, "room": room, "lat": lat, "long": long}
    if (lat is None) != (long is None):
        raise problem("coordinates-incomplete", "lat and long go together")
    async with pool.acquire() as conn:
        return await duplicate_finder.find(
            conn, category, location, settings.duplicate_radius_m, uuid.UUID(int=0)
        )


class MeTooOut(BaseModel):
    report_id: uuid.UUID
    tracking_no: str
    supporters: int


@router.post(
    "/reports/{report_id}/me-too",
    response_model=MeTooOut,
    responses={201: {"model": MeTooOut, "description": "Your voice was added"}},
)
async def me_too(
    report_id: uuid.UUID,
    who: CurrentPrincipal,
    pool: DbPool,
    request: Request,
    response: Response,
) -> MeTooOut:
    """Add your voice to an open report instead of filing the same one again; you then follow
    it and hear each of its status changes. Repeating it changes nothing."""
    if not who.has_any(Role.reporter):
        raise problem("report-not-found", f"no report {report_id} that you may support")
    limit_caller(request, who)
    async with pool.acquire() as conn, conn.transaction():
        row = await repository.get_report(conn, report_id, for_update=True)
        if row is None:
            raise problem("report-not-found", f"no report {report_id}")
        if refusal := dup.me_too_refusal(row, who.subject):
            raise problem(refusal)
        now = datetime.now(UTC)
        if await duplicates.add_supporter(conn, report_id, who.subject, now):
            response.status_code = status.HTTP_201_CREATED
            await timeline.add_entry(conn, report_id, "me_too", now)
        count = await duplicates.supporter_count(conn, report_id)
    return MeTooOut(report_id=report_id, tracking_no=row["tracking_no"], supporters=count)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duplicate_of: uuid.UUID


@router.post(
    "/reports/{report_id}/link",
    responses=refusals(
        "duplicate-target-unknown",
        "duplicate-of-itself",
        "duplicate-category-differs",
        "duplicate-link-to-primary",
        "duplicate-already-linked",
    ),
)
async def link_duplicate(
    report_id: uuid.UUID, body: LinkIn, who: Linker, pool: DbPool
) -> dict[str, Any]:
    """Staff mark a report as a duplicate of a primary one: its reporter follows the primary's
    ticket (told of its progress and outcome, confirms and rates it) and its own ticket, if one
    was opened, is merged into the primary's (ReportLinked; tickets closes it without work and
    it leaves every count)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repository.get_report(conn, report_id, for_update=True)
        primary = await repository.get_report(conn, body.duplicate_of, for_update=True)
        if row is None:
            raise problem("report-not-found", "no such report")
        if primary is None:
            raise problem("duplicate-target-unknown")
        if refusal := dup.link_refusal(row, primary):
            raise problem(refusal)
        now = datetime.now(UTC)
        await duplicates.link(conn, report_id, primary["id"], who.subject, now)
        await timeline.add_entry(
            conn, report_id, "linked", now, note=f"same problem as {primary['tracking_no']}"
        )
        await outbox.add(
            conn,
            ReportLinked(
                report_id=report_id,
                tracking_no=row["tracking_no"],
                primary_report_id=primary["id"],
                primary_tracking_no=primary["tracking_no"],
                category=row["category"],
                linked_at=now,
            ),
        )
    return {
        "report_id": report_id,
        "duplicate_of": primary["id"],
        "tracking_no": primary["tracking_no"],
    }


class AudienceOut(BaseModel):
    report_id: uuid.UUID
    primary_id: uuid.UUID
    user_ids: list[str]


@router.get(
    "/reports/{report_id}/audience",
    response_model=AudienceOut,
    responses=refusals("audience-scope-required", "role-required"),
)
async def audience(report_id: uuid.UUID, who: AudienceClient, pool: DbPool) -> AudienceOut:
    """For notify (a client with the scope houqin.audience.read): the user ids to tell about
    this report's group: the reporter (anonymous ones too: notify delivers without revealing
    them) and every "me too" and linked reporter. Every read is recorded, in the same
    transaction, in the unmasking audit (kind audience)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repository.get_report(conn, report_id)
        if row is None:
            raise problem("report-not-found", f"no report {report_id}")
        primary = row["primary_id"] or row["id"]
        users = await duplicates.audience(conn, primary)
        await audit.record_unmask(
            conn,
            report_id,
            who.subject,
            "audience read to deliver notifications",
            datetime.now(UTC),
            kind="audience",
        )
    return AudienceOut(report_id=report_id, primary_id=primary, user_ids=users)
