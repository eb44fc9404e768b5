"""A service's API application: pool, identity, health, problems, metrics, its routers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.middleware import Middleware

from houqin_shared import db
from houqin_shared.admission import Admission
from houqin_shared.http import base_app, install_health, kafka_check
from houqin_shared.identity import install_identity, verifier_from_settings
from houqin_shared.openapi import problem_openapi
from houqin_shared.settings import ServiceSettings


def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def pool_dependency(request: Request) -> asyncpg.Pool:
    """Async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop (and a
    good part of a short request's CPU) on every request."""
    return get_pool(request)


DbPool = Annotated[asyncpg.Pool, Depends(pool_dependency)]


def service_app(title: str, settings: ServiceSettings, *routers: APIRouter) -> FastAPI:
    verifier = verifier_from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await db.create_pool(settings)
        warming = asyncio.create_task(verifier.jwks.warm(), name="jwks-warm")
        try:
            yield
        finally:
            warming.cancel()
            await app.state.pool.close()

    app = base_app(title, lifespan=lifespan, limits=settings, version="0.1.0")
    # innermost (after RequestContext): a refusal is timed and answered with its request id
    app.user_middleware.append(Middleware(Admission, limit=settings.http_max_in_flight))
    install_identity(app, verifier)

    async def database() -> None:
        async with app.state.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")

    # The API writes events to its outbox, so it stays ready while Kafka is away; Kafka's state
    # is reported for operators but does not take the API out of service.
    install_health(
        app, {"database": database}, informative={"kafka": kafka_check(settings.kafka_bootstrap)}
    )
    for router in routers:
        app.include_router(router)
    problem_openapi(app)
    return app
