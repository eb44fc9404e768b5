"""A typed client of the four services' APIs, called with the signed-in person's token.

A problem+json answer becomes `ApiProblem` (its `type`, title, detail and per-field errors), which
the pages show in the reader's language next to the field; an API that cannot be reached or
answers 5xx becomes `ApiDown`, which the app turns into a friendly page with a retry button.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import re
import sys
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from console.settings import ConsoleSettings
from console.transport import AiohttpClient, HttpClient

# httpcore asks `import sniffio` on every lock it sets up (about ten per API call); without the
# package each attempt searches the whole sys.path again (~0.7 ms, a third of a page's CPU).
# None in sys.modules makes that import fail at once, which httpcore reads as asyncio.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]
# httpx logs every request at INFO: one log line per API call is the console's own access log
# twice over (the APIs log their requests); warnings and errors still come through.
logging.getLogger("httpx").setLevel(logging.WARNING)

Service = Literal["feedback", "tickets", "scoring", "notify"]
CATALOGUE_TTL_S = 30.0
CACHED_ANSWERS = 2000  # answers kept by (token, URL) for their Cache-Control max-age
MAX_AGE = re.compile(r"max-age=(\d+)")
# API field names whose form field has another name.
FIELD_ALIASES = {"location": "building", "photo_ids": "photos"}


class ApiDown(Exception):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service


class ApiProblem(Exception):
    """An RFC 9457 answer: the API refused the request."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.type = str(body.get("type") or "about:blank")
        self.title = str(body.get("title") or "")
        self.detail = str(body.get("detail") or "")
        self.errors: list[dict[str, Any]] = [
            e for e in body.get("errors", []) or [] if isinstance(e, dict)
        ]
        super().__init__(f"{status} {self.type}: {self.detail or self.title}")

    def fields(self) -> dict[str, dict[str, Any]]:
        """Validation errors by the form field they are about (the last part of `loc`)."""
        out: dict[str, dict[str, Any]] = {}
        for error in self.errors:
            loc = [str(p) for p in error.get("loc", []) if not isinstance(p, int)]
            name = loc[-1] if loc and loc[-1] not in ("body", "query") else "_form"
            out.setdefault(FIELD_ALIASES.get(name, name), error)
        return out


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Location(Model):
    campus: str | None = None
    building: str | None = None
    floor: str | None = None
    room: str | None = None
    text: str | None = None


class Limits(Model):
    urgency: str
    accept_minutes: int | None = None
    arrive_minutes: int | None = None
    finish_minutes: int | None = None


class CatalogService(Model):
    code: str
    name: str
    name_en: str | None = None
    description: str = ""
    standard: str = ""
    fee: str = ""
    description_en: str | None = None
    standard_en: str | None = None
    fee_en: str | None = None
    limits: list[Limits] = Field(default_factory=list)
    calendar: str = "working_hours"
    service_phone: str | None = None
    complaint_phone: str | None = None
    department_id: str | None = None

    def title(self, lang: str) -> str:
        """The name in the page's language (English when the catalogue gives one)."""
        return self.name_en if lang == "en" and self.name_en else self.name

    def text(self, field: Literal["description", "standard", "fee"], lang: str) -> str:
        """The description, standard or fee in the page's language (else the Chinese)."""
        english = getattr(self, field + "_en") if lang == "en" else None
        return str(english or getattr(self, field))

    def limit_for(self, urgency: str = "normal") -> Limits | None:
        return next((lim for lim in self.limits if lim.urgency == urgency), None)


class Duplicate(Model):
    id: uuid.UUID
    tracking_no: str
    summary: str
    filed_at: datetime
    status: str
    supporters: int = 0
    photo_count: int = 0
    first_photo_id: uuid.UUID | None = None


class Report(Model):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    channel: str
    urgency: str
    location: Location
    description: str
    anonymous: bool
    status: str
    filed_at: datetime
    ticket_status: str | None = None
    explanation: str | None = None
    awaiting_confirmation: bool = False
    confirmation: str | None = None
    photo_ids: list[uuid.UUID] = Field(default_factory=list)
    access_code: str | None = None
    possible_duplicates: list[Duplicate] | None = None


class Step(Model):
    kind: str
    status: str | None = None
    note: str | None = None
    by_reporter: bool = False
    of_linked_report: bool = False
    at: datetime


