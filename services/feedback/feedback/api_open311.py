"""Open311 GeoReport v2 over the catalogue and the reports: discovery, services, service
definitions, POST requests (api key; media_url, or a `media` file upload), GET requests with the
spec's filters, GET one request, tokens; JSON and XML; errors in the spec's format (a list of
{code, description}). A request's media_url links to its first photo, served without metadata
by GET /v2/media/{photo_id}."""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from feedback import domain, images, intake
from feedback import domain_open311 as o311
from feedback import domain_public as public
from feedback.deps import desk_of, settings_of, store_of
from feedback.limits import limit_address, limit_public
from feedback.repository import catalog, open311
from feedback.uploads import checked, photo_row
from houqin_shared import apidocs
from houqin_shared.problems import ProblemError, problem
from houqin_shared.webapp import get_pool

router = APIRouter(tags=["Open311 GeoReport v2"])


def open311_app(parent: FastAPI) -> FastAPI:
    """Open311 as its own application mounted at /open311, with its own OpenAPI document
    (/open311/openapi.json): its answers and errors follow the GeoReport spec, not this
    platform's problem+json. It shares the parent's pool, settings and rate limits."""
    app = FastAPI(title="Houqin Open311 GeoReport v2", version="2", docs_url=None, redoc_url=None)
    apidocs.install_docs(app, "Houqin Open311 GeoReport v2")
    app.state = parent.state
    app.include_router(router)
    return app


MAX_RESULTS = 1000
DEFAULT_DAYS = 90

Route = Callable[..., Awaitable[Response]]


