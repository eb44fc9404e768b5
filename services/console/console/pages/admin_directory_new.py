"""Add to the directory on a page: a department, a team (with its first post: primary and
backup), a person, a post; and take out a post or a person who leaves. Saved through tickets'
PUT /v1/directory (an upsert by code: new codes are made here, never typed, and a person's
account is checked not to be taken), DELETE /v1/directory/posts/{id} and POST .../retire. A
refusal shows beside the field, keeping what was typed."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.pages.admin_directory_edit import Code
from console.pages.admin_directory_more import CONTACTS, ROLES, read_form, save_directory
from console.web import Ctx, Page

router = APIRouter()
CODE = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


def new_code(prefix: str, taken: set[str]) -> str:
    """A code no one types or reads: the kind and six random hex digits."""
    while True:
        code = f"{prefix}-{secrets.token_hex(3)}"
        if code not in taken:
            return code


def _ids(doc: dict[str, Any], kind: str) -> set[str]:
    return {x["id"] for x in doc.get(kind, [])}


def _people(doc: dict[str, Any], team_id: str = "") -> list[dict[str, Any]]:
    """Everyone, the team's people first, by name (retired people, with no roles, last)."""
    return sorted(
        doc.get("staff", []),
        key=lambda s: (not s.get("roles"), s.get("team_id") != team_id, s["name"]),
    )


def _page(
    ctx: Ctx, template: str, doc: dict[str, Any], form: dict[str, str],
    problems: dict[str, str] | None = None, problem: ApiProblem | None = None, **values: Any,
) -> Response:  # fmt: skip
    found = dict(problems or {})
    if problem is not None:
        found.update(errors.field_messages(problem, ctx.lang))
    return ctx.render(
        template, status=422 if found or problem else 200, form=form, errors=found,
        message=errors.message(problem, ctx.lang) if problem else "",
        departments=doc.get("departments", []), teams=doc.get("teams", []),
        people=_people(doc, form.get("team_id", "")), **values,
    )  # fmt: skip


