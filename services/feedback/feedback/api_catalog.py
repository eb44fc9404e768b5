"""The public service catalogue (服务承诺): anyone reads it, admins publish it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel

from feedback import domain_catalog
from feedback.category_cache import CategoryCache
from feedback.repository import catalog as repo
from houqin_shared import outbox
from houqin_shared.contracts import ServiceCatalogChanged
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/catalog", tags=["catalogue"])
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Code = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class ServiceOut(BaseModel):
    code: str
    name: str
    name_en: str | None = None
    description: str
    standard: str
    fee: str
    description_en: str | None = None
    standard_en: str | None = None
    fee_en: str | None = None
    limits: list[domain_catalog.LimitsIn]
    calendar: str
    service_phone: str | None
    complaint_phone: str | None
    department_id: str | None
    reply_minutes: int | None = None
    escalation: domain_catalog.EscalationIn | None = None
    active: bool
    public: bool = False
    version: int
    updated_at: datetime


@router.get("", response_model=list[ServiceOut], summary="The public catalogue (no login)")
async def list_catalog(pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await repo.list_services(conn, include_inactive=False)


@router.get("/{code}", response_model=ServiceOut, summary="One service's commitments (no login)")
async def read_service(code: Code, pool: DbPool) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await repo.get_service(conn, code)
    if row is None:
        raise problem("service-not-found", f"no service {code!r} in the catalogue")
    return row


@router.put(
    "/{code}",
    response_model=ServiceOut,
    summary="Publish or change a service (admin)",
    responses={
        201: {"model": ServiceOut, "description": "Created (version 1)"},
        **refusals("validation"),  # limits_shrink, urgency_repeated, escalation_levels_order
    },
)
async def put_service(
    code: Code,
    entry: domain_catalog.ServiceIn,
    who: Admin,
    pool: DbPool,
    response: Response,
    request: Request,
) -> dict[str, Any]:
    """Create or replace an entry. An unchanged entry keeps its version and sends nothing; a
    changed one gets the next version and `ServiceCatalogChanged` (the tickets service's SLA
    clocks follow it). `active: false` withdraws a service (new reports may not use it)."""
    new = entry.stored()
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        before = await repo.get_service(conn, code, for_update=True)
        if before is not None and domain_catalog.same_content(before, new):
            return before
        row = await repo.upsert_service(conn, code, new, who.subject, now)
        await outbox.add(
            conn,
            ServiceCatalogChanged(
                code=code,
                name=row["name"],
                department_id=row["department_id"],
                limits=domain_catalog.stage_limits(row["limits"]),
                calendar=row["calendar"],
                active=row["active"],
                version=row["version"],
                changed_at=now,
                reply_minutes=row["reply_minutes"],
                escalation=row["escalation"],
            ),
        )
    categories: CategoryCache = request.app.state.categories
    categories.forget()
    if before is None:
        response.status_code = status.HTTP_201_CREATED
    return row
