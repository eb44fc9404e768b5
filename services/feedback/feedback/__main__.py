"""`python -m feedback api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from feedback.api import router
from feedback.handlers import HANDLERS
from feedback.settings import FeedbackSettings
from houqin_shared.contracts import FEEDBACK_TOPIC, TICKETS_TOPIC
from houqin_shared.service import ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app


def create_app(settings: ServiceSettings) -> FastAPI:
    return service_app("Houqin feedback", settings, router)


SPEC = ServiceSpec(
    name="feedback",
    settings=FeedbackSettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[FEEDBACK_TOPIC],
    consumes=[TICKETS_TOPIC],
    handlers=HANDLERS,
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
