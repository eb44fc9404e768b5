"""重复问题 /supervise/recurring: the same kind of work failing again at one place, by name, and
its acknowledgement with what is being done (tickets decides who may: the team's lead, the
department's head, a supervisor; a department head sees their department's)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import supervise as sup
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
READERS = ("supervisor", "leader", "dept_head", "admin")


async def _page(ctx: Ctx, token: str, show: str, status: int = 200, **extra: Any) -> Response:
    items, people, catalogue = await asyncio.gather(
        sup.recurring(ctx.api, token, open_only=show != "all"), sup.staff_names(ctx.api, token),
        ctx.api.catalogue(),
    )  # fmt: skip
    values = {"form": {}, "errors": {}, "done": "", **extra}
    return ctx.render(
        "sup_recurring.html", status=status, items=items, show=show, people=people,
        services={s.code: s.title(ctx.lang) for s in catalogue}, **values,
    )  # fmt: skip


@router.get("/supervise/recurring")
async def recurring(ctx: Page, show: str = "open", done: str = "") -> Response:
    token = await manager_token(ctx, *READERS)
    return await _page(ctx, token, "all" if show == "all" else "open", done=done)


@router.post("/supervise/recurring/acknowledge")
async def acknowledge(
    ctx: Page,
    problem_id: Annotated[str, Form(max_length=600)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    token = await manager_token(ctx, "supervisor", "dept_head")
    form = {"problem_id": problem_id, "note": note}
    if len(note.strip()) < 2:
        problems = {"note": ctx._("Say what is being done so it stops coming back.")}
        return await _page(ctx, token, "open", 422, form=form, errors=problems)
    try:
        await sup.acknowledge(ctx.api, token, problem_id, note.strip())
    except ApiProblem as problem:
        problems = {"note": errors.message(problem, ctx.lang)}
        return await _page(ctx, token, "open", problem.status, form=form, errors=problems)
    return RedirectResponse("/supervise/recurring?done=1", status_code=303)
