"""超时督办 /supervise/overdue: late and nearly late tickets with their level (即将超时, 一级 to
三级督办) by department, team and person, filters, one click to the ticket, and a chase (督办)
with a note. A department head sees their own department (tickets' API decides; another
department's board is its refusal, in words)."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import supervise as sup
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
LEVELS = ("0", "1", "2", "3")
WATCHERS = ("supervisor", "leader", "dept_head", "admin")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
Filter = Annotated[str, Form(max_length=64)]


async def _board_page(
    ctx: Ctx, token: str, filters: dict[str, str], status: int = 200, **extra: object
) -> Response:
    params = {"department_id": filters["department"], "team_id": filters["team"],
              "assignee_id": filters["person"], "level": filters["level"]}  # fmt: skip
    try:
        board, units, people, catalogue, places = await asyncio.gather(
            sup.board(ctx.api, token, **params), ctx.api.unit_names(token),
            sup.staff_names(ctx.api, token), ctx.api.catalogue(), ctx.api.places(token),
        )  # fmt: skip
    except ApiProblem as problem:
        if problem.status != 403:
            raise
        return ctx.render(
            "sup_overdue.html", status=403, refused=errors.message(problem, ctx.lang),
            board=None, filters=filters, departments={}, teams={}, people={}, services={},
            buildings={},
        )  # fmt: skip
    return ctx.render(
        "sup_overdue.html", status=status, board=board, filters=filters,
        departments=units.departments_in(ctx.lang),
        teams={t.id: (t.name_en if ctx.lang == "en" and t.name_en else t.name) for t in units.teams},
        people=people, services={s.code: s.title(ctx.lang) for s in catalogue},
        buildings={b.code: b.label(ctx.lang) for c in places or [] for b in c.buildings},
        may_chase=bool(ctx.session.user and ctx.session.user.has("supervisor", "leader", "dept_head")),
        refused="", **extra,
    )  # fmt: skip


def _code(value: str) -> str:
    return value if CODE.match(value) and len(value) <= 64 else ""


def _filters(department: str, team: str, person: str, level: str) -> dict[str, str]:
    code = _code
    return {"department": code(department), "team": code(team), "person": code(person),
            "level": level if level in LEVELS else ""}  # fmt: skip


@router.get("/supervise/overdue")
async def overdue(
    ctx: Page, department: str = "", team: str = "", person: str = "", level: str = "",
    chased: str = "",
) -> Response:  # fmt: skip
    token = await manager_token(ctx, *WATCHERS)
    return await _board_page(ctx, token, _filters(department, team, person, level), chased=chased)


@router.post("/supervise/overdue/{ticket_id}/chase")
async def chase(
    ctx: Page,
    ticket_id: uuid.UUID,
    note: Annotated[str, Form(max_length=2000)] = "",
    department: Filter = "",
    team: Filter = "",
    person: Filter = "",
    level: Filter = "",
) -> Response:
    token = await manager_token(ctx, "supervisor", "leader", "dept_head")
    filters = _filters(department, team, person, level)
    text = note.strip()
    if not text:
        problems = {"note": ctx._("Write what you ask for, and by when.")}
        return await _board_page(
            ctx, token, filters, status=422, chase_id=str(ticket_id), chase_note=note,
            chase_errors=problems,
        )  # fmt: skip
    try:
        await sup.chase(ctx.api, token, ticket_id, text)
    except ApiProblem as problem:
        problems = errors.field_messages(problem, ctx.lang) or {
            "note": errors.message(problem, ctx.lang)
        }
        return await _board_page(
            ctx, token, filters, status=problem.status, chase_id=str(ticket_id), chase_note=note,
            chase_errors=problems,
        )  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return RedirectResponse(
        f"/supervise/overdue?chased={ticket_id}" + (f"&{query}" if query else ""), status_code=303
    )
