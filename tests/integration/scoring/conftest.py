"""Fixtures of the scoring tests: the service migrated into a fresh schema, with its pool."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from helpers import Infra, Sso, settings_for
from scoring_support import Scoring

from houqin_shared import db
from scoring.settings import ScoringSettings


@pytest.fixture
async def scoring(
    infra: Infra, sso: Sso, service_db: Callable[[str], str]
) -> AsyncIterator[Scoring]:
    schema = service_db("scoring")
    settings = settings_for(ScoringSettings, infra, sso, schema)
    pool = await db.create_pool(settings)
    try:
        yield Scoring(schema, settings, pool)
    finally:
        await pool.close()
