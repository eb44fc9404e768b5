"""我要报修 / 投诉建议: choose the category, then the place, the description and photos; possible
duplicates with 我也遇到 before submitting; 提交成功 with the tracking number and access code."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from console import errors
from console.api import ApiDown, ApiProblem, BuildingPlaces, Campus, CatalogService, Duplicate
from console.report_form import MAX_PHOTOS, ReportForm
from console.web import Page

router = APIRouter()
PHOTO_MAX_BYTES = 10 * 1024 * 1024


async def _building(ctx: Page, token: str, form: ReportForm) -> BuildingPlaces | None:
    """The chosen building's floors and rooms (None: none chosen, unknown, or tickets down);
    a room given without its floor (a QR code's link) gets the floor it is listed under."""
    if not form.building or "building" in form.problems():
        return None
    try:
        found = await ctx.api.building(token, form.building)
    except ApiDown:
        return None
    if found is not None and form.room and not form.floor:
        form.floor = next(
            (f.code for f in found.floors if f.code and any(r.code == form.room for r in f.rooms)),
            "",
        )
    return found


async def _duplicates(ctx: Page, token: str, form: ReportForm) -> list[Duplicate]:
    if not (form.category and form.building and form.room):
        return []
    try:
        return await ctx.api.duplicates(token, form.category, form.building, form.room)
    except ApiProblem:
        return []


def _form_page(
    ctx: Page,
    form: ReportForm,
    catalogue: list[CatalogService],
    places: list[Campus] | None,
    building: BuildingPlaces | None,
    duplicates: list[Duplicate],
    problems: dict[str, str] | None = None,
    status: int = 200,
    message: str = "",
) -> Response:
    service = next((s for s in catalogue if s.code == form.category), None)
    if service is None:
        return ctx.render("report_category.html", form=form, services=catalogue, status=status)
    return ctx.render(
        "report_form.html",
        status=status,
        form=form,
        service=service,
        places=places,
        building_places=building,
        duplicates=duplicates,
        errors=problems or {},
        message=message,
        max_photos=MAX_PHOTOS,
    )


@router.get("/report")
async def report_page(ctx: Page) -> Response:
    """The form; `?building=…&floor=…&room=…` (a QR code on a door) pre-fills the place."""
    token = await ctx.token()
    form = ReportForm.from_values(dict(ctx.request.query_params))
    catalogue, places, building, duplicates = await asyncio.gather(
        ctx.api.catalogue(), ctx.api.places(token), _building(ctx, token, form),
        _duplicates(ctx, token, form),
    )  # fmt: skip
    return _form_page(ctx, form, catalogue, places, building, duplicates)


@router.get("/report/place-picker")
async def place_picker(ctx: Page) -> Response:
    """htmx: the floor and room lists of the chosen building (and floor)."""
    token = await ctx.token()
    form = ReportForm.from_values(dict(ctx.request.query_params))
    building = await _building(ctx, token, form)
    return ctx.render("_place_picker.html", form=form, building_places=building, errors={})


@router.get("/report/duplicates")
async def duplicates_fragment(ctx: Page) -> Response:
    """htmx: open reports of this category in this room, refreshed as the place changes."""
    token = await ctx.token()
    form = ReportForm.from_values(dict(ctx.request.query_params))
    return ctx.render("_duplicates.html", duplicates=await _duplicates(ctx, token, form))


@router.post("/report/{report_id}/me-too")
async def me_too(ctx: Page, report_id: uuid.UUID) -> Response:
    token = await ctx.token()
    try:
        await ctx.api.me_too(token, report_id)
    except ApiProblem as problem:
        return ctx.render("_me_too.html", ok=False, message=errors.message(problem, ctx.lang))
    if ctx.is_htmx():
        return ctx.render("_me_too.html", ok=True, message="")
    return RedirectResponse(f"/mine/{report_id}", status_code=303)


async def _upload(ctx: Page, token: str, files: list[UploadFile]) -> list[str]:
    ids: list[str] = []
    for upload in files[:MAX_PHOTOS]:
        data = await upload.read(PHOTO_MAX_BYTES + 1)
        if not data:
            continue
        if len(data) > PHOTO_MAX_BYTES:
            raise ApiProblem(413, {"type": "https://houqin.dev/problems/photo-too-large"})
        photo = await ctx.api.upload_photo(
            token, upload.filename or "photo.jpg", data, upload.content_type or "image/jpeg"
        )
        ids.append(str(photo.id))
    return ids


@router.post("/report")
async def file_report(ctx: Page) -> Response:
    """Photos first, then the report under the form's idempotency key: a double click files one
    report; any refusal renders the form again, filled in, with the message by its field."""
    token = await ctx.token()
    raw = await ctx.request.form()
    values: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    values["photo_ids"] = [v for v in raw.getlist("photo_ids") if isinstance(v, str)]
    files = [f for f in raw.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    form = ReportForm.from_values(values)
    session = ctx.session
    problems = {k: errors.field_word(v, ctx.lang) for k, v in form.problems().items()}
    report = None
    message = ""
    if values.get("action") == "places":  # without scripts: show the building's floors, rooms
        catalogue, places, building = await asyncio.gather(
            ctx.api.catalogue(), ctx.api.places(token), _building(ctx, token, form)
        )
        return _form_page(ctx, form, catalogue, places, building, [])
    async with session.busy:  # a second click waits, then reuses the photos and the key
        if not problems:
            try:
                if form.key not in session.uploads:
                    uploaded = form.photo_ids + await _upload(ctx, token, files)
                    session.remember_upload(form.key, uploaded)
                form.photo_ids = session.uploads[form.key][:MAX_PHOTOS]
                report = await ctx.api.file_report(
                    token, form.body(form.photo_ids), form.key, ctx.client
                )
            except ApiProblem as problem:
                session.uploads.pop(form.key, None)
                problems = errors.field_messages(problem, ctx.lang)
                message = errors.message(problem, ctx.lang)
            except ApiDown:  # keep what was typed: the same form (and key) can be sent again
                message = ctx._(
                    "The service is not answering right now. Nothing was lost: send again in a moment."
                )
    if report is None:
        catalogue, places, building = await asyncio.gather(
            ctx.api.catalogue(), _places(ctx, token), _building(ctx, token, form)
        )
        return _form_page(
            ctx, form, catalogue, places, building, [], problems, status=422, message=message
        )
    session.remember_filed(str(report.id), report.access_code)
    return RedirectResponse(f"/report/done/{report.id}", status_code=303)


async def _places(ctx: Page, token: str) -> list[Campus] | None:
    try:
        return await ctx.api.places(token)
    except ApiDown:
        return None


@router.get("/report/done/{report_id}")
async def done(ctx: Page, report_id: uuid.UUID) -> Response:
    """提交成功: the tracking number (编号), the access code, what happens next and by when."""
    token = await ctx.token()
    report, catalogue = await asyncio.gather(ctx.api.report(token, report_id), ctx.api.catalogue())
    service = next((s for s in catalogue if s.code == report.category), None)
    limits = service.limit_for(report.urgency) if service else None
    deadlines = []
    if limits is not None and service is not None:
        for stage in ("accept", "arrive", "finish"):
            minutes = getattr(limits, f"{stage}_minutes")
            if minutes:
                by = report.filed_at + timedelta(minutes=minutes)
                deadlines.append(
                    (stage, minutes, by if service.calendar == "round_the_clock" else None)
                )
    return ctx.render(
        "report_done.html",
        report=report,
        service=service,
        deadlines=deadlines,
        access_code=ctx.session.filed.get(str(report_id)),
    )
