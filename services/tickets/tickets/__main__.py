"""`python -m tickets api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from houqin_shared.contracts import FEEDBACK_TOPIC, TICKETS_TOPIC
from houqin_shared.service import ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app
from tickets import api_work, directory_events
from tickets.api import router
from tickets.handlers import BATCH_HANDLERS, HANDLERS
from tickets.settings import TicketsSettings
from tickets.sweeper import PERIODIC


def create_app(settings: ServiceSettings) -> FastAPI:
    return service_app("Houqin tickets", settings, router, api_work.router)


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
