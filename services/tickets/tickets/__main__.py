"""`python -m tickets api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from houqin_shared import dlq_api
from houqin_shared.contracts import FEEDBACK_TOPIC, TICKETS_TOPIC
from houqin_shared.service import ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app
from tickets import (
    api,
    api_directory,
    api_directory_remove,
    api_official_calendar,
    api_oversight,
    api_places,
    api_queues,
    api_rectifications,
    api_recurring,
    api_sheet,
    api_supervision,
    api_work,
    directory_events,
)
from tickets.handlers import BATCH_HANDLERS, HANDLERS
from tickets.settings import TicketsSettings
from tickets.sweeper import PERIODIC


def v1_router() -> APIRouter:
    """The routers of every route module under /v1 (their order is the order of matching)."""
    v1 = APIRouter(prefix="/v1")
    v1.include_router(api_directory.router)
    # GET/POST /directory/sheet (XLSX), GET /directory/calendar/official, DELETE posts etc.
    for sub in (api_sheet.router, api_official_calendar.router, api_directory_remove.router):
        v1.include_router(sub, prefix="/directory", tags=["directory"])
    for router in (
        api_queues.router,
        api_rectifications.router,
        api_supervision.router,
        api_places.router,
        api_places.units_router,
        api_recurring.router,
        api_oversight.router,
    ):
        v1.include_router(router)
    return v1


def create_app(settings: ServiceSettings) -> FastAPI:
    dead_letters = dlq_api.service_router("tickets", settings)
    return service_app(
        "Houqin tickets", settings, v1_router(), api.router, api_work.router, dead_letters
    )


SPEC = ServiceSpec(
    name="tickets",
    settings=TicketsSettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[TICKETS_TOPIC],
    consumes=[FEEDBACK_TOPIC],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    periodic=[PERIODIC, directory_events.SNAPSHOT],
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