class Tracked(Model):
    """What anyone with the tracking number and access code sees: no names, place or text."""

    tracking_no: str
    kind: str
    category: str
    category_name: str | None = None
    status: str
    stage: str
    filed_at: datetime
    steps: list[Step]


class Rating(Model):
    quality: int
    timeliness: int
    attitude: int
    comment: str | None = None
    rated_at: datetime


class BoardLine(Model):
    key: str | None
    reports: int
    resolved: int
    on_time_share: float | None = None
    ratings: int = 0
    average_rating: float | None = None


class Board(Model):
    start: datetime
    end: datetime
    by_category: list[BoardLine]
    by_department: list[BoardLine]


class Message(Model):
    id: int
    subject: str
    body: str
    tracking_no: str | None = None
    kind: str = ""
    created_at: datetime
    read_at: datetime | None = None
    link: str | None = None  # the console page that acts on it (notify: a path)
    link_label: str | None = None

    @property
    def page(self) -> str | None:
        """The message's page, if it is one of this console's (a path, never another host)."""
        ok = self.link and self.link.startswith("/") and not self.link.startswith(("//", "/\\"))
        return self.link if ok else None


class Named(Model):
    """A place of the area map, named in the reader's language (the Chinese name when it has
    no English one)."""

    name: str
    name_en: str | None = None

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class Building(Named):
    code: str


class Campus(Model):
    code: str | None = None
    name: str | None = None
    name_en: str | None = None
    buildings: list[Building] = Field(default_factory=list)

    def label(self, lang: str) -> str | None:
        return self.name_en if lang == "en" and self.name_en else self.name


class Room(Named):
    code: str
    source: str = "map"  # or "reported": named by reports, not in the area map


class Floor(Named):
    code: str | None = None
    rooms: list[Room] = Field(default_factory=list)


class BuildingPlaces(Named):
    """One building's floors and rooms (tickets' GET /v1/places/{building})."""

    code: str
    campus: str | None = None
    campus_name: str | None = None
    floors: list[Floor] = Field(default_factory=list)

    def floor(self, code: str) -> Floor | None:
        return next((f for f in self.floors if f.code == code), None)

    def has_room(self, floor: str, room: str) -> bool:
        return any(r.code == room for f in self.floors if not floor or f.code == floor
                   for r in f.rooms)  # fmt: skip


class Photo(Model):
    id: uuid.UUID


class UnitName(Model):
    id: str
    name: str
    name_en: str | None = None


class UnitNames(Model):
    """Departments' and teams' names (tickets' GET /v1/units)."""

    departments: list[UnitName] = Field(default_factory=list)
    teams: list[UnitName] = Field(default_factory=list)

    def departments_in(self, lang: str) -> dict[str, str]:
        return {
            d.id: (d.name_en if lang == "en" and d.name_en else d.name) for d in self.departments
        }


_SERVICES = TypeAdapter(list[CatalogService])
_REPORTS = TypeAdapter(list[Report])
_STEPS = TypeAdapter(list[Step])
_MESSAGES = TypeAdapter(list[Message])
_DUPLICATES = TypeAdapter(list[Duplicate])
_CAMPUSES = TypeAdapter(list[Campus])


