"""Opening tickets for filed reports, a batch at a time: each report routed by the responsibility
map and assigned by its track (tickets.tracks: a repair to the post's on-duty primary or its
backup, a complaint to the department head, a suggestion or consultation to the team lead; a
praise opens nothing), all of the batch's tickets written in one statement, their events in one
outbox write, the recurring check (repairs) in one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from houqin_shared import outbox
from houqin_shared.contracts import (
    ComplaintFiled,
    RecurringProblemDetected,
    TicketAssigned,
    TicketOpened,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets import sla_service
from tickets.domain import ticket_id_for
from tickets.recurring import TicketRules, place_key, problem_id
from tickets.repository import policies as policy_repo
from tickets.repository import recurring as recurring_repo
from tickets.repository import tickets as repo
from tickets.routing import assignee, pick_post, route
from tickets.routing_service import DirectoryView, view
from tickets.sla import Policy, SlaClock, WorkingCalendar
from tickets.tracks import assigned_via, handler, policy_of, track_of

log = get_logger(__name__)


@dataclass(frozen=True)
class Planned:
    env: Envelope
    report: ComplaintFiled
    ticket: dict[str, Any]


async def open_tickets(conn: Conn, envs: list[Envelope]) -> None:
    """Open each report's ticket (once per report, however often its event comes)."""
    now = datetime.now(UTC)
    contexts: dict[str, Context] = {}
    planned: dict[Any, Planned] = {}
    for env in envs:
        e = env.data
        assert isinstance(e, ComplaintFiled)
        if e.answered_on_spot or e.report_id in planned:
            continue  # answered at a reception day: closed with that answer, no ticket
        if track_of(e.kind) is None:
            continue  # praise opens no work: feedback thanked the reporter at intake
        if e.category not in contexts:
            contexts[e.category] = await context(conn, e.category)
        planned[e.report_id] = Planned(env, e, plan(contexts[e.category], env, now))
    if not planned:
        return
    opened = await repo.open_tickets(conn, [p.ticket for p in planned.values()])
    new = [p for p in planned.values() if p.ticket["id"] in opened]
    # The tickets were inserted just now, in this transaction: no other writer of their keys.
    await outbox.add(conn, *(ev for p in new for ev in events_of(p, now)), new_aggregate=True)
    repairs = [p for p in new if p.ticket["track"] == "repair"]
    await detect_recurring(conn, repairs, next(iter(contexts.values())).rules)
    if new:  # one line per batch; each report's correlation id is in it
        log.info(
            "tickets_opened",
            count=len(new),
            correlation_ids=[p.env.correlation_id or p.env.id for p in new],
        )


@dataclass
class Context:
    """What opening a category's tickets reads, once per batch."""

    row: dict[str, Any]
    directory: DirectoryView
    calendar: WorkingCalendar
    rules: TicketRules
    policies: dict[str, Policy] = field(default_factory=dict)

    def policy(self, urgency: str) -> Policy:
        if urgency not in self.policies:
            self.policies[urgency] = sla_service.policy_in(
                self.row["limits"], self.row["policy_calendar"], urgency
            )
        return self.policies[urgency]


async def context(conn: Conn, category: str) -> Context:
    row = await policy_repo.open_context(conn, category)
    return Context(
        row,
        await view(conn, (row["schema"], row["version"])),
        sla_service.calendar_in(row["calendar"]),
        TicketRules.model_validate(row["rules"]) if row["rules"] else TicketRules(),
    )


