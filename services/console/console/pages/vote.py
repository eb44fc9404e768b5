"""我为你投一票 for teachers and students: /vote lists the ballots open now; /vote/{id} shows
one, its departments and teams by name in the reader's language, and takes the reader's one
vote (feedback's API decides who may vote, when, and that it is once: its refusals are said in
words on the page, the choice kept). The counts show once the ballot has closed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import votes
from console.clients.surveys import Ballot
from console.web import Ctx, Page

router = APIRouter()
VOTERS = ("reporter",)  # teachers and students: feedback takes votes from these only


def state_of(ballot: Ballot, now: datetime) -> str:
    if now < ballot.opens_at:
        return "later"
    return "open" if now < ballot.closes_at else "closed"


async def names(ctx: Ctx, token: str) -> dict[tuple[str, str], str]:
    """Departments' and teams' names in the reader's language (the options carry the Chinese)."""
    try:
        units = await ctx.api.unit_names(token)
    except ApiProblem:
        return {}
    out: dict[tuple[str, str], str] = {
        ("department", k): v for k, v in units.departments_in(ctx.lang).items()
    }
    for t in units.teams:
        out[("team", t.id)] = t.name_en if ctx.lang == "en" and t.name_en else t.name
    return out


def may_vote(ctx: Ctx) -> bool:
    user = ctx.session.user
    return user is not None and user.has(*VOTERS)


@router.get("/vote")
async def ballots(ctx: Page) -> Response:
    token = await ctx.token()
    found = await votes.open_ballots(ctx.api, token)
    return ctx.render("vote_list.html", ballots=found, voter=may_vote(ctx))


async def _page(
    ctx: Ctx, token: str, ballot_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    ballot, named = await asyncio.gather(votes.ballot(ctx.api, token, ballot_id), names(ctx, token))
    values: dict[str, Any] = {"choice": "", "errors": {}, "message": "", "done": "", **extra}
    total = sum(o.votes or 0 for o in ballot.options)
    return ctx.render(
        "vote.html", status=status, b=ballot, names=named, total=total, voter=may_vote(ctx),
        state=state_of(ballot, datetime.now(UTC)), **values,
    )  # fmt: skip


@router.get("/vote/{ballot_id}")
async def ballot_page(ctx: Page, ballot_id: uuid.UUID, done: str = "") -> Response:
    token = await ctx.token()
    return await _page(ctx, token, ballot_id, done="voted" if done == "voted" else "")


@router.post("/vote/{ballot_id}")
async def cast_vote(
    ctx: Page, ballot_id: uuid.UUID, choice: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    token = await ctx.token()
    unit_type, _sep, unit_id = choice.partition(":")
    if unit_type not in ("department", "team") or not unit_id:
        problems = {"choice": ctx._("Choose the department or team you vote for.")}
        return await _page(ctx, token, ballot_id, 422, errors=problems)
    try:
        await votes.cast(ctx.api, token, ballot_id, unit_type, unit_id)
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return await _page(ctx, token, ballot_id, problem.status, choice=choice,
                           message=errors.message(problem, ctx.lang))  # fmt: skip
    return RedirectResponse(f"/vote/{ballot_id}?done=voted", status_code=303)
