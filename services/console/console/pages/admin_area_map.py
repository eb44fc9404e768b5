"""The area map (责任区域, 区域包干) for administrators: which team and post answer for which
place and kind of work, by name, as routing reads it (the most specific place wins, then the
exact kind of work over "any other"); change an assignment, or remove one (routing then falls
back to the wider place). Saved through tickets' PUT /v1/directory (responsibilities, an
upsert by place and kind of work) and DELETE /v1/directory/responsibilities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
ANY = "*"


def area_paths(areas: list[dict[str, Any]]) -> dict[str, str]:
    """Each place's name with those it is inside: 北校区 › 学生公寓7号楼 › 7号楼3层."""
    by_id = {a["id"]: a for a in areas}
    out: dict[str, str] = {}
    for a in areas:
        names: list[str] = []
        seen: set[str] = set()
        at: dict[str, Any] | None = a
        while at is not None and at["id"] not in seen:
            seen.add(at["id"])
            names.append(at["name"])
            at = by_id.get(at.get("parent_id") or "")
        out[a["id"]] = " › ".join(reversed(names))
    return out


def _inside(areas: list[dict[str, Any]], top: str) -> set[str]:
    """The place and every place inside it."""
    found, grew = {top}, True
    while grew:
        more = {a["id"] for a in areas if a.get("parent_id") in found} - found
        found |= more
        grew = bool(more)
    return found


def rows(doc: dict[str, Any], services: dict[str, str], ctx: Ctx) -> list[dict[str, Any]]:
    """The assignments in words: place, kind of work, department, team, the post that takes the
    work (the named one, else the team's first by code, as routing picks) and its people."""
    paths = area_paths(doc.get("areas", []))
    en = ctx.lang == "en"
    teams = {t["id"]: {**t, "name": (t.get("name_en") if en else None) or t["name"]}
             for t in doc.get("teams", [])}  # fmt: skip
    depts = {d["id"]: (d.get("name_en") if en else None) or d["name"]
             for d in doc.get("departments", [])}  # fmt: skip
    names = {s["id"]: s["name"] for s in doc.get("staff", [])}
    posts = sorted(doc.get("posts", []), key=lambda p: p["id"])
    out = []
    for r in doc.get("responsibilities", []):
        team = teams.get(r.get("team_id") or "")
        if team:
            post = next((p for p in posts if p["id"] == r.get("post_id")), None) if r.get(
                "post_id") else next((p for p in posts if p["team_id"] == team["id"]), None)  # fmt: skip
        else:
            post = None
        area = r.get("area_id")
        category = r["category"]
        out.append({
            "area_id": area or "", "category": category,
            "place": paths.get(area, area) if area else ctx._("Everywhere (the whole campus)"),
            "work": services.get(category, category) if category != ANY
            else ctx._("Any other kind of work"),
            "department": depts.get(team["department_id"] if team else r.get("department_id") or "", ""),
            "team": team["name"] if team else "", "post": post["name"] if post else "",
            "named_post": bool(r.get("post_id")),
            "primary": names.get(post.get("primary_id") or "", "") if post else "",
            "backup": names.get(post.get("backup_id") or "", "") if post else "",
        })  # fmt: skip
    return sorted(
        out, key=lambda x: (x["area_id"] != "", x["place"], x["category"] == ANY, x["work"])
    )


async def _services(ctx: Ctx) -> dict[str, str]:
    """Kinds of work by code: the service catalogue's names in the reader's language."""
    try:
        found = await client.services(ctx.api)
    except ApiProblem as problem:
        if problem.status >= 500:
            return {}
        raise
    en = ctx.lang == "en"
    return {s["code"]: (s.get("name_en") if en else None) or s["name"] for s in found}