def plan(ctx: Context, env: Envelope, now: datetime) -> dict[str, Any]:
    """The ticket row for one report: its route, assignee, policy and due times."""
    e = env.data
    assert isinstance(e, ComplaintFiled)
    directory, track = ctx.directory, track_of(e.kind) or "repair"
    r = route(
        e.location, e.category, directory.parents, directory.rules, directory.team_departments
    )
    team_id: str | None = r.team_id
    who: tuple[str, str] | None = None
    if track == "repair":
        if r.team_id:
            who = assignee(pick_post(r.team_id, r.post_id, directory.posts), directory.staff, now)
    else:
        h = handler(track, r, directory.heads, directory.leads, directory.supervisors)
        team_id, who = h.team_id, (h.assignee_id, h.role) if h.assignee_id and h.role else None
    policy = policy_of(track, ctx.rules, ctx.row["reply_minutes"]) or ctx.policy(e.urgency)
    policy, cal = sla_service.with_chase(policy, ctx.row["escalation"]), ctx.calendar
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
        "team_id": team_id,
        "about_team_id": r.team_id if track == "complaint" else None,
        "track": track,
        "opened_at": env.time,
        "assignee_id": who[0] if who else None,
        "assigned_via": who[1] if who else None,
        "policy": sla_service.policy_json(policy),
        "clock_started_at": env.time,
        "updated_at": now,
        **sla_service.due_fields(policy, cal, SlaClock(env.time)),
        "place_key": place_key(e.location),
    }
    return ticket | sla_service.schedule_fields(
        {**ticket, "credit_s": 0.0, "paused_at": None}, policy, cal
    )


def events_of(p: Planned, now: datetime) -> list[Envelope]:
    """TicketOpened, and TicketAssigned when someone is on duty, under the report's correlation."""
    t, e = p.ticket, p.report
    found: list[Event] = [
        TicketOpened(
            ticket_id=t["id"], report_id=e.report_id, tracking_no=e.tracking_no, kind=e.kind,
            category=e.category, urgency=e.urgency, location=e.location,
            department_id=t["department_id"], team_id=t["team_id"], opened_at=t["opened_at"],
            track=t["track"],
        )
    ]  # fmt: skip
    if t["assignee_id"]:
        found.append(
            TicketAssigned(
                ticket_id=t["id"], report_id=e.report_id, tracking_no=e.tracking_no,
                assignee_id=t["assignee_id"], team_id=t["team_id"],
                department_id=t["department_id"], assigned_at=now,
                **assigned_via(t["assigned_via"]),
            )
        )  # fmt: skip
    correlation = p.env.correlation_id or p.env.id
    return [Envelope(ev, correlation_id=correlation) for ev in found]


async def detect_recurring(conn: Conn, new: list[Planned], rules: TicketRules) -> None:
    """The same place and category N times within D days: RecurringProblemDetected (once per
    window), judged at the latest of the batch's reports there."""
    latest: dict[tuple[str, str], Planned] = {}
    for p in new:
        where = p.ticket["place_key"]
        if where is not None:
            key = (where, p.report.category)
            if key not in latest or latest[key].env.time <= p.env.time:
                latest[key] = p
    if not latest:
        return
    window = timedelta(days=rules.recurring_days)
    keys = list(latest)
    found = await policy_repo.same_places(
        conn,
        keys,
        [problem_id(c, where) for where, c in keys],
        [latest[k].env.time - window for k in keys],
        rules.recurring_count,
    )
    for key, ids in found.items():
        p = latest[key]
        at, since = p.env.time, p.env.time - window
        problem = problem_id(key[1], key[0])
        marked = await recurring_repo.mark(
            conn, problem, at, since, category=key[1], place_key=key[0],
            location=p.report.location.model_dump(mode="json"),
            department_id=p.ticket["department_id"], team_id=p.ticket["team_id"], ticket_ids=ids,
        )  # fmt: skip
        if not marked:
            continue
        detected = RecurringProblemDetected(
            problem_id=problem, category=key[1], location=p.report.location, count=len(ids),
            window_days=rules.recurring_days, ticket_ids=ids,
            department_id=p.ticket["department_id"], team_id=p.ticket["team_id"], detected_at=at,
        )  # fmt: skip
        await outbox.add(conn, Envelope(detected, correlation_id=p.env.correlation_id or p.env.id))