def _post_problems(ctx: Ctx, form: dict[str, str], staff: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("primary_id", "backup_id"):
        if form.get(key) and form[key] not in staff:
            out[key] = ctx._("Choose someone from the list.")
    if form.get("primary_id") and form.get("primary_id") == form.get("backup_id"):
        out["backup_id"] = ctx._("The backup must be someone other than the primary.")
    if form.get("backup_id") and not form.get("primary_id"):
        out["primary_id"] = ctx._("Choose the primary first: the backup stands in for them.")
    return out


@router.get("/admin/directory/new-department")
async def new_department_form(ctx: Page) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    return _page(ctx, "admin_new_department.html", doc, {})


@router.post("/admin/directory/new-department")
async def create_department(ctx: Page) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    form, _ = await read_form(ctx)
    problems: dict[str, str] = {}
    if not form.get("name"):
        problems["name"] = ctx._("Give the name.")
    elif form["name"] in {d["name"] for d in doc.get("departments", [])}:
        problems["name"] = ctx._("There is already a department of this name.")
    if form.get("head_id") and form["head_id"] not in _ids(doc, "staff"):
        problems["head_id"] = ctx._("Choose someone from the list.")
    if problems:
        return _page(ctx, "admin_new_department.html", doc, form, problems)
    code = new_code("dept", _ids(doc, "departments"))
    body = {"id": code, "name": form["name"], "name_en": form.get("name_en") or None,
            "head_id": form.get("head_id") or None}  # fmt: skip
    problem = await save_directory(ctx, token, {"departments": [body]})
    if problem is not None:
        return _page(ctx, "admin_new_department.html", doc, form, problem=problem)
    return RedirectResponse(f"/admin/directory?saved=department#dept-{code}", status_code=303)


@router.get("/admin/directory/new-team")
async def new_team_form(ctx: Page, department: str = "") -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    return _page(ctx, "admin_new_team.html", doc, {"department_id": department[:64]})


@router.post("/admin/directory/new-team")
async def create_team(ctx: Page) -> Response:
    """A team in a department, with its lead and, when named, its first post."""
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    form, _ = await read_form(ctx)
    staff = _ids(doc, "staff")
    problems: dict[str, str] = {}
    if not form.get("name"):
        problems["name"] = ctx._("Give the team a name.")
    elif form["name"] in {t["name"] for t in doc.get("teams", [])}:
        problems["name"] = ctx._("There is already a team of this name.")
    if form.get("department_id") not in _ids(doc, "departments"):
        problems["department_id"] = ctx._("Choose the department the team belongs to.")
    if form.get("lead_id") and form["lead_id"] not in staff:
        problems["lead_id"] = ctx._("Choose someone from the list.")
    problems |= _post_problems(ctx, form, staff)
    if (form.get("primary_id") or form.get("backup_id")) and not form.get("post_name"):
        problems["post_name"] = ctx._("Give the post a name.")
    if problems:
        return _page(ctx, "admin_new_team.html", doc, form, problems)
    code = new_code("team", _ids(doc, "teams"))
    team = {"id": code, "name": form["name"], "name_en": form.get("name_en") or None,
            "department_id": form["department_id"], "lead_id": form.get("lead_id") or None}  # fmt: skip
    sent: dict[str, Any] = {"teams": [team]}
    if form.get("post_name"):
        sent["posts"] = [{"id": new_code("post", _ids(doc, "posts")), "team_id": code,
                          "name": form["post_name"], "primary_id": form.get("primary_id") or None,
                          "backup_id": form.get("backup_id") or None}]  # fmt: skip
    problem = await save_directory(ctx, token, sent)
    if problem is not None:
        return _page(ctx, "admin_new_team.html", doc, form, problem=problem)
    return RedirectResponse("/admin/directory?saved=team", status_code=303)


@router.get("/admin/directory/new-person")
async def new_person_form(ctx: Page, team: str = "") -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    form = {"team_id": team[:64], "on_duty": "on"}
    return _page(ctx, "admin_new_person.html", doc, form, roles=["staff"], all_roles=ROLES,
                 contacts=CONTACTS)  # fmt: skip


@router.post("/admin/directory/new-person")
async def create_person(ctx: Page) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    form, roles = await read_form(ctx)
    form["account"] = form.get("account", "").lower()
    problems: dict[str, str] = {}
    if not re.fullmatch(CODE, form["account"]):
        problems["account"] = ctx._(
            "The campus sign-in account: lower-case letters, digits and - _ . (such as zhangsan)."
        )
    elif form["account"] in _ids(doc, "staff"):
        problems["account"] = ctx._("This account is already in the directory: edit that person.")
    if not form.get("name"):
        problems["name"] = ctx._("Give the name.")
    team = next((t for t in doc.get("teams", []) if t["id"] == form.get("team_id")), None)
    if form.get("team_id") and team is None:
        problems["team_id"] = ctx._("Choose a team from the list.")
    if form.get("department_id") and form["department_id"] not in _ids(doc, "departments"):
        problems["department_id"] = ctx._("Choose a department from the list.")
    values: dict[str, Any] = {"roles": roles, "all_roles": ROLES, "contacts": CONTACTS}
    if problems:
        return _page(ctx, "admin_new_person.html", doc, form, problems, **values)
    body: dict[str, Any] = {
        "id": form["account"], "name": form["name"], "roles": roles,
        "department_id": (team or {}).get("department_id") or form.get("department_id") or None,
        "team_id": team["id"] if team else None, "on_duty": form.get("on_duty") == "on",
        **{k: form.get(k) or None for k in CONTACTS},
    }  # fmt: skip
    problem = await save_directory(ctx, token, {"staff": [body]})
    if problem is not None:
        return _page(ctx, "admin_new_person.html", doc, form, problem=problem, **values)
    return RedirectResponse("/admin/directory?saved=person", status_code=303)


@router.get("/admin/directory/new-post")
async def new_post_form(ctx: Page, team: str = "") -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    return _page(ctx, "admin_new_post.html", doc, {"team_id": team[:64]})


@router.post("/admin/directory/new-post")
async def create_post(ctx: Page) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    form, _ = await read_form(ctx)
    problems = _post_problems(ctx, form, _ids(doc, "staff"))
    if form.get("team_id") not in _ids(doc, "teams"):
        problems["team_id"] = ctx._("Choose the team the post belongs to.")
    if not form.get("name"):
        problems["name"] = ctx._("Give the post a name.")
    if problems:
        return _page(ctx, "admin_new_post.html", doc, form, problems)
    body = {"id": new_code("post", _ids(doc, "posts")), "team_id": form["team_id"],
            "name": form["name"], "primary_id": form.get("primary_id") or None,
            "backup_id": form.get("backup_id") or None}  # fmt: skip
    problem = await save_directory(ctx, token, {"posts": [body]})
    if problem is not None:
        return _page(ctx, "admin_new_post.html", doc, form, problem=problem)
    return RedirectResponse("/admin/directory?saved=post", status_code=303)


@router.post("/admin/directory/posts/{post_id}/remove")
async def remove_post(ctx: Page, post_id: Code) -> Response:
    """Remove a post; refused (in words, on the post's page) while the area map names it."""
    token = await admin_token(ctx)
    try:
        await client.delete_post(ctx.api, token, post_id)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        where = f"/admin/directory/posts/{post_id}?refused=1" if problem.status == 409 else ""
        return RedirectResponse(where or "/admin/directory", status_code=303)
    return RedirectResponse("/admin/directory?saved=removed", status_code=303)


@router.post("/admin/directory/teams/{unit_id}/remove")
async def remove_team(ctx: Page, unit_id: Code) -> Response:
    return await _remove_unit(ctx, "team", unit_id)


@router.post("/admin/directory/departments/{unit_id}/remove")
async def remove_department(ctx: Page, unit_id: Code) -> Response:
    return await _remove_unit(ctx, "department", unit_id)


async def _remove_unit(ctx: Ctx, kind: str, unit_id: str) -> Response:
    """Remove a team or department; refused (in words, on its page) while anything names it."""
    token = await admin_token(ctx)
    try:
        await client.delete_unit(ctx.api, token, kind, unit_id)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        if problem.status == 409:
            return RedirectResponse(f"/admin/directory/{kind}s/{unit_id}?refused=1", 303)
        return ctx.render("not_found.html", status=404)
    return RedirectResponse(f"/admin/directory?saved={kind}-removed", status_code=303)


@router.post("/admin/directory/people/{staff_id}/retire")
async def retire_person(ctx: Page, staff_id: Code) -> Response:
    """A person who leaves: out of their team and posts (backups take the work), off duty."""
    token = await admin_token(ctx)
    try:
        await client.retire_staff(ctx.api, token, staff_id)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return ctx.render("not_found.html", status=404)
    return RedirectResponse("/admin/directory?saved=retired", status_code=303)
