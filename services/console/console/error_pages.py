"""The pages the console shows when something fails: sign in again, refused, a service down, a
problem in words, not found, or a crash (never a stack trace)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from console.api import ApiDown, ApiProblem
from console.auth import SsoDown, sign_out
from console.errors import message
from console.web import CsrfRefused, Ctx, NeedLogin, build_ctx
from houqin_shared.logs import get_logger

log = get_logger(__name__)


async def ctx_of(request: Request) -> Ctx:
    return build_ctx(request)  # an error page checks no CSRF token


async def need_login(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NeedLogin)
    target = "/login?next=" + quote(exc.next_path, safe="/")
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def csrf_refused(request: Request, exc: Exception) -> Response:
    return (await ctx_of(request)).render("error.html", status=403, kind="csrf")


async def sso_down(request: Request, exc: Exception) -> Response:
    log.warning("sso_unavailable", path=request.url.path, error=str(exc))
    return (await ctx_of(request)).render("error.html", status=503, kind="sso")


async def api_down(request: Request, exc: Exception) -> Response:
    log.warning("api_unavailable", path=request.url.path, error=str(exc))
    return (await ctx_of(request)).render("error.html", status=503, kind="api")


async def api_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    ctx = await ctx_of(request)
    if exc.status == 401:  # the token is no longer accepted: sign in again
        sign_out(ctx.session)
        return await need_login(request, NeedLogin(ctx.here()))
    if exc.status == 404:
        return ctx.render("not_found.html", status=404)
    return ctx.render(
        "error.html", status=exc.status, kind="problem", message=message(exc, ctx.lang)
    )


async def not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    ctx = await ctx_of(request)
    if status == 404 or isinstance(exc, RequestValidationError):
        return ctx.render("not_found.html", status=404)
    return ctx.render("error.html", status=status, kind="other")


async def crash(request: Request, exc: Exception) -> Response:
    log.exception("console_error", path=request.url.path)
    try:
        return (await ctx_of(request)).render("error.html", status=500, kind="other")
    except Exception:  # the error page must not fail in turn
        return Response("Error / 出错了", status_code=500, media_type="text/plain")


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(NeedLogin, need_login)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(SsoDown, sso_down)
    app.add_exception_handler(ApiDown, api_down)
    app.add_exception_handler(ApiProblem, api_problem)
    app.add_exception_handler(HTTPException, not_found)
    app.add_exception_handler(RequestValidationError, not_found)
    app.add_exception_handler(Exception, crash)
