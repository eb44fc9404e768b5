"""What every service's HTTP surface shares: X-Request-ID correlation, RFC 9457 errors,
/healthz, /readyz, /metrics, and request latency metrics."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from houqin_shared import access_log, apidocs, metrics
from houqin_shared.logs import bind_correlation_id, get_logger
from houqin_shared.problem_types import language
from houqin_shared.problems import PROBLEM_JSON, ProblemError, problem
from houqin_shared.settings import ServiceSettings
from houqin_shared.strict import nonblank_error

log = get_logger(__name__)
Check = Callable[[], Awaitable[None]]
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Values PostgreSQL refuses (class 22, and asyncpg's own argument checks): the client's fault.
BAD_VALUE_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.DataError,
    asyncpg.exceptions._base.DataError,
)
# The database going away mid-request: 503 with Retry-After, not 500. OSError includes
# TimeoutError: no pooled connection free in time, or a server that stopped answering
# (houqin_shared.db); a statement over its statement_timeout is a QueryCanceledError (57014).
DATABASE_DOWN_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.exceptions.IdleInTransactionSessionTimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions._base.InternalClientError,
)


class RequestContext:
    """Pure ASGI middleware: binds X-Request-ID (or a new id), echoes it, times the request;
    refuses over-long query strings (414) and header sections (431) before any work."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        max_query: int = 8192,
        max_headers: int = 16384,
        log_access: bool = False,
    ) -> None:
        self.app = app
        self.log_access = log_access  # houqin_shared.access_log, HOUQIN_ACCESS_LOG
        self.max_body = max_body
        self.max_query = max_query
        self.max_headers = max_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query:
            await _refuse(
                scope, send, "uri-too-long", f"query strings are limited to {self.max_query} bytes"
            )
            return
        if sum(len(k) + len(v) for k, v in scope["headers"]) > self.max_headers:
            await _refuse(
                scope, send, "headers-too-large",
                f"request headers are limited to {self.max_headers} bytes",
            )  # fmt: skip
            return
        too_large = f"request bodies are limited to {self.max_body} bytes"
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.max_body:
            await _refuse(scope, send, "content-too-large", too_large)
            return
        received = 0

        async def counted() -> Message:  # a body without Content-Length, counted as it comes
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise HTTPException(413, too_large)
            return message

        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")[:128]
        rid = bind_correlation_id(incoming or None)
        start, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, counted, send_with_id)
        finally:
            route = access_log.route_template(scope)
            took = time.perf_counter() - start
            metrics.REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(took)
            if self.log_access:
                access_log.write(scope, status, took, rid)


async def _refuse(scope: Scope, send: Send, slug: str, detail: str) -> None:
    """A problem+json answer sent before the app runs (no request object exists yet)."""
    refusal = problem(slug, detail)
    accept = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
    body = json.dumps(refusal.body(lang=language(accept)), ensure_ascii=False)
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


