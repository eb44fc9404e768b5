"""事故与一票否决 /supervise/incidents: a supervisor records a verified service-quality or safety
incident (the one-vote veto of the unit), the unit's lead or head appeals it, and a supervisor
or leader upholds it or overturns it on appeal (the veto lifted). Each state in words; tickets'
API decides who may read and do what (a department head sees their department's)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import cases
from console.clients import supervise as sup
from console.pages.manage import manager_token
from console.web import Ctx, Page

router = APIRouter()
READERS = ("supervisor", "leader", "dept_head", "admin", "team_lead")
APPEALERS = ("team_lead", "dept_head")
JUDGES = ("supervisor", "leader")
STATES = ("verified", "appealed", "upheld", "overturned")
STEPS = ("appeal", "overturn", "uphold")
TRACKING = re.compile(r"^FK\d{8}-\d{4,}$")
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]


async def _names(ctx: Ctx, token: str) -> dict[str, Any]:
    units, people = await asyncio.gather(ctx.api.unit_names(token), sup.staff_names(ctx.api, token))
    teams = {t.id: (t.name_en if ctx.lang == "en" and t.name_en else t.name) for t in units.teams}
    return {"departments": units.departments_in(ctx.lang), "teams": teams, "people": people}


def unit_name(x: cases.Incident, names: dict[str, Any]) -> str:
    """The unit concerned by name (a person's with their team)."""
    if x.unit_type == "staff":
        team = names["teams"].get(x.team_id or "", "")
        person = names["people"].get(x.unit_id, "")
        return f"{person}（{team}）" if team and person else person or team
    table = names["teams"] if x.unit_type == "team" else names["departments"]
    return str(table.get(x.unit_id, ""))


@router.get("/supervise/incidents")
async def incidents(ctx: Page, state: str = "", done: str = "") -> Response:
    token = await manager_token(ctx, *READERS)
    state = state if state in STATES else ""
    items, names = await asyncio.gather(cases.incidents(ctx.api, token), _names(ctx, token))
    shown = [x for x in items if not state or x.state == state]
    return ctx.render(
        "sup_incidents.html", items=shown, state=state, done=done, unit_name=unit_name,
        counts={s: sum(x.state == s for x in items) for s in STATES}, **names,
    )  # fmt: skip


async def _form_page(ctx: Ctx, token: str, status: int = 200, **extra: Any) -> Response:
    names = await _names(ctx, token)
    values = {"form": {}, "errors": {}, "message": "", **extra}
    return ctx.render("sup_incident_new.html", status=status, **names, **values)


@router.get("/supervise/incidents/new")
async def new_incident(ctx: Page) -> Response:
    token = await manager_token(ctx, "supervisor")
    return await _form_page(ctx, token)


def incident_body(form: dict[str, str], tz: str, _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body from the form, or what is missing beside each field (nothing sent)."""
    problems: dict[str, str] = {}
    if form.get("kind") not in ("service_quality", "safety"):
        problems["kind"] = _("Choose the kind of incident.")
    unit_type, _sep, unit_id = form.get("unit", "").partition(":")
    if form.get("person"):  # a person named: the incident is theirs (their team's veto too)
        unit_type, unit_id = "staff", form["person"]
    elif unit_type not in ("team", "department") or not unit_id:
        problems["unit"] = _("Choose the team or department concerned.")
    ticket_no = form.get("ticket_no", "").strip().upper()
    if ticket_no and not TRACKING.match(ticket_no):
        problems["ticket_no"] = _("A tracking number like FK20261204-0042.")
    if not form.get("summary", "").strip():
        problems["summary"] = _("Say what happened.")
    evidence = [line.strip() for line in form.get("evidence", "").splitlines() if line.strip()]
    if not evidence:
        problems["evidence"] = _("Give the evidence, one item a line.")
    elif len(evidence) > 50:
        problems["evidence"] = _("At most 50 items of evidence.")
    occurred = None
    try:
        occurred = datetime.fromisoformat(form.get("occurred_at", "")).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        problems["occurred_at"] = _("Give the date and time it happened.")
    if occurred is not None and occurred > datetime.now(ZoneInfo(tz)):
        problems["occurred_at"] = _("It cannot have happened in the future.")
    if form.get("verified") != "yes":
        problems["verified"] = _("Record it only once it is verified (经查属实).")
    body = {
        "kind": form.get("kind"), "unit_type": unit_type, "unit_id": unit_id,
        "summary": form.get("summary", "").strip(), "evidence": [e[:500] for e in evidence],
        "occurred_at": occurred.isoformat() if occurred else None,
    }  # fmt: skip
    return body, problems


async def ticket_of(ctx: Ctx, token: str, tracking_no: str) -> uuid.UUID | None:
    """The ticket of a report's tracking number (None: no such report, or no ticket for it)."""
    try:
        report = await ctx.api.report_by_no(token, tracking_no)
        path = f"/v1/tickets/by-report/{report.id}"
        found = await ctx.api.call("tickets", "GET", path, token)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            return None
        raise
    return uuid.UUID(str(found.json()["id"]))


async def ticket_no_of(ctx: Ctx, token: str, ticket_id: uuid.UUID | None) -> str:
    """The linked ticket's tracking number ("" when none, or not readable)."""
    if ticket_id is None:
        return ""
    try:
        found = await ctx.api.call("tickets", "GET", f"/v1/tickets/{ticket_id}", token)
    except ApiProblem:
        return ""
    return str(found.json().get("tracking_no") or "")


@router.post("/supervise/incidents")
async def record_incident(
    ctx: Page,
    kind: Short = "",
    unit: Short = "",
    summary: Text = "",
    evidence: Text = "",
    occurred_at: Short = "",
    verified: Short = "",
    person: Short = "",
    ticket_no: Short = "",
) -> Response:
    token = await manager_token(ctx, "supervisor")
    form = {"kind": kind, "unit": unit, "summary": summary, "evidence": evidence,
            "occurred_at": occurred_at, "verified": verified, "person": person,
            "ticket_no": ticket_no}  # fmt: skip
    body, problems = incident_body(form, ctx.settings.timezone, ctx._)
    if ticket_no.strip() and "ticket_no" not in problems:
        ticket_id = await ticket_of(ctx, token, ticket_no.strip().upper())
        if ticket_id is None:
            problems["ticket_no"] = ctx._("No ticket has this tracking number.")
        body["ticket_id"] = str(ticket_id)
    if problems:
        return await _form_page(ctx, token, 422, form=form, errors=problems)
    try:
        made = await cases.record_incident(ctx.api, token, body)
    except ApiProblem as problem:
        return await _form_page(
            ctx, token, problem.status, form=form,
            errors=errors.field_messages(problem, ctx.lang), message=errors.message(problem, ctx.lang),
        )  # fmt: skip
    return RedirectResponse(f"/supervise/incidents/{made.id}?done=recorded", status_code=303)


async def _item_page(
    ctx: Ctx, token: str, incident_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    items, names = await asyncio.gather(cases.incidents(ctx.api, token), _names(ctx, token))
    item = next((x for x in items if x.id == incident_id), None)
    if item is None:  # not there, or not one the reader may see: the same answer
        raise ApiProblem(404, {"type": "https://houqin.dev/problems/incident-not-found"})
    values = {"form": {}, "errors": {}, "message": "", "done": "", **extra}
    ticket_no = await ticket_no_of(ctx, token, item.ticket_id)
    return ctx.render(
        "sup_incident.html", status=status, item=item, unit=unit_name(item, names), **names,
        ticket_no=ticket_no, **values,
    )  # fmt: skip


@router.get("/supervise/incidents/{incident_id}")
async def incident(ctx: Page, incident_id: uuid.UUID, done: str = "") -> Response:
    token = await manager_token(ctx, *READERS)
    return await _item_page(ctx, token, incident_id, done=done)


@router.post("/supervise/incidents/{incident_id}/{step}")
async def incident_step(
    ctx: Page, incident_id: uuid.UUID, step: str, reason: Text = ""
) -> Response:
    if step not in STEPS:
        raise ApiProblem(404, {"type": "https://houqin.dev/problems/incident-not-found"})
    token = await manager_token(ctx, *(APPEALERS if step == "appeal" else JUDGES))
    form = {"step": step, "reason": reason}
    if not reason.strip():
        words = {
            "appeal": ctx._("Say why the incident should be reconsidered."),
            "overturn": ctx._("Say why the appeal succeeds."),
            "uphold": ctx._("Say why the incident stands."),
        }
        problems = {f"{step}_reason": words[step]}
        return await _item_page(ctx, token, incident_id, 422, form=form, errors=problems)
    try:
        await cases.incident_step(ctx.api, token, incident_id, step, reason.strip())
    except ApiProblem as problem:
        message = errors.message(problem, ctx.lang)
        return await _item_page(
            ctx, token, incident_id, problem.status, form=form,
            errors={f"{step}_reason": message},
        )  # fmt: skip
    return RedirectResponse(f"/supervise/incidents/{incident_id}?done={step}", status_code=303)
