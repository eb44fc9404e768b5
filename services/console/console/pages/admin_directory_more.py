"""Edit more of the directory on a page: a person (name, phones and handles, department, team,
roles, on duty), a department (name, English name, head), and add a place to the area map
(a campus, building, floor or room under its parent). Saved through tickets' PUT /v1/directory
(an upsert by code); a refusal shows beside the field, keeping what was typed."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.pages.admin_directory import render_page
from console.web import Ctx, Page

router = APIRouter()
CODE = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
Code = Annotated[str, Path(pattern=CODE)]
ROLES = ("staff", "team_lead", "dept_head", "supervisor", "leader", "admin", "front_desk")
CONTACTS = ("phone", "email", "wecom", "dingtalk", "feishu")
KINDS = {"campus": None, "building": "campus", "floor": "building", "room": "floor"}


def _find(items: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((x for x in items if x["id"] == key), None)


async def read_form(ctx: Ctx) -> tuple[dict[str, str], list[str]]:
    raw = await ctx.request.form()
    form = {k: v.strip()[:320] for k, v in raw.items() if isinstance(v, str) and len(k) <= 40}
    roles = [r for r in raw.getlist("roles") if isinstance(r, str) and r in ROLES]
    return form, roles


async def save_directory(ctx: Ctx, token: str, doc: dict[str, Any]) -> ApiProblem | None:
    try:
        await client.put_directory(ctx.api, token, doc)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return problem
    return None


def _person_page(
    ctx: Ctx, doc: dict[str, Any], person: dict[str, Any], form: dict[str, str],
    roles: list[str], problem: ApiProblem | None = None, problems: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    found = dict(problems or {})
    if problem is not None:
        found.update(errors.field_messages(problem, ctx.lang))
    return ctx.render(
        "admin_person.html", status=422 if found or problem else 200, person=person, form=form,
        roles=roles, all_roles=ROLES, errors=found,
        message=errors.message(problem, ctx.lang) if problem else "",
        departments=doc.get("departments", []), teams=doc.get("teams", []), contacts=CONTACTS,
    )  # fmt: skip


@router.get("/admin/directory/people/{staff_id}")
async def person_form(ctx: Page, staff_id: Code) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    person = _find(doc.get("staff", []), staff_id)
    if person is None:
        return ctx.render("not_found.html", status=404)
    keys = ("name", "department_id", "team_id", *CONTACTS)
    form = {k: str(person.get(k) or "") for k in keys}
    form["on_duty"] = "on" if person.get("on_duty", True) else ""
    return _person_page(ctx, doc, person, form, list(person.get("roles", [])))


@router.post("/admin/directory/people/{staff_id}")
async def save_person(ctx: Page, staff_id: Code) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    person = _find(doc.get("staff", []), staff_id)
    if person is None:
        return ctx.render("not_found.html", status=404)
    form, roles = await read_form(ctx)
    if not form.get("name"):
        given = {"name": ctx._("Give the name.")}
        return _person_page(ctx, doc, person, form, roles, problems=given)
    team = _find(doc.get("teams", []), form.get("team_id", ""))
    body: dict[str, Any] = {
        "id": staff_id, "name": form["name"], "roles": roles,
        "department_id": (team or {}).get("department_id") or form.get("department_id") or None,
        "team_id": team["id"] if team else None, "on_duty": form.get("on_duty") == "on",
        **{k: form.get(k) or None for k in CONTACTS},
    }  # fmt: skip
    problem = await save_directory(ctx, token, {"staff": [body]})
    if problem is not None:
        return _person_page(ctx, doc, person, form, roles, problem)
    return RedirectResponse("/admin/directory?saved=person", status_code=303)


@router.get("/admin/directory/departments/{dept_id}")
async def department_form(ctx: Page, dept_id: Code, refused: int = 0) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    dept = _find(doc.get("departments", []), dept_id)
    if dept is None:
        return ctx.render("not_found.html", status=404)
    form = {k: str(dept.get(k) or "") for k in ("name", "name_en", "head_id")}
    return ctx.render("admin_department.html", dept=dept, form=form, errors={}, message="",
                      people=doc.get("staff", []), refused=bool(refused))  # fmt: skip


@router.post("/admin/directory/departments/{dept_id}")
async def save_department(ctx: Page, dept_id: Code) -> Response:
    token = await admin_token(ctx)
    doc = await client.directory(ctx.api, token)
    dept = _find(doc.get("departments", []), dept_id)
    if dept is None:
        return ctx.render("not_found.html", status=404)
    form, _ = await read_form(ctx)
    problems: dict[str, str] = {}
    problem = None
    if not form.get("name"):
        problems["name"] = ctx._("Give the name.")
    else:
        body = {"id": dept_id, "name": form["name"], "name_en": form.get("name_en") or None,
                "head_id": form.get("head_id") or None}  # fmt: skip
        problem = await save_directory(ctx, token, {"departments": [body]})
        if problem is None:
            return RedirectResponse("/admin/directory?saved=department", status_code=303)
        problems = errors.field_messages(problem, ctx.lang)
    return ctx.render(
        "admin_department.html", status=422, dept=dept, form=form, errors=problems,
        message=errors.message(problem, ctx.lang) if problem else "",
        people=doc.get("staff", []),
    )  # fmt: skip


@router.post("/admin/directory/areas")
async def add_area(ctx: Page) -> Response:
    """Add a place to the area map (or rename one: the same code)."""
    token = await admin_token(ctx)
    form, _ = await read_form(ctx)
    doc = await client.directory(ctx.api, token)
    areas = doc.get("areas", [])
    problems: dict[str, str] = {}
    kind = form.get("kind", "")
    parent = _find(areas, form.get("parent_id", ""))
    if kind not in KINDS:
        problems["kind"] = ctx._("Choose what kind of place it is.")
    elif KINDS[kind] is not None and (parent is None or parent["kind"] != KINDS[kind]):
        problems["parent_id"] = ctx._(
            "A building is inside a campus, a floor inside a building, a room inside a floor."
        )
    if not form.get("name"):
        problems["area_name"] = ctx._("Give the name.")
    if not re.fullmatch(CODE, form.get("id", "")):
        problems["area_id"] = ctx._(
            "A code of lower-case letters, digits and - _ . (such as north-dorm-7-3-312)."
        )
    problem = None
    if not problems:
        body = {"id": form["id"], "name": form["name"], "kind": kind,
                "parent_id": parent["id"] if parent and KINDS[kind] else None}  # fmt: skip
        problem = await save_directory(ctx, token, {"areas": [body]})
        if problem is None:
            return RedirectResponse("/admin/directory?saved=area#areas-h", status_code=303)
        problems = {"area_id": errors.message(problem, ctx.lang)}
    return await render_page(ctx, token, status=422, area_form=form, area_errors=problems)
