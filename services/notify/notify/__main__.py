"""`python -m notify api|worker|relay|migrate`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from houqin_shared import dlq_api
from houqin_shared.contracts import FEEDBACK_TOPIC, SCORING_TOPIC, TICKETS_TOPIC
from houqin_shared.service import Periodic, ServiceSpec, main
from houqin_shared.settings import ServiceSettings
from houqin_shared.webapp import service_app
from notify import api, api_config, api_prefs, followers, name_source
from notify.delivery import Deliverer
from notify.digest import digest_round
from notify.handlers import BATCH_HANDLERS, HANDLERS
from notify.settings import NotifySettings


def create_app(settings: ServiceSettings) -> FastAPI:
    dead_letters = dlq_api.service_router("notify", settings)
    app = service_app(
        "Houqin notify", settings, api.router, api_config.router, api_prefs.router, dead_letters
    )
    app.state.settings = settings
    return app


DELIVERER = Deliverer(NotifySettings)
SPEC = ServiceSpec(
    name="notify",
    settings=NotifySettings,
    migrations=Path(__file__).parent / "migrations",
    create_app=create_app,
    produces=[],
    consumes=[FEEDBACK_TOPIC, TICKETS_TOPIC, SCORING_TOPIC],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    periodic=[
        Periodic("deliver", NotifySettings().delivery_every_ms / 1000, DELIVERER.run),
        Periodic("digest", NotifySettings().digest_every_s, digest_round),
        Periodic("followers", NotifySettings().followers_every_ms / 1000, followers.tell),
        Periodic("names", 1.0, name_source.NAMES.run),
    ],
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
