"""我为你投一票 for supervisors and leaders: /supervise/ballots lists the ballots (not yet open,
open, closed); /supervise/ballots/new sets one up (title, when voting opens and closes, at
least two departments or teams by name); /supervise/ballots/{id} shows the votes so far and
closes it now. Teachers and students vote through feedback's API (one vote each)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import surveys as api
from console.pages.manage import manager_token
from console.pages.supervise_surveys import _campaigns, chosen_units, unit_choices, unit_names
from console.web import Ctx, Page

router = APIRouter()
ORGANISERS = ("supervisor", "leader")


def local_moment(value: str, tz: str) -> datetime | None:
    """A datetime-local value (2026-12-05T09:00) as that moment in the console's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def ballot_body(
    form: dict[str, Any], choices: list[dict[str, str]], tz: str, _: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, or what is missing beside each field (nothing sent)."""
    problems: dict[str, str] = {}
    title = str(form.get("title", "")).strip()
    if not title:
        problems["title"] = _("Give the ballot a title.")
    opens = local_moment(str(form.get("opens_at", "")), tz)
    closes = local_moment(str(form.get("closes_at", "")), tz)
    if opens is None:
        problems["opens_at"] = _("Choose when voting opens.")
    if closes is None:
        problems["closes_at"] = _("Choose when voting closes.")
    elif opens is not None and closes <= opens:
        problems["closes_at"] = _("Voting must close after it opens.")
    options = chosen_units(list(form.get("units", [])), choices)
    if len(options) < 2:
        problems["units"] = _("Tick at least two departments or teams to vote for.")
    body: dict[str, Any] = {
        "title": title,
        "opens_at": opens.isoformat() if opens else "",
        "closes_at": closes.isoformat() if closes else "",
        "options": options,
    }
    if form.get("campaign_id"):
        body["campaign_id"] = form["campaign_id"]
    return body, problems


def state_of(ballot: api.Ballot, now: datetime) -> str:
    if now < ballot.opens_at:
        return "later"
    return "open" if now < ballot.closes_at else "closed"


@router.get("/supervise/ballots")
async def list_ballots(ctx: Page) -> Response:
    token = await manager_token(ctx, *ORGANISERS)
    ballots = await api.ballots(ctx.api, token)
    now = datetime.now(UTC)
    return ctx.render("sup_ballots.html", ballots=[(b, state_of(b, now)) for b in ballots])


async def _new_page(ctx: Ctx, token: str, status: int = 200, **extra: Any) -> Response:
    choices, campaigns = await asyncio.gather(unit_choices(ctx, token), _campaigns(ctx, token))
    now = datetime.now(ZoneInfo(ctx.settings.timezone)).replace(second=0, microsecond=0)
    form = {"opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "units": []}  # fmt: skip
    values = {"form": form, "errors": {}, "message": "", **extra}
    return ctx.render("sup_ballot_new.html", status=status, choices=choices,
                      campaigns=campaigns, **values)  # fmt: skip


@router.get("/supervise/ballots/new")
async def new_ballot(ctx: Page) -> Response:
    token = await manager_token(ctx, *ORGANISERS)
    return await _new_page(ctx, token)


@router.post("/supervise/ballots")
async def create_ballot(ctx: Page, request: Request) -> Response:
    token = await manager_token(ctx, *ORGANISERS)
    raw = await request.form(max_fields=500)
    form: dict[str, Any] = {k: str(v)[:400] for k, v in raw.items() if isinstance(v, str)}
    form["units"] = [str(v)[:200] for v in raw.getlist("units")][:400]
    choices = await unit_choices(ctx, token)
    body, problems = ballot_body(form, choices, ctx.settings.timezone, ctx._)
    if problems:
        return await _new_page(ctx, token, 422, form=form, errors=problems)
    try:
        ballot_id = await api.create_ballot(ctx.api, token, body)
    except ApiProblem as problem:
        found = errors.field_messages(problem, ctx.lang)
        return await _new_page(ctx, token, problem.status, form=form, errors=found,
                               message=errors.message(problem, ctx.lang))  # fmt: skip
    return RedirectResponse(f"/supervise/ballots/{ballot_id}?done=created", status_code=303)


async def _ballot_page(
    ctx: Ctx, token: str, ballot_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    ballot, choices = await asyncio.gather(
        api.ballot(ctx.api, token, ballot_id), unit_choices(ctx, token)
    )
    total = sum(o.votes or 0 for o in ballot.options)
    values = {"done": "", "message": "", **extra}
    return ctx.render("sup_ballot.html", status=status, b=ballot, total=total,
                      names=unit_names(choices), state=state_of(ballot, datetime.now(UTC)),
                      **values)  # fmt: skip


@router.get("/supervise/ballots/{ballot_id}")
async def ballot(ctx: Page, ballot_id: uuid.UUID, done: str = "") -> Response:
    token = await manager_token(ctx, *ORGANISERS)
    return await _ballot_page(ctx, token, ballot_id, done=done[:16])


@router.post("/supervise/ballots/{ballot_id}/close")
async def close(ctx: Page, ballot_id: uuid.UUID) -> Response:
    token = await manager_token(ctx, *ORGANISERS)
    try:
        await api.close_ballot(ctx.api, token, ballot_id)
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return await _ballot_page(ctx, token, ballot_id, problem.status,
                                  message=errors.message(problem, ctx.lang))  # fmt: skip
    return RedirectResponse(f"/supervise/ballots/{ballot_id}?done=closed", status_code=303)