async def _render(
    ctx: Ctx, token: str, form: dict[str, str], problems: dict[str, str] | None = None,
    message: str = "", status: int = 200, place: str = "", saved: str = "",
) -> Response:  # fmt: skip
    doc = await client.directory(ctx.api, token)
    services = await _services(ctx)
    areas = doc.get("areas", [])
    paths = area_paths(areas)
    shown = rows(doc, services, ctx)
    if place and place in paths:
        inside = _inside(areas, place)
        shown = [r for r in shown if not r["area_id"] or r["area_id"] in inside]
    teams = doc.get("teams", [])
    team_names = {t["id"]: t["name"] for t in teams}
    return ctx.render(
        "admin_area_map.html", status=status, rows=shown, form=form, errors=problems or {},
        message=message, place=place, saved=saved,
        places=sorted(((a["id"], paths[a["id"]]) for a in areas if a["kind"] != "room"),
                      key=lambda x: x[1]),
        tops=[(a["id"], paths[a["id"]]) for a in areas if a["kind"] in ("campus", "building")],
        services=sorted(services.items(), key=lambda x: x[1]),
        departments=[{**d, "teams": [t for t in teams if t["department_id"] == d["id"]]}
                     for d in doc.get("departments", [])],
        posts=sorted(({**p, "team": team_names.get(p["team_id"], "")} for p in doc.get("posts", [])),
                     key=lambda p: (p["team"], p["name"])),
    )  # fmt: skip


@router.get("/admin/area-map")
async def area_map(
    ctx: Page, place: str = "", area: str = "", category: str = "", saved: str = ""
) -> Response:
    """The map (filtered to a campus or building), and the form; `area` and `category` open
    an assignment in the form to change it."""
    token = await admin_token(ctx)
    form = {"area_id": area[:64], "category": category[:64]}
    if area or category:
        doc = await client.directory(ctx.api, token)
        found = next((r for r in doc.get("responsibilities", [])
                      if (r.get("area_id") or "") == form["area_id"]
                      and r["category"] == form["category"]), None)  # fmt: skip
        if found:
            unit = f"team:{found['team_id']}" if found.get("team_id") else (
                f"dept:{found.get('department_id')}")  # fmt: skip
            form |= {"unit": unit, "post_id": found.get("post_id") or ""}
    word = saved if saved in ("saved", "removed") else ""
    return await _render(ctx, token, form, place=place[:64], saved=word)


def _check(
    ctx: Ctx, doc: dict[str, Any], form: dict[str, str], services: set[str]
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if form["area_id"] and form["area_id"] not in {a["id"] for a in doc.get("areas", [])}:
        problems["area_id"] = ctx._("Choose a place from the list.")
    if form["category"] != ANY and form["category"] not in services:
        problems["category"] = ctx._("Choose a kind of work from the list.")
    kind, _, unit = form["unit"].partition(":")
    teams = {t["id"] for t in doc.get("teams", [])}
    depts = {d["id"] for d in doc.get("departments", [])}
    if not ((kind == "team" and unit in teams) or (kind == "dept" and unit in depts)):
        problems["unit"] = ctx._("Choose the team (or a department's dispatch desk) that answers.")
    post = next((p for p in doc.get("posts", []) if p["id"] == form["post_id"]), None)
    if form["post_id"] and (kind != "team" or post is None or post["team_id"] != unit):
        problems["post_id"] = ctx._("Choose one of this team's posts, or its first post.")
    return problems


@router.post("/admin/area-map")
async def save_assignment(ctx: Page) -> Response:
    """Send a place's kind of work to a team and post (or a department's dispatch desk)."""
    token = await admin_token(ctx)
    raw = await ctx.request.form()
    form = {
        k: str(raw.get(k) or "").strip()[:80] for k in ("area_id", "category", "unit", "post_id")
    }
    doc = await client.directory(ctx.api, token)
    problems = _check(ctx, doc, form, set(await _services(ctx)))
    if problems:
        return await _render(ctx, token, form, problems, status=422)
    kind, _, unit = form["unit"].partition(":")
    body = {"area_id": form["area_id"] or None, "category": form["category"],
            "team_id": unit if kind == "team" else None,
            "department_id": unit if kind == "dept" else None, "post_id": form["post_id"] or None}  # fmt: skip
    try:
        await client.put_directory(ctx.api, token, {"responsibilities": [body]})
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _render(ctx, token, form, errors.field_messages(problem, ctx.lang),
                             errors.message(problem, ctx.lang), status=422)  # fmt: skip
    return RedirectResponse("/admin/area-map?saved=saved#map-h", status_code=303)


@router.post("/admin/area-map/remove")
async def remove_assignment(ctx: Page) -> Response:
    token = await admin_token(ctx)
    raw = await ctx.request.form()
    area = str(raw.get("area_id") or "")[:64]
    category = str(raw.get("category") or "")[:64]
    try:
        await client.delete_assignment(ctx.api, token, area or None, category)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _render(ctx, token, {}, message=errors.message(problem, ctx.lang), status=422)
    return RedirectResponse("/admin/area-map?saved=removed#map-h", status_code=303)
