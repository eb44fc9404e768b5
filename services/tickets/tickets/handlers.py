"""What the tickets worker does with each event it consumes (in the runner's transaction)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.consumer import Handler
from houqin_shared.contracts import (
    ComplaintFiled,
    FixConfirmed,
    FixRejected,
    RecurringProblemDetected,
    ServiceCatalogChanged,
    TicketAssigned,
    TicketOpened,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets import lifecycle_service, sla_service
from tickets.domain import ticket_id_for
from tickets.lifecycle import Action, InvalidTransition, transition
from tickets.recurring import TicketRules, place_key, problem_id
from tickets.repository import policies as policy_repo
from tickets.repository import tickets as repo
from tickets.routing import assignee, pick_post, route
from tickets.routing_service import view
from tickets.sla import SlaClock

log = get_logger(__name__)


async def on_complaint_filed(conn: Conn, env: Envelope) -> None:
    """Open the report's ticket (once), route it by the responsibility map and assign it to the
    post's on-duty primary or its backup."""
    e = env.data
    assert isinstance(e, ComplaintFiled)
    if e.answered_on_spot:
        return  # leaders answered it at a reception day: closed with that answer, no ticket
    now = datetime.now(UTC)
    ctx = await policy_repo.open_context(conn, e.category)
    directory = await view(conn, (ctx["schema"], ctx["version"]))
    r = route(
        e.location, e.category, directory.parents, directory.rules, directory.team_departments
    )
    who = (
        assignee(pick_post(r.team_id, r.post_id, directory.posts), directory.staff, now)
        if r.team_id
        else None
    )
    policy = sla_service.policy_in(ctx["limits"], ctx["policy_calendar"], e.urgency)
    cal = sla_service.calendar_in(ctx["calendar"])
    dues = sla_service.due_fields(policy, cal, SlaClock(env.time))
    ticket = {
        "id": ticket_id_for(e.report_id),
        "report_id": e.report_id,
        "tracking_no": e.tracking_no,
        "kind": e.kind,
        "category": e.category,
        "urgency": e.urgency,
        "location": e.location.model_dump(),
        "description": e.description,
        "status": "assigned" if who else "new",
        "department_id": r.department_id,
        "team_id": r.team_id,
        "opened_at": env.time,
        "assignee_id": who[0] if who else None,
        "assigned_via": who[1] if who else None,
        "policy": sla_service.policy_json(policy),
        "clock_started_at": env.time,
        "updated_at": now,
        **dues,
        "place_key": place_key(e.location),
    }
    ticket |= sla_service.schedule_fields(
        {**ticket, "credit_s": 0.0, "paused_at": None}, policy, cal
    )
    if not await repo.open_ticket(conn, ticket):
        return  # this report already has its ticket
    events: list[Event] = [
        TicketOpened(
            ticket_id=ticket["id"],
            report_id=e.report_id,
            tracking_no=e.tracking_no,
            kind=e.kind,
            category=e.category,
            urgency=e.urgency,
            location=e.location,
            department_id=r.department_id,
            team_id=r.team_id,
            opened_at=env.time,
        )
    ]
    if who:
        events.append(
            TicketAssigned(
                ticket_id=ticket["id"],
                report_id=e.report_id,
                tracking_no=e.tracking_no,
                assignee_id=who[0],
                team_id=r.team_id,
                department_id=r.department_id,
                via=who[1],
                assigned_at=now,
            )
        )
    await outbox.add(conn, *events)
    rules = TicketRules.model_validate(ctx["rules"]) if ctx["rules"] else TicketRules()
    await _detect_recurring(conn, ticket, e, env.time, rules)
    log.info(
        "ticket_opened",
        ticket_id=str(ticket["id"]),
        team_id=r.team_id,
        assignee=ticket["assignee_id"],
    )


async def _detect_recurring(
    conn: Conn, t: dict[str, Any], e: ComplaintFiled, at: datetime, rules: TicketRules
) -> None:
    """The same place and category N times within D days: RecurringProblemDetected (once per
    window)."""
    if t["place_key"] is None:
        return
    since = at - timedelta(days=rules.recurring_days)
    ids = await policy_repo.same_place(conn, t["place_key"], e.category, since)
    problem = problem_id(e.category, t["place_key"])
    if len(ids) < rules.recurring_count or not await policy_repo.mark_recurring(
        conn, problem, at, len(ids), since
    ):
        return
    await outbox.add(
        conn,
        RecurringProblemDetected(
            problem_id=problem, category=e.category, location=e.location, count=len(ids),
            window_days=rules.recurring_days, ticket_ids=ids, department_id=t["department_id"],
            team_id=t["team_id"], detected_at=at,
        ),
    )  # fmt: skip


async def on_catalog_changed(conn: Conn, env: Envelope) -> None:
    """Follow the catalogue's published time limits (newer versions only)."""
    e = env.data
    assert isinstance(e, ServiceCatalogChanged)
    limits = [x.model_dump() for x in e.limits]
    await policy_repo.upsert_policy(
        conn, e.code, e.version, e.calendar, limits, e.active, e.changed_at
    )


async def _system_move(conn: Conn, report_id: UUID, action: Action, note: str | None) -> None:
    t = await repo.find_ticket_by_report(conn, report_id, lock=True)
    if t is None:
        log.warning("no_ticket_for_report", report_id=str(report_id), action=action)
        return
    try:
        tr = transition(t["status"], action, t["paused_from"], note)
    except InvalidTransition as exc:  # e.g. a second confirmation: nothing to do
        log.warning("ignored_move", ticket_id=str(t["id"]), action=action, reason=str(exc))
        return
    await lifecycle_service.apply(conn, t, tr, None, note, datetime.now(UTC))


async def on_fix_confirmed(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, FixConfirmed)
    await _system_move(conn, e.report_id, "close", "auto-confirmed" if e.auto else None)


async def on_fix_rejected(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, FixRejected)
    await _system_move(conn, e.report_id, "reopen", e.reason)


HANDLERS: dict[type[Event], Handler] = {
    ComplaintFiled: on_complaint_filed,
    ServiceCatalogChanged: on_catalog_changed,
    FixConfirmed: on_fix_confirmed,
    FixRejected: on_fix_rejected,
}
