"""Edit the directory on a page: a team (name, English name, department, lead) and a post
(主辅岗: its primary and backup). Saved through tickets' PUT /v1/directory (an upsert by code);
a refusal shows beside the field, keeping what was typed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
CODE = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
Code = Annotated[str, Path(pattern=CODE)]
Name = Annotated[str, Form(max_length=200)]
Ref = Annotated[str, Form(max_length=64)]


def _find(items: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((x for x in items if x["id"] == key), None)


def _staff_choices(doc: dict[str, Any], team_id: str) -> list[dict[str, Any]]:
    """The team's people first, then everyone else, by name."""
    people = sorted(doc.get("staff", []), key=lambda s: (s.get("team_id") != team_id, s["name"]))
    return people


async def _team_page(
    ctx: Ctx, doc: dict[str, Any], team: dict[str, Any], form: dict[str, str],
    problems: dict[str, str] | None = None, message: str = "", status: int = 200,
    refused: bool = False,
) -> Response:  # fmt: skip
    return ctx.render(
        "admin_team.html", status=status, team=team, form=form, errors=problems or {},
        refused=refused,
        message=message, departments=doc.get("departments", []),
        people=_staff_choices(doc, team["id"]),
    )  # fmt: skip


@router.get("/admin/directory/teams/{team_id}")
async def team_form(ctx: Page, team_id: Code, refused: int = 0) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    team = _find(doc.get("teams", []), team_id)
    if team is None:
        return ctx.render("not_found.html", status=404)
    form = {k: team.get(k) or "" for k in ("name", "name_en", "department_id", "lead_id")}
    return await _team_page(ctx, doc, team, form, refused=bool(refused))


@router.post("/admin/directory/teams/{team_id}")
async def save_team(
    ctx: Page, team_id: Code, name: Name = "", name_en: Name = "", department_id: Ref = "",
    lead_id: Ref = "",
) -> Response:  # fmt: skip
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    team = _find(doc.get("teams", []), team_id)
    if team is None:
        return ctx.render("not_found.html", status=404)
    form = {"name": name.strip(), "name_en": name_en.strip(), "department_id": department_id,
            "lead_id": lead_id}  # fmt: skip
    if not form["name"]:
        return await _team_page(
            ctx, doc, team, form, {"name": ctx._("Give the team a name.")}, status=422
        )
    body = {"id": team_id, "name": form["name"], "name_en": form["name_en"] or None,
            "department_id": department_id, "lead_id": lead_id or None}  # fmt: skip
    try:
        await client.put_directory(ctx.api, token, {"teams": [body]})
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _team_page(
            ctx, doc, team, form, errors.field_messages(problem, ctx.lang),
            errors.message(problem, ctx.lang), status=422,
        )  # fmt: skip
    return RedirectResponse("/admin/directory?saved=team", status_code=303)


async def _post_page(
    ctx: Ctx, doc: dict[str, Any], post: dict[str, Any], form: dict[str, str],
    problems: dict[str, str] | None = None, message: str = "", status: int = 200,
    refused: bool = False,
) -> Response:  # fmt: skip
    team = _find(doc.get("teams", []), post["team_id"]) or {"id": post["team_id"], "name": ""}
    return ctx.render(
        "admin_post.html", status=status, post=post, team=team, form=form,
        errors=problems or {}, message=message, people=_staff_choices(doc, post["team_id"]),
        refused=refused,
    )  # fmt: skip


@router.get("/admin/directory/posts/{post_id}")
async def post_form(ctx: Page, post_id: Code, refused: int = 0) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    post = _find(doc.get("posts", []), post_id)
    if post is None:
        return ctx.render("not_found.html", status=404)
    form = {k: post.get(k) or "" for k in ("name", "primary_id", "backup_id")}
    return await _post_page(ctx, doc, post, form, refused=bool(refused))


@router.post("/admin/directory/posts/{post_id}")
async def save_post(
    ctx: Page, post_id: Code, name: Name = "", primary_id: Ref = "", backup_id: Ref = ""
) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    post = _find(doc.get("posts", []), post_id)
    if post is None:
        return ctx.render("not_found.html", status=404)
    form = {"name": name.strip(), "primary_id": primary_id, "backup_id": backup_id}
    problems: dict[str, str] = {}
    if not form["name"]:
        problems["name"] = ctx._("Give the post a name.")
    if primary_id and primary_id == backup_id:
        problems["backup_id"] = ctx._("The backup must be someone other than the primary.")
    if problems:
        return await _post_page(ctx, doc, post, form, problems, status=422)
    body = {"id": post_id, "team_id": post["team_id"], "name": form["name"],
            "primary_id": primary_id or None, "backup_id": backup_id or None}  # fmt: skip
    try:
        await client.put_directory(ctx.api, token, {"posts": [body]})
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _post_page(
            ctx, doc, post, form, errors.field_messages(problem, ctx.lang),
            errors.message(problem, ctx.lang), status=422,
        )  # fmt: skip
    return RedirectResponse("/admin/directory?saved=post", status_code=303)
