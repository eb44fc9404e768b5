"""查看匿名报告人 /supervise/unmask: a quality supervisor finds an anonymous report by its
tracking number (or picks one of the newest), gives the reason, and sees who filed it; the
audit list shows every unmasking, who, when and why. Supervisors only (feedback's API records
the reason before it answers: no identity without its audit row)."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from console import errors
from console.api import ApiProblem, Report
from console.clients import cases
from console.clients import supervise as sup
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
TRACKING = re.compile(r"^FK\d{8}-\d{4,}$")
AUDIT_ROWS = 50
MIN_REASON = 10  # feedback's own minimum


async def _tracking_numbers(
    ctx: Ctx, token: str, ids: set[uuid.UUID], known: dict[uuid.UUID, str]
) -> dict[uuid.UUID, str]:
    """The tracking number of each report the audit names (those not known, asked at once)."""
    missing = [i for i in ids if i not in known]

    async def one(report_id: uuid.UUID) -> tuple[uuid.UUID, str]:
        try:
            return report_id, (await ctx.api.report(token, report_id)).tracking_no
        except ApiProblem:
            return report_id, ""

    found = await asyncio.gather(*(one(i) for i in missing))
    return {**known, **dict(found)}


async def _page(ctx: Ctx, token: str, no: str = "", status: int = 200, **extra: Any) -> Response:
    """The search, the chosen report (if any), and the audit trail."""
    values: dict[str, Any] = {"form": {}, "errors": {}, "found": None, "revealed": None, **extra}
    no = no.strip().upper()
    chosen: Report | None = values["found"]
    if no and chosen is None:
        if not TRACKING.match(no):
            values["errors"] = {"no": ctx._("A tracking number like FK20261204-0042.")}
        else:
            try:
                chosen = await ctx.api.report_by_no(token, no)
            except ApiProblem as problem:
                if problem.status != 404:
                    raise
                values["errors"] = {"no": ctx._("No report has this tracking number.")}
    recent, audit, people, catalogue = await asyncio.gather(
        cases.anonymous_reports(ctx.api, token), cases.unmaskings(ctx.api, token, 500),
        sup.staff_names(ctx.api, token), ctx.api.catalogue(),
    )  # fmt: skip
    audience_reads = sum(a.kind != "unmask" for a in audit)
    audit = [a for a in audit if a.kind == "unmask"][:AUDIT_ROWS]
    known = {r.id: r.tracking_no for r in recent}
    numbers = await _tracking_numbers(ctx, token, {a.report_id for a in audit}, known)
    return ctx.render(
        "sup_unmask.html", status=status, no=no, found=chosen, recent=recent[:20], audit=audit,
        numbers=numbers, people=people, audience_reads=audience_reads, services={s.code: s.title(ctx.lang) for s in catalogue},
        **{k: v for k, v in values.items() if k != "found"},
    )  # fmt: skip


@router.get("/supervise/unmask")
async def unmask_page(ctx: Page, no: str = "") -> Response:
    token = await manager_token(ctx, "supervisor")
    return await _page(ctx, token, no[:40])


@router.post("/supervise/unmask/{report_id}")
async def unmask(
    ctx: Page, report_id: uuid.UUID, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    token = await manager_token(ctx, "supervisor")
    report = await ctx.api.report(token, report_id)
    form = {"reason": reason}
    text = reason.strip()
    problems: dict[str, str] = {}
    if not text:
        problems["reason"] = ctx._("Give the reason for seeing who filed it: it is recorded.")
    elif len(text) < MIN_REASON:
        problems["reason"] = ctx._("Say more: at least %(n)s characters.", n=MIN_REASON)
    if problems:
        return await _page(ctx, token, report.tracking_no, 422, found=report, form=form,
                           errors=problems)  # fmt: skip
    try:
        revealed = await cases.unmask(ctx.api, token, report_id, text)
    except ApiProblem as problem:
        problems = errors.field_messages(problem, ctx.lang) or {
            "reason": errors.message(problem, ctx.lang)
        }
        return await _page(ctx, token, report.tracking_no, problem.status, found=report,
                           form=form, errors=problems)  # fmt: skip
    return await _page(ctx, token, report.tracking_no, found=report, revealed=revealed)