def problem_response(request: Request, exc: ProblemError) -> JSONResponse:
    """The problem as problem+json, its title in the language Accept-Language prefers."""
    lang = language(request.headers.get("accept-language"))
    return JSONResponse(
        exc.body(instance=request.url.path, lang=lang),
        status_code=exc.status,
        headers={
            **exc.headers,
            "Content-Language": "zh-CN" if lang == "zh" else "en",
            "Vary": "Accept-Language",
        },
        media_type=PROBLEM_JSON,
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        return problem_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [field_error(e) for e in exc.errors()]
        invalid = problem(
            "validation", "The request did not validate: see `errors`.", errors=errors
        )
        return problem_response(request, invalid)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        slug = HTTP_SLUGS.get(exc.status_code, "http-error")
        answer = problem(slug, str(exc.detail), status=exc.status_code, headers=headers)
        return problem_response(request, answer)

    async def on_crash(request: Request, exc: Exception) -> Response:
        if isinstance(exc, BAD_VALUE_ERRORS):  # e.g. a NUL character, a number out of range
            detail = f"a value cannot be stored: {str(exc).splitlines()[0][:200]}"
            return problem_response(request, problem("value-not-storable", detail))
        if isinstance(exc, DATABASE_DOWN_ERRORS):  # restarting or unreachable: try again soon
            log.warning("database_unavailable", path=request.url.path, error=repr(exc))
            down = problem(
                "database-unavailable",
                "the database is unavailable; retry shortly",
                headers={"Retry-After": "1"},
            )
            return problem_response(request, down)
        log.exception("unhandled_error", path=request.url.path)
        return problem_response(request, problem("internal-error"))

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
    # Expected failures by their own classes: Starlette re-raises what only the `Exception`
    # handler caught, after answering, and uvicorn then logs its whole traceback: under
    # overload, every pool-wait 503 cost a formatted traceback (a fifth of feedback's API CPU
    # in the profile of issue 21).
    for expected in (*BAD_VALUE_ERRORS, *DATABASE_DOWN_ERRORS):
        app.add_exception_handler(expected, on_crash)


# Starlette's own refusals (no route, wrong method, an unreadable form, a body over the limit).
HTTP_SLUGS = {
    400: "bad-request",
    404: "route-not-found",
    405: "method-not-allowed",
    413: "content-too-large",
}
CTX_VALUES = (str, int, float, bool)


def field_error(error: Any) -> dict[str, Any]:
    """One pydantic error as an `errors` item: where (`loc`), a stable code (`type`, such as
    `string_too_long` or a model's own `rating_comment_required`), its parameters (`ctx`, such
    as `max_length`) for a translated message, and pydantic's English `msg`."""
    out: dict[str, Any] = {"loc": list(error.get("loc", ())), "type": nonblank_error(error)}
    out["msg"] = error.get("msg", "")
    if out["type"] == "string_blank":  # its own words, and no pattern to show
        return out | {"msg": "This field cannot be only spaces"}
    ctx = {
        k: v if isinstance(v, CTX_VALUES) else str(v)
        for k, v in (error.get("ctx") or {}).items()
        if k != "error"
    }
    if ctx:
        out["ctx"] = ctx
    return out


def allowed_methods(request: Request) -> str:
    """Every method some route answers at the request's path: Starlette's 405 names only the
    first matching route's, and FastAPI makes one route per method (and nests included
    routers), so each method is tried against the app's routes."""
    routes = [r for r in request.app.router.routes if isinstance(r, BaseRoute)]
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


def db_check(pool: asyncpg.Pool) -> Check:
    async def check() -> None:
        async with pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")

    return check


def kafka_check(bootstrap: str) -> Check:
    async def check() -> None:
        host, port = bootstrap.split(",")[0].rsplit(":", 1)
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
        writer.close()

    return check


def install_health(
    app: FastAPI,
    required: dict[str, Check],
    informative: dict[str, Check] | None = None,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    """/healthz answers 200 while the process works; /readyz checks its dependencies
    (`required` failing gives 503; `informative` ones are only reported)."""

    unavailable: dict[int | str, dict[str, Any]] = {503: {"description": "Not alive / not ready"}}

    @app.get("/healthz", tags=["ops"], summary="Liveness", responses=unavailable)
    async def healthz() -> JSONResponse:
        ok = alive()
        return JSONResponse({"status": "ok" if ok else "stalled"}, status_code=200 if ok else 503)

    @app.get(
        "/readyz", tags=["ops"], summary="Readiness: dependencies reachable", responses=unavailable
    )
    async def readyz() -> JSONResponse:
        ready, results = await readiness(required, informative or {})
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    @app.get(
        "/metrics", tags=["ops"], summary="Prometheus metrics", response_class=PlainTextResponse
    )
    async def prometheus() -> Response:
        ready, results = await readiness(required, informative or {})  # houqin_ready for alerts
        metrics.READY.set(1 if ready else 0)
        for name, result in results.items():
            metrics.READY_CHECK.labels(name).set(1 if result == "ok" else 0)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def readiness(
    required: dict[str, Check], informative: dict[str, Check]
) -> tuple[bool, dict[str, str]]:
    """Each check's result ("ok" or why not), and whether every `required` one passed."""
    results: dict[str, str] = {}
    ready = True
    for name, check in {**required, **informative}.items():
        try:
            await asyncio.wait_for(check(), 3)
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"unavailable: {type(exc).__name__}"
            ready = ready and name not in required
    return ready, results


def base_app(
    title: str, lifespan: Any = None, limits: ServiceSettings | None = None, **kwargs: Any
) -> FastAPI:
    """A FastAPI app with request ids, problem+json errors and, from `limits`, the largest
    body (413), query string (414) and header section (431) it accepts."""
    s = limits or ServiceSettings()
    own_docs = kwargs.get("openapi_url", "/openapi.json") is not None and "docs_url" not in kwargs
    app = FastAPI(title=title, lifespan=lifespan, **(apidocs.docs_kwargs() | kwargs))
    if own_docs:  # Swagger UI from this host, not from a CDN (houqin_shared.apidocs)
        apidocs.install_docs(app, title)
    app.add_middleware(
        RequestContext,
        max_body=s.http_max_body_bytes,
        max_query=s.http_max_query_bytes,
        max_headers=s.http_max_header_bytes,
        log_access=access_log.enabled(),
    )
    install_problem_handlers(app)
    return app
