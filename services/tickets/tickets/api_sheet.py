"""The directory as a spreadsheet (seed 002's 班组划分表 and a sheet each for departments, staff,
posts, areas and the responsibility map): export it, and import one, first as a dry run that
lists what would change, refused with each bad row's number and reason."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool
from tickets import directory_events
from tickets.deps import Admin, Reader
from tickets.directory_sheet import SheetUnreadable, read_directory
from tickets.directory_sheet_out import Change, changes, write_sheet
from tickets.repository import directory as repo

router = APIRouter(tags=["directory"])  # under api_directory's /directory
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_BYTES = 4 * 1024 * 1024
_BODY = {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}


class SheetOut(BaseModel):
    applied: bool = Field(description="false for a dry run: nothing was changed")
    changes: list[Change] = Field(description="Entries added or changed (at most 2,000 listed)")
    version: int | None = Field(None, description="The directory's version after applying")


class RowErrorOut(BaseModel):
    sheet: str
    row: int = Field(description="The row number the spreadsheet shows (0: the whole workbook)")
    column: str
    code: str
    value: str
    reason: str = Field(description="zh-CN")
    reason_en: str


@router.get("/sheet", responses={200: {"content": {XLSX: {}}, "description": "The workbook"}})
async def export_sheet(_: Reader, pool: DbPool) -> Response:
    """The whole directory as an XLSX workbook that POST /v1/directory/sheet takes back."""
    async with pool.acquire() as conn:
        d = await repo.read(conn)
    data = await asyncio.to_thread(write_sheet, d)
    return Response(
        data, media_type=XLSX,
        headers={"Content-Disposition": "attachment; filename=\"directory.xlsx\"; "
                 "filename*=UTF-8''%E7%8F%AD%E7%BB%84%E5%88%92%E5%88%86%E8%A1%A8.xlsx"},
    )  # fmt: skip


@router.post(
    "/sheet",
    response_model=SheetOut,
    openapi_extra={"requestBody": _BODY},
    responses=refusals(
        "validation",
        "directory-invalid",
        "directory-unreadable",
        "directory-unresolved",
        "content-too-large",
    ),
)
async def import_sheet(
    request: Request,
    _: Admin,
    pool: DbPool,
    dry_run: Annotated[QueryBool, Query(description="true: only list what would change")] = True,
) -> SheetOut:
    """Import a workbook as GET /v1/directory/sheet writes it (upsert by code; nothing is
    removed). A sheet with any error is refused as a whole (directory-invalid, `errors`: each
    row's sheet, row number, column and reason in zh-CN and English). Applying emits
    DirectoryUpdated."""
    data = await request.body()
    if len(data) > MAX_SHEET_BYTES:
        raise problem("content-too-large", f"a directory sheet is at most {MAX_SHEET_BYTES} bytes")
    async with pool.acquire() as conn, conn.transaction():
        if not dry_run:
            await repo.lock(conn)
        before = await repo.read(conn)
        try:
            doc, errors = await asyncio.to_thread(read_directory, data, before)
        except SheetUnreadable as exc:
            raise problem("directory-unreadable", str(exc)) from exc
        if errors:
            found: list[Any] = [RowErrorOut(**e.as_dict()).model_dump() for e in errors]
            first = found[0]
            raise problem(
                "directory-invalid",
                f"{len(found)} error(s); first: sheet {first['sheet']} row {first['row']}:"
                f" {first['reason_en']}",
                errors=found,
            )
        listed = changes(before, doc)
        if dry_run:
            return SheetOut(applied=False, changes=listed)
        try:
            await repo.upsert(conn, doc)
        except asyncpg.ForeignKeyViolationError as exc:
            raise problem("directory-unresolved", exc.detail or str(exc)) from exc
        after = await directory_events.publish(conn, before)
    return SheetOut(applied=True, changes=listed, version=after.version)
