"""工单详情 (the ticket page) on a phone: big buttons for the moves the API allows the caller now
(accept, arrive, resolve with a note and completion photos, pause with a reason, transfer,
cannot handle with an explanation; for team leads reassign, approve pauses, close as cannot be
done), the reporter's description, photos and contact (unless anonymous), the timeline and each
stage's clock.

A move the ticket no longer allows (someone else acted first) shows what happened, from the
ticket's own trail, on the page as it is now; what was typed stays in its field. A photo that is
too large or not an image is refused before anything is sent, with the limit in words."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from console import errors
from console.api import ApiProblem
from console.clients.work import AuditEntry, WorkApi
from console.pages.work import POLL_S, category_names, is_lead, my_cards_html
from console.pages.work_words import ACTION, MOVE, MOVE_DONE, PAUSE_REASON, clocks, place, word
from console.web import Ctx, Page

router = APIRouter()
PHOTO_MAX_BYTES = 5_000_000  # feedback's photo_max_bytes
FORM_MAX_BYTES = 6_000_000  # the console's request body limit (HTTP_MAX_BODY_BYTES) less room
MAX_PHOTOS = 6
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
# Refusals that mean the ticket moved on under the caller (someone else acted first).
STALE = {
    "ticket-transition-invalid", "ticket-act-forbidden", "ticket-not-reassignable",
    "ticket-not-transferable", "transfer-pending-exists", "transfer-not-pending",
    "pause-request-not-pending", "pause-request-pending-exists", "ticket-read-forbidden",
}  # fmt: skip
MOVES = {"accept", "on-site", "investigate", "resolve", "pause", "resume", "cannot-handle",
         "cannot-do"}  # fmt: skip


def slug(problem: ApiProblem) -> str:
    return problem.type.rsplit("/", 1)[-1]


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def photo_rule(lang: str) -> str:
    if lang == "en":
        return "JPEG, PNG or WebP photos, at most 5 MB each and 6 MB in all, up to 6"
    return "JPEG、PNG 或 WebP 格式照片，每张不超过 5 MB，合计不超过 6 MB，最多 6 张"


def what_happened(ctx: Ctx, trail: list[AuditEntry], names: dict[str, str]) -> str:
    """The last step on the ticket, as a sentence: 赵师傅 今天 14:30 接单."""
    if not trail:
        return ""
    last = trail[-1]
    who = names.get(last.actor_id or "", "") or (
        ("someone" if ctx.lang == "en" else "他人") if last.actor_id else
        ("the system" if ctx.lang == "en" else "系统")
    )  # fmt: skip
    return f"{who} {ctx.when(last.at)} {word(ACTION, last.action, ctx.lang)}"


async def _page(
    ctx: Ctx, ticket_id: uuid.UUID, *, form: dict[str, str] | None = None,
    errs: dict[str, str] | None = None, alert: str = "", status: int = 200, opened: str = "",
) -> Response:  # fmt: skip
    token = await ctx.token()
    work = WorkApi(ctx.api)
    of_ticket = asyncio.gather(
        work.ticket(token, ticket_id), work.allowed(token, ticket_id),
        work.audit(token, ticket_id), work.transfers(token, ticket_id),
    )  # fmt: skip
    around = asyncio.gather(
        ctx.api.catalogue(), ctx.api.places(token), ctx.api.unit_names(token), work.roster(token)
    )
    (t, allowed, trail, transfers), (catalogue, campuses, units, roster) = await asyncio.gather(
        of_ticket, around
    )
    report = await work.work_view(token, t.report_id)
    names = roster.names() if roster else {}
    user = ctx.session.user
    if user is not None:
        names.setdefault(user.subject, user.name)
    teams = {u.id: (u.name_en if ctx.lang == "en" and u.name_en else u.name) for u in units.teams}
    return ctx.render(
        "work_ticket.html", status=status, t=t, moves=allowed.moves,
        pause_request=allowed.pause_request, trail=trail, transfers=transfers,
        category=category_names(catalogue, ctx.lang).get(t.category, t.category),
        place=place(t.location, campuses, ctx.lang), report=report, names=names, teams=teams,
        departments=units.departments_in(ctx.lang), roster=roster, lead=is_lead(ctx),
        clocks=clocks(t, datetime.now(UTC), ctx.lang), form=form or {}, errors=errs or {},
        alert=alert, done=ctx.request.query_params.get("done", ""), MOVE=MOVE,
        MOVE_DONE=MOVE_DONE, ACTION=ACTION, PAUSE_REASON=PAUSE_REASON, word=word,
        photo_rule=photo_rule(ctx.lang), opened=opened,
        happened=what_happened(ctx, trail, names) if alert else "",
    )  # fmt: skip


@router.get("/work/tickets/{ticket_id}")
async def ticket_page(ctx: Page, ticket_id: uuid.UUID) -> Response:
    return await _page(ctx, ticket_id)


async def _photos(ctx: Ctx, request: Request) -> tuple[list[tuple[str, bytes, str]], str]:
    """The chosen photos, or a refusal in words (nothing is sent then)."""
    raw = await request.form()
    files = [f for f in raw.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    if len(files) > MAX_PHOTOS:
        return [], photo_rule(ctx.lang)
    out, total = [], 0
    for f in files:
        data = await f.read(PHOTO_MAX_BYTES + 1)
        total += len(data)
        if len(data) > PHOTO_MAX_BYTES or total > FORM_MAX_BYTES or not is_image(data):
            return [], photo_rule(ctx.lang)
        out.append((f.filename or "photo.jpg", data, f.content_type or "image/jpeg"))
    return out, ""


async def _refused(ctx: Ctx, ticket_id: uuid.UUID, problem: ApiProblem, move: str,
                   form: dict[str, str]) -> Response:  # fmt: skip
    """A refusal: stale (someone acted first) shows what happened on the page as it is now;
    anything else goes beside the form, what was typed kept."""
    if slug(problem) in STALE:
        return await _stale(ctx, ticket_id, problem, move, form)
    fields = errors.field_messages(problem, ctx.lang)
    field = "note" if not fields else next(iter(fields))
    errs = {field: fields.get(field) or errors.message(problem, ctx.lang)}
    return await _page(ctx, ticket_id, form=form, errs=errs, status=problem.status, opened=move)


async def _stale(ctx: Ctx, ticket_id: uuid.UUID, problem: ApiProblem, move: str,
                 form: dict[str, str]) -> Response:  # fmt: skip
    """The page as it is now, saying what happened; a ticket no longer theirs to read (handed
    to someone else) says so above their queue, with what they typed."""
    alert = errors.message(problem, ctx.lang)
    try:
        return await _page(ctx, ticket_id, form=form, alert=alert, status=409, opened=move)
    except ApiProblem as gone:
        if gone.status not in (403, 404):
            raise
    token = await ctx.token()
    return ctx.render(
        "work_gone.html", status=409, alert=alert, form=form,
        cards_html=await my_cards_html(ctx, token), lead=is_lead(ctx), tab="mine",
        poll="/work/cards", poll_s=POLL_S,
    )  # fmt: skip


def _done(ticket_id: uuid.UUID, what: str) -> Response:
    return RedirectResponse(f"/work/tickets/{ticket_id}?done={what}", status_code=303)


@router.post("/work/tickets/{ticket_id}/move/{move}")
async def make_move(
    ctx: Page,
    request: Request,
    ticket_id: uuid.UUID,
    move: str,
    note: Annotated[str, Form(max_length=4000)] = "",
    pause_reason: Annotated[str, Form(max_length=40)] = "",
    pause_days: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    if move not in MOVES:
        return ctx.render("not_found.html", status=404)
    token = await ctx.token()
    form = {"move": move, "note": note.strip(), "pause_reason": pause_reason,
            "pause_days": pause_days}  # fmt: skip
    errs = _missing(ctx.lang, move, form)
    if errs:
        return await _page(ctx, ticket_id, form=form, errs=errs, status=422, opened=move)
    photos: list[tuple[str, bytes, str]] = []
    if move == "resolve":
        photos, refusal = await _photos(ctx, request)
        if refusal:
            errs = {"photos": refusal}
            return await _page(ctx, ticket_id, form=form, errs=errs, status=413, opened=move)
    return await _send(ctx, token, ticket_id, form, photos)


def _pause_days(form: dict[str, str]) -> int | None:
    return int(form["pause_days"]) if form["pause_days"].isdigit() else None


def _missing(lang: str, move: str, form: dict[str, str]) -> dict[str, str]:
    """What the form of `move` lacks, field by field (empty: it may be sent)."""
    if move in ("resolve", "cannot-handle", "cannot-do", "investigate") and not form["note"]:
        return {"note": "请填写说明" if lang != "en" else "Write a note"}
    if move == "pause":
        if form["pause_reason"] not in PAUSE_REASON:
            return {"pause_reason": word(MOVE, "pause", lang) + (
                ": choose a reason" if lang == "en" else "：请选择原因")}  # fmt: skip
        days = _pause_days(form)
        if days is not None and not 1 <= days <= 30:
            return {"pause_days": "1–30"}
    return {}


async def _send(
    ctx: Ctx,
    token: str,
    ticket_id: uuid.UUID,
    form: dict[str, str],
    photos: list[tuple[str, bytes, str]],
) -> Response:
    """Send the move (after the completion photos), or show why tickets refused it."""
    move, work = form["move"], WorkApi(ctx.api)
    body: dict[str, Any] = {"note": form["note"] or None}
    if move == "pause":
        body |= {"pause_reason": form["pause_reason"], "pause_days": _pause_days(form)}
    try:
        if photos:
            t = await work.ticket(token, ticket_id)
            for name, data, ctype in photos:
                await work.completion_photo(token, t.report_id, name, data, ctype)
        await work.move(token, ticket_id, move, body)
    except ApiProblem as problem:
        if move == "pause" and slug(problem) == "pause-too-long":
            return await _ask_pause(ctx, work, token, ticket_id, body, form)
        if slug(problem).startswith("photo-"):
            errs = {"photos": photo_rule(ctx.lang)}
            return await _page(ctx, ticket_id, form=form, errs=errs, status=problem.status,
                               opened=move)  # fmt: skip
        return await _refused(ctx, ticket_id, problem, move, form)
    return _done(ticket_id, move)


async def _ask_pause(ctx: Ctx, work: WorkApi, token: str, ticket_id: uuid.UUID,
                     body: dict[str, Any], form: dict[str, str]) -> Response:  # fmt: skip
    """A pause longer than a worker may make alone goes to the team lead for approval."""
    ask = {k: body[k] for k in ("pause_reason", "note")}
    ask["pause_days"] = body.get("pause_days") or 30
    try:
        await work.ask_pause(token, ticket_id, ask)
    except ApiProblem as problem:
        return await _refused(ctx, ticket_id, problem, "pause", form)
    return _done(ticket_id, "pause-request")


@router.post("/work/tickets/{ticket_id}/transfer")
async def transfer(
    ctx: Page,
    ticket_id: uuid.UUID,
    to: Annotated[str, Form(max_length=70)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    token = await ctx.token()
    form = {"to": to, "reason": reason.strip()}
    kind, _, unit = to.partition(":")
    errs: dict[str, str] = {}
    if kind not in ("team", "department") or not unit:
        errs["to"] = "choose where it goes" if ctx.lang == "en" else "请选择转给哪个班组或部门"
    if not form["reason"]:
        errs["reason"] = "say why" if ctx.lang == "en" else "请说明转单原因"
    if errs:
        return await _page(ctx, ticket_id, form=form, errs=errs, status=422, opened="transfer")
    body = {f"to_{kind}_id": unit, "reason": form["reason"]}
    try:
        await WorkApi(ctx.api).transfer(token, ticket_id, body)
    except ApiProblem as problem:
        return await _refused(ctx, ticket_id, problem, "transfer", form)
    return _done(ticket_id, "transfer")


@router.post("/work/tickets/{ticket_id}/reassign")
async def reassign(
    ctx: Page, ticket_id: uuid.UUID, assignee: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    token = await ctx.token()
    form = {"assignee": assignee}
    if not assignee:
        errs = {"assignee": "choose someone" if ctx.lang == "en" else "请选择改派给谁"}
        return await _page(ctx, ticket_id, form=form, errs=errs, status=422, opened="reassign")
    try:
        await WorkApi(ctx.api).assign(token, ticket_id, assignee)
    except ApiProblem as problem:
        return await _refused(ctx, ticket_id, problem, "reassign", form)
    return _done(ticket_id, "reassign")


@router.post("/work/pause-requests/{request_id}/{decision}")
async def decide_pause(
    ctx: Page, request_id: uuid.UUID, decision: str,
    ticket_id: Annotated[uuid.UUID | None, Form()] = None,
) -> Response:  # fmt: skip
    token = await ctx.token()
    if decision not in ("approve", "refuse"):
        return ctx.render("not_found.html", status=404)
    try:
        await WorkApi(ctx.api).decide_pause(token, request_id, decision == "approve")
    except ApiProblem as problem:
        if ticket_id is None:
            raise
        return await _refused(ctx, ticket_id, problem, "", {})
    what = f"{decision}-pause"
    if ticket_id is None:
        return RedirectResponse(f"/work/team?done={what}", status_code=303)
    return _done(ticket_id, what)


@router.post("/work/transfers/{transfer_id}/{decision}")
async def decide_transfer(ctx: Page, transfer_id: uuid.UUID, decision: str) -> Response:
    token = await ctx.token()
    if decision not in ("accept", "refuse"):
        return ctx.render("not_found.html", status=404)
    try:
        await WorkApi(ctx.api).decide_transfer(token, transfer_id, decision == "accept")
    except ApiProblem as problem:
        if slug(problem) not in STALE:
            raise
        return RedirectResponse("/work/team?done=stale", status_code=303)
    return RedirectResponse(f"/work/team?done={decision}-transfer", status_code=303)
