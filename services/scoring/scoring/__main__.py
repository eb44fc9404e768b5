"""`python -m scoring api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from houqin_shared import dlq_api
from houqin_shared.contracts import FEEDBACK_TOPIC, SCORING_TOPIC, TICKETS_TOPIC
from houqin_shared.service import Periodic, ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app
from scoring import (
    api,
    api_award_documents,
    api_award_setup,
    api_campaigns,
    api_nominations,
    api_publicity,
    api_published,
    api_reports,
    api_scores,
    api_trends,
)
from scoring.compute import run_touched
from scoring.handlers import BATCH_HANDLERS, HANDLERS
from scoring.settings import ScoringSettings


def create_app(settings: ServiceSettings) -> FastAPI:
    """The app with every route module's router (their order is the order of matching)."""
    routers = (
        api.router,
        api_campaigns.router,
        api_scores.router,
        api_reports.router,
        api_trends.router,
        api_published.router,
        api_award_setup.router,
        api_nominations.router,
        api_publicity.router,
        api_award_documents.router,
        dlq_api.service_router("scoring", settings),
    )
    return service_app("Houqin scoring", settings, *routers)


SPEC = ServiceSpec(
    name="scoring",
    settings=ScoringSettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[SCORING_TOPIC],
    consumes=[TICKETS_TOPIC, FEEDBACK_TOPIC],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    # Campaigns whose facts changed are scored again from their running totals within a
    # fraction of a second of the event (an idle round is one small query).
    periodic=[Periodic("recompute-touched-campaigns", 0.25, run_touched)],
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