class Api:
    """One pooled client per API (aiohttp's, see `console.transport`; httpx's when a test
    gives an httpx transport), each with at most `api_max_in_flight` calls at once; every call
    (its wait for a slot included) has the configured timeout.

    The bound keeps each pool small; calls beyond it wait in an asyncio semaphore, which costs
    nothing per waiter."""

    def __init__(
        self, settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.base: dict[str, str] = {
            "feedback": settings.feedback_url.rstrip("/"),
            "tickets": settings.tickets_url.rstrip("/"),
            "scoring": settings.scoring_url.rstrip("/"),
            "notify": settings.notify_url.rstrip("/"),
        }
        self.timeout = settings.api_timeout_s
        bound = settings.api_max_in_flight
        self.http: dict[str, HttpClient] = {
            service: AiohttpClient(settings.api_timeout_s, bound)
            if transport is None
            else httpx.AsyncClient(timeout=settings.api_timeout_s, transport=transport)
            for service in self.base
        }
        self.slots = {service: asyncio.Semaphore(bound) for service in self.base}
        self._catalogue: tuple[float, list[CatalogService]] | None = None
        # (token, service, path) -> (fresh until, ETag, JSON): the place picker's answers
        self._answers: OrderedDict[tuple[str, str, str], tuple[float, str, Any]] = OrderedDict()

    async def close(self) -> None:
        for http in self.http.values():
            await http.aclose()

    async def call(
        self,
        service: Service,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        files: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        retry_safe: bool = False,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = "Bearer " + token
        # A request that may be repeated (a read, or a write with an idempotency key or without
        # effect) is tried once more when the connection fails: a kept-alive connection the
        # server has just closed is no reason for an error page.
        attempts = 2 if retry_safe or method == "GET" or "Idempotency-Key" in sent else 1
        try:
            async with asyncio.timeout(self.timeout):
                await self.slots[service].acquire()
        except TimeoutError as exc:
            raise ApiDown(service, "no free connection") from exc
        try:
            for attempt in range(attempts):
                try:
                    response = await self.http[service].request(
                        method, self.base[service] + path, json=json, params=params,
                        files=files, content=content, headers=sent,
                    )  # fmt: skip
                    break
                except httpx.TransportError as exc:
                    if attempt + 1 == attempts:
                        raise ApiDown(service, type(exc).__name__) from exc
                except httpx.HTTPError as exc:
                    raise ApiDown(service, type(exc).__name__) from exc
        finally:
            self.slots[service].release()
        if response.status_code >= 500:
            raise ApiDown(service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            body = response.json() if _is_problem(response) else {"title": response.text[:200]}
            raise ApiProblem(response.status_code, body)
        return response

    async def _json(self, service: Service, path: str, token: str | None = None, **kw: Any) -> Any:
        return (await self.call(service, "GET", path, token, **kw)).json()

    async def _cached_json(self, service: Service, path: str, token: str) -> Any:
        """A GET answer kept as its Cache-Control max-age allows (per token: the answers are
        `private`), then revalidated with If-None-Match (304: the kept answer again)."""
        key = (token, service, path)
        kept = self._answers.get(key)
        now = time.monotonic()
        if kept is not None and now < kept[0]:
            self._answers.move_to_end(key)
            return kept[2]
        headers = {"If-None-Match": kept[1]} if kept is not None and kept[1] else None
        response = await self.call(service, "GET", path, token, headers=headers)
        fresh = response.status_code == 304 and kept is not None
        body = kept[2] if fresh and kept is not None else response.json()
        cache_control = response.headers.get("cache-control", "")
        max_age = MAX_AGE.search(cache_control)
        if max_age and "no-store" not in cache_control:
            etag = response.headers.get("etag", "")
            self._answers[key] = (now + int(max_age.group(1)), etag, body)
            self._answers.move_to_end(key)
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        return body

    # --- feedback: public ---------------------------------------------------------------------

    async def catalogue(self) -> list[CatalogService]:
        """The public catalogue, kept for CATALOGUE_TTL_S (and used stale while feedback is
        down, so a form can still come back filled in)."""
        cached = self._catalogue
        if cached is not None and time.monotonic() - cached[0] < CATALOGUE_TTL_S:
            return cached[1]
        try:
            services = _SERVICES.validate_python(await self._json("feedback", "/v1/catalog"))
        except ApiDown:
            if cached is None:
                raise
            return cached[1]
        self._catalogue = (time.monotonic(), services)
        return services

    async def board(self, client: str) -> Board:
        """The public board; `client` is the browser's address (see `track`)."""
        response = await self.call(
            "feedback", "GET", "/v1/board", headers={"X-Forwarded-For": client}, retry_safe=True
        )
        return Board.model_validate(response.json())

    async def track(self, tracking_no: str, code: str, client: str) -> Tracked:
        """A report's progress by tracking number and access code (no sign-in); `client` is
        the browser's address, which feedback rate-limits (the console is its trusted proxy)."""
        response = await self.call(
            "feedback", "POST", "/v1/track", json={"tracking_no": tracking_no, "code": code},
            headers={"X-Forwarded-For": client}, retry_safe=True,
        )  # fmt: skip
        return Tracked.model_validate(response.json())

    # --- feedback: the reporter ---------------------------------------------------------------

    async def file_report(
        self, token: str, report: dict[str, Any], key: str, client: str
    ) -> Report:
        response = await self.call(
            "feedback", "POST", "/v1/reports", token, json=report,
            headers={"Idempotency-Key": key, "X-Forwarded-For": client},
        )  # fmt: skip
        return Report.model_validate(response.json())

    async def upload_photo(self, token: str, name: str, data: bytes, content_type: str) -> Photo:
        files = {"file": (name, data, content_type)}
        response = await self.call("feedback", "POST", "/v1/photos", token, files=files)
        return Photo.model_validate(response.json())

    async def photo(self, token: str, photo_id: uuid.UUID) -> tuple[bytes, str]:
        response = await self.call("feedback", "GET", f"/v1/photos/{photo_id}", token)
        return response.content, response.headers.get("content-type", "image/jpeg")

    async def duplicates(
        self, token: str, category: str, building: str, room: str
    ) -> list[Duplicate]:
        params = {"category": category, "building": building, "room": room}
        return _DUPLICATES.validate_python(
            await self._json("feedback", "/v1/duplicates", token, params=params)
        )

    async def places(self, token: str) -> list[Campus] | None:
        """Campuses and their buildings the reporter chooses from (tickets' place picker);
        None when it cannot be had: the form then asks for the building's code."""
        try:
            body = await self._cached_json("tickets", "/v1/places", token)
        except ApiProblem:
            return None
        return _CAMPUSES.validate_python(body.get("campuses", []))

    async def building(self, token: str, code: str) -> BuildingPlaces | None:
        """A building's floors and rooms; None when tickets does not know it (or the list
        cannot be had): the floor and room are then typed in."""
        try:
            body = await self._cached_json("tickets", f"/v1/places/{code}", token)
        except ApiProblem:
            return None
        return BuildingPlaces.model_validate(body)

    async def unit_names(self, token: str) -> UnitNames:
        return UnitNames.model_validate(await self._cached_json("tickets", "/v1/units", token))

    async def me_too(self, token: str, report_id: uuid.UUID) -> None:
        await self.call("feedback", "POST", f"/v1/reports/{report_id}/me-too", token)

    async def my_reports(self, token: str, supported: bool = False) -> list[Report]:
        params = {"limit": 100, "supported": "true" if supported else "false"}
        return _REPORTS.validate_python(
            await self._json("feedback", "/v1/reports", token, params=params)
        )

    async def report(self, token: str, report_id: uuid.UUID) -> Report:
        return Report.model_validate(
            await self._json("feedback", f"/v1/reports/{report_id}", token)
        )

    async def report_by_no(self, token: str, tracking_no: str) -> Report:
        path = f"/v1/reports/by-tracking-no/{tracking_no}"
        return Report.model_validate(await self._json("feedback", path, token))

    async def timeline(self, token: str, report_id: uuid.UUID) -> list[Step]:
        return _STEPS.validate_python(
            await self._json("feedback", f"/v1/reports/{report_id}/timeline", token)
        )

    async def rating(self, token: str, report_id: uuid.UUID) -> Rating | None:
        try:
            body = await self._json("feedback", f"/v1/reports/{report_id}/rating", token)
        except ApiProblem as problem:
            if problem.status == 404:
                return None
            raise
        return Rating.model_validate(body)

    async def confirm(
        self, token: str, report_id: uuid.UUID, fixed: bool, reason: str | None
    ) -> None:
        body = {"fixed": fixed, "reason": reason or None}
        await self.call(
            "feedback", "POST", f"/v1/reports/{report_id}/confirmation", token, json=body
        )

    async def rate(self, token: str, report_id: uuid.UUID, scores: dict[str, Any]) -> None:
        await self.call("feedback", "POST", f"/v1/reports/{report_id}/rating", token, json=scores)

    # --- notify: the inbox --------------------------------------------------------------------

    async def inbox(self, token: str) -> list[Message]:
        return _MESSAGES.validate_python(
            await self._json("notify", "/v1/inbox", token, params={"limit": 100})
        )

    async def unread(self, token: str) -> int:
        return int((await self._json("notify", "/v1/inbox/unread-count", token))["unread"])

    async def mark_read(self, token: str, ids: list[int] | None) -> None:
        await self.call("notify", "POST", "/v1/inbox/read", token, json={"ids": ids})


def _is_problem(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("application/problem+json")
