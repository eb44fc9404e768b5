"""`python -m notify api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from houqin_shared.contracts import FEEDBACK_TOPIC, TICKETS_TOPIC
from houqin_shared.service import ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app
from notify.api import router
from notify.handlers import HANDLERS
from notify.settings import NotifySettings


def create_app(settings: ServiceSettings) -> FastAPI:
    return service_app("Houqin notify", settings, router)


SPEC = ServiceSpec(
    name="notify",
    settings=NotifySettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[],
    consumes=[FEEDBACK_TOPIC, TICKETS_TOPIC],
    handlers=HANDLERS,
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
