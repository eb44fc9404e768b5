"""`python -m feedback api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from feedback import (
    api,
    api_board,
    api_catalog,
    api_duplicates,
    api_open311,
    api_photos,
    api_reception,
    api_reporter,
    api_supervisor,
    api_surveys,
    api_track,
    api_votes,
    api_work,
    periodic,
)
from feedback.category_cache import CategoryCache
from feedback.handlers import BATCH_HANDLERS, HANDLERS
from feedback.intake import TrackingNumbers
from feedback.limits import Limiters
from feedback.photos import LocalDiskStore
from feedback.settings import FeedbackSettings
from houqin_shared import dlq_api
from houqin_shared.contracts import FEEDBACK_TOPIC, INBOUND_TOPIC, TICKETS_TOPIC
from houqin_shared.service import ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app


def create_app(settings: ServiceSettings) -> FastAPI:
    if not isinstance(settings, FeedbackSettings):
        settings = FeedbackSettings(**settings.model_dump())
    app = service_app(
        "Houqin feedback",
        settings,
        api.router,
        api_reporter.router,
        api_duplicates.router,
        api_votes.router,
        api_surveys.router,
        api_reception.router,
        api_supervisor.router,
        api_catalog.router,
        api_board.router,
        api_photos.router,
        api_photos.report_router,
        api_track.router,
        api_work.router,
        dlq_api.service_router("feedback", settings),
    )
    app.state.settings = settings
    app.mount("/open311", api_open311.open311_app(app))
    app.state.limiters = Limiters(settings)
    app.state.categories = CategoryCache()
    app.state.numbers = TrackingNumbers(settings.tracking_block)
    app.state.photo_store = LocalDiskStore(settings.photo_dir)
    return app


SPEC = ServiceSpec(
    name="feedback",
    settings=FeedbackSettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[FEEDBACK_TOPIC],
    consumes=[TICKETS_TOPIC, INBOUND_TOPIC],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    periodic=periodic.tasks(FeedbackSettings()),
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