def render(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(o311.to_xml(root, value), status, media_type="text/xml; charset=utf-8")
    # a lone surrogate (stored before intake refused them) becomes "?" rather than a crash
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")
    return Response(body, status, media_type="application/json; charset=utf-8")


def spec_errors(route: Route) -> Route:
    """Answer every failure of an Open311 route in the spec's error format and the asked-for
    format (JSON when the format itself is unknown)."""

    @functools.wraps(route)
    async def wrapper(**kwargs: Any) -> Response:
        fmt = kwargs.get("fmt", "json")
        try:
            if fmt not in o311.FORMATS:
                fmt = "json"
                raise o311.Open311Error(404, "format must be json or xml")
            request: Request = kwargs["request"]
            jurisdiction = request.query_params.get("jurisdiction_id")
            settings = settings_of(request)
            if jurisdiction and jurisdiction != settings.open311_jurisdiction:
                raise o311.Open311Error(404, f"jurisdiction_id {jurisdiction} was not found")
            return await route(**kwargs)
        except o311.Open311Error as exc:
            return render(fmt, "errors", exc.body(), exc.status)
        except ProblemError as exc:
            error = o311.Open311Error(exc.status, exc.detail or exc.title, exc.type_)
            response = render(fmt, "errors", error.body(), exc.status)
            response.headers.update(exc.headers)
            return response

    return wrapper


@router.get("/discovery.{fmt}", summary="Service discovery")
@spec_errors
async def discovery(fmt: str, request: Request) -> Response:
    settings = settings_of(request)
    base = str(request.url).rsplit("/discovery.", 1)[0] + "/v2"  # wherever we are mounted
    return render(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-21T00:00:00+08:00",
            "contact": "Houqin logistics service desk (see GET /v1/catalog for phone numbers)",
            "key_service": "Ask the campus IT team for an api_key",
            "endpoints": [
                {
                    "specification": o311.SPEC_URL,
                    "url": base,
                    "changeset": "2026-11-21T00:00:00+08:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
            "jurisdiction_id": settings.open311_jurisdiction,
        },
    )


@router.get("/v2/services.{fmt}", summary="GET Service List")
@spec_errors
async def services(fmt: str, request: Request) -> Response:
    async with get_pool(request).acquire() as conn:
        entries = await catalog.list_services(conn, include_inactive=False)
    return render(fmt, "services", [o311.service(e) for e in entries])


@router.get("/v2/services/{code}.{fmt}", summary="GET Service Definition")
@spec_errors
async def service_definition(code: str, fmt: str, request: Request) -> Response:
    async with get_pool(request).acquire() as conn:
        entry = await catalog.get_service(conn, code)
    if entry is None or not entry["active"]:
        raise o311.Open311Error(404, f"service_code {code} was not found")
    return render(fmt, "service_definition", o311.definition(code))


def _coordinate(form: Any, name: str) -> float | None:
    """A form's text as a number (the JSON API takes numbers only)."""
    value = form.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise o311.Open311Error(400, f"{name}: not a number") from None


def _report_in(form: Any, code: str) -> domain.ReportIn:
    location: dict[str, Any] = {}
    if form.get("lat") or form.get("long"):
        location |= {"lat": _coordinate(form, "lat"), "long": _coordinate(form, "long")}
    if form.get("address_string"):
        location["text"] = form.get("address_string")
    if form.get("address_id"):
        location["building"] = form.get("address_id")
    if not location:
        raise o311.Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p)
    contact = "; ".join(p for p in (name, form.get("email"), form.get("phone")) if p)
    try:
        return domain.ReportIn.model_validate(
            {
                "kind": form.get("attribute[kind]") or "repair",
                "urgency": form.get("attribute[urgency]") or "normal",
                "category": code,
                "channel": "external",
                "location": location,
                "description": form.get("description") or f"({code})",
                "contact": contact or None,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise o311.Open311Error(400, problems) from exc


def _text_field(form: Any, name: str) -> str:
    value = form.get(name)
    if value is not None and not isinstance(value, str):
        raise o311.Open311Error(400, f"{name} must be a text field")
    return value or ""


@router.post("/v2/requests.{fmt}", summary="POST Service Request")
@spec_errors
async def post_request(fmt: str, request: Request) -> Response:
    """Form fields as the spec says, urlencoded or multipart; `media_url` is kept as a link (this
    service never fetches it); with multipart, a `media` file (JPEG, PNG or WebP within the photo
    size limit) becomes the request's photo."""
    limit_address(request)
    settings = settings_of(request)
    form = await request.form()
    system = o311.parse_api_keys(settings.open311_api_keys).get(_text_field(form, "api_key"))
    if system is None:
        raise o311.Open311Error(403, "invalid api_key")
    code = _text_field(form, "service_code")
    if not code:
        raise o311.Open311Error(400, "service_code is required")
    report = _report_in(form, code)
    media_url = o311.media_url(_text_field(form, "media_url"))
    media = form.get("media")
    if media is not None and not isinstance(media, UploadFile):
        raise o311.Open311Error(400, "media must be a file (multipart/form-data)")
    filed_by = f"open311:{system}"
    photo = None
    if media is not None:
        data, kind = await checked(media, settings)
        photo = intake.NewPhoto(photo_row(data, kind, filed_by), data, store_of(request))
    async with get_pool(request).acquire() as conn:
        try:
            row = await intake.file(
                conn,
                report,
                desk_of(request, filed_by),
                reporter=None,
                new_photo=photo,
                media_url=media_url,
            )
        except intake.Refused as exc:  # an inactive category: the only refusal here
            raise o311.Open311Error(404, f"service_code {code} was not found") from exc
    assert row is not None  # no idempotency key, no external id: never a replay
    created = {
        "service_request_id": row["tracking_no"],
        "token": str(row["id"]),
        "service_notice": None,
        "account_id": None,
    }
    return render(fmt, "service_requests", [created], 201)


def _request(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    photo = row["first_photo_id"]
    return o311.request(
        row, str(request.url_for("open311_media", photo_id=photo)) if photo else None
    )


def _parse_time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise o311.Open311Error(400, f"{name} must be a w3 date-time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


REQUESTS_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "service_request_id",
            "in": "query",
            "required": False,
            "description": "Comma-separated tracking numbers (overrides every other filter), at"
            f" most {public.MAX_REQUEST_IDS}; more is refused with a 400 whose error names the"
            " problem type open311-too-many-ids.",
            "schema": {"type": "string", "maxLength": public.MAX_REQUEST_IDS * 33},
            "x-maxItems": public.MAX_REQUEST_IDS,
        }
    ],
    "responses": {
        "400": {"description": "A filter is invalid, or too many service_request_id values"},
        "429": {"description": "Too many listings from this address (rate-limited)"},
    },
}


@router.get(
    "/v2/requests.{fmt}",
    summary="GET Service Requests (public reports only)",
    openapi_extra=REQUESTS_DOC,
)
@spec_errors
async def get_requests(fmt: str, request: Request) -> Response:
    """Only reports of services the catalogue marks public, never anonymous reports, complaints
    or praise; without personal text (feedback.domain_public). Rate-limited per address."""
    limit_public(request)
    q = request.query_params
    ids = o311.split_list(q.get("service_request_id"))
    if len(ids) > public.MAX_REQUEST_IDS:
        raise problem(
            "open311-too-many-ids",
            f"at most {public.MAX_REQUEST_IDS} service_request_id values, not {len(ids)}",
        )
    async with get_pool(request).acquire() as conn:
        if ids:  # overrides every other parameter, as the spec says
            rows = await open311.by_tracking_numbers(conn, ids)
        else:
            statuses = set(o311.split_list(q.get("status"))) or {"open", "closed"}
            if not statuses <= {"open", "closed"}:
                raise o311.Open311Error(400, "status must be open and/or closed")
            end = _parse_time(q.get("end_date"), "end_date") or datetime.now(UTC)
            start = _parse_time(q.get("start_date"), "start_date") or end - timedelta(
                days=DEFAULT_DAYS
            )
            if end < start:
                raise o311.Open311Error(400, "end_date is before start_date")
            rows = await open311.search(
                conn,
                o311.split_list(q.get("service_code")),
                start,
                end,
                "open" in statuses,
                "closed" in statuses,
                MAX_RESULTS,
            )
    return render(fmt, "service_requests", [_request(request, r) for r in rows])


@router.get("/v2/requests/{request_id}.{fmt}", summary="GET Service Request")
@spec_errors
async def get_request(request_id: str, fmt: str, request: Request) -> Response:
    """One public report (any other is "not found")."""
    limit_public(request)
    async with get_pool(request).acquire() as conn:
        rows = await open311.by_tracking_numbers(conn, [request_id])
    if not rows:
        raise o311.Open311Error(404, f"service_request_id {request_id} was not found")
    return render(fmt, "service_requests", [_request(request, rows[0])])


@router.get("/v2/tokens/{token}.{fmt}", summary="GET service_request_id from a token")
@spec_errors
async def get_token(token: str, fmt: str, request: Request) -> Response:
    try:
        report_id = uuid.UUID(token)
    except ValueError as exc:
        raise o311.Open311Error(404, f"token {token} was not found") from exc
    async with get_pool(request).acquire() as conn:
        tracking_no = await open311.tracking_no_of(conn, report_id)
    if tracking_no is None:
        raise o311.Open311Error(404, f"token {token} was not found")
    return render(fmt, "service_requests", [{"service_request_id": tracking_no, "token": token}])


@router.get(
    "/v2/media/{photo_id}",
    name="open311_media",
    summary="A service request's photo (the media_url of GET requests)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
@spec_errors
async def media(photo_id: str, request: Request) -> Response:
    """Public, like GET requests: only photos of a public report (never an unattached upload,
    never one of an anonymous report, a complaint or a service that is not public), decoded and
    encoded again with nothing but their pixels (no EXIF position, camera, comments, profile or
    trailing bytes); one that cannot be decoded is not served."""
    limit_public(request)
    try:
        key = uuid.UUID(photo_id)
    except ValueError as exc:
        raise o311.Open311Error(404, f"media {photo_id} was not found") from exc
    async with get_pool(request).acquire() as conn:
        row = await open311.public_photo(conn, key)
    data = await store_of(request).get(row["storage_key"]) if row else None
    if row is None or data is None:
        raise o311.Open311Error(404, f"media {photo_id} was not found")
    clean = await asyncio.to_thread(images.reencoded, data, row["content_type"])
    if clean is None:  # what cannot be decoded and encoded again is not published
        raise o311.Open311Error(404, f"media {photo_id} is not available")
    return Response(
        clean,
        media_type=row["content_type"],
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
