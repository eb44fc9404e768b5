"""The directory for administrators: departments, teams, staff, posts (主辅岗) and the area map
on a page; export the 班组划分表 workbook, import one after seeing what it would change (a
sheet with errors is refused, each bad row named with its reason); edit a team or a post."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
MAX_SHEET_BYTES = 4 * 1024 * 1024
DIRECTORY_INVALID = "https://houqin.dev/problems/directory-invalid"


def by_department(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Departments with their teams, each team with its people and posts, names for ids."""
    staff = {s["id"]: s for s in doc.get("staff", [])}
    out = []
    for d in doc.get("departments", []):
        teams = []
        for t in doc.get("teams", []):
            if t["department_id"] != d["id"]:
                continue
            people = [s for s in doc.get("staff", []) if s.get("team_id") == t["id"]]
            posts = [p for p in doc.get("posts", []) if p["team_id"] == t["id"]]
            teams.append({**t, "people": people, "posts": posts,
                          "lead": staff.get(t.get("lead_id") or "")})  # fmt: skip
        out.append({**d, "teams": teams, "head": staff.get(d.get("head_id") or "")})
    return out


def row_errors(problem: ApiProblem, lang: str) -> list[dict[str, Any]]:
    """A refused sheet's errors: sheet, row, column and the reason in the reader's language."""
    out = []
    for e in problem.errors:
        if "row" not in e:
            continue
        out.append({"sheet": e.get("sheet", ""), "row": e.get("row", 0),
                    "column": e.get("column", ""),
                    "reason": e.get("reason_en" if lang == "en" else "reason", "")})  # fmt: skip
    return out


async def render_page(ctx: Ctx, token: str, status: int = 200, **values: Any) -> Response:
    doc = await client.directory(ctx.api, token)
    areas = doc.get("areas", [])
    departments = by_department(doc)
    return ctx.render(
        "admin_directory.html", status=status, departments=departments,
        team_count=sum(len(d["teams"]) for d in departments), staff=doc.get("staff", []),
        staff_names={s["id"]: s["name"] for s in doc.get("staff", [])},
        buildings=[a for a in areas if a["kind"] in ("campus", "building")],
        parents=[a for a in areas if a["kind"] in ("campus", "building", "floor")],
        rooms=sum(a["kind"] == "room" for a in areas), version=doc.get("version"), **values,
    )  # fmt: skip


@router.get("/admin/directory")
async def directory_page(ctx: Page, applied: int | None = None, saved: str = "") -> Response:
    token = await admin_token(ctx)
    known = ("team", "post", "person", "department", "area", "removed", "retired",
             "team-removed", "department-removed")  # fmt: skip
    return await render_page(ctx, token, applied=applied, saved=saved if saved in known else "")


@router.get("/admin/directory/sheet.xlsx")
async def export(ctx: Page) -> Response:
    token = await admin_token(ctx)
    data = await client.export_sheet(ctx.api, token)
    return Response(
        data, media_type=client.XLSX,
        headers={"Content-Disposition": "attachment; filename=\"directory.xlsx\"; "
                 "filename*=UTF-8''%E7%8F%AD%E7%BB%84%E5%88%92%E5%88%86%E8%A1%A8.xlsx",
                 "Cache-Control": "no-store"},
    )  # fmt: skip


async def _preview(ctx: Ctx, token: str, data: bytes, name: str) -> Response:
    try:
        result = await client.import_sheet(ctx.api, token, data, dry_run=True)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await render_page(
            ctx, token, status=422, filename=name, sheet_errors=row_errors(problem, ctx.lang),
            message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return ctx.render(
        "admin_directory_preview.html", result=result, filename=name,
        sheet=base64.b64encode(data).decode(),
    )  # fmt: skip


@router.post("/admin/directory/sheet")
async def preview(ctx: Page) -> Response:
    """What the uploaded workbook would change; nothing is applied yet."""
    token = await admin_token(ctx)
    form = await ctx.request.form()
    upload = form.get("sheet")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await render_page(
            ctx, token, status=422, message=ctx._("Choose an .xlsx file first.")
        )
    data = await upload.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        return await render_page(
            ctx, token, status=413, message=ctx._("The file is larger than 4 MB.")
        )
    return await _preview(ctx, token, data, upload.filename)


@router.post("/admin/directory/sheet/apply")
async def apply(
    ctx: Page,
    sheet: Annotated[str, Form(max_length=MAX_SHEET_BYTES * 4 // 3 + 8)],
    filename: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Apply the previewed workbook (checked again: the directory may have changed since)."""
    token = await admin_token(ctx)
    try:
        data = base64.b64decode(sheet, validate=True)
    except (binascii.Error, ValueError):
        return await render_page(ctx, token, status=422, message=ctx._("Upload the file again."))
    try:
        result = await client.import_sheet(ctx.api, token, data, dry_run=False)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await render_page(
            ctx, token, status=422, filename=filename,
            sheet_errors=row_errors(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return RedirectResponse(f"/admin/directory?applied={len(result.changes)}", status_code=303)
