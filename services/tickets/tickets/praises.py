"""Praise (表扬): no ticket. The report is routed like a repair (the responsibility map: category
and place to department, team and post) and credited to that team and to the post's on-duty
primary (or backup); `PraiseReceived` tells notify (the team lead and the person are told) and
scoring (the unit's `praises`). Once per report: the praise's row and its event are written in
one transaction, and a report already credited is skipped."""

from __future__ import annotations

from datetime import UTC, datetime

from houqin_shared import outbox
from houqin_shared.contracts import ComplaintFiled, PraiseReceived
from houqin_shared.contracts.base import Envelope
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets.repository import praises as repo
from tickets.routing import assignee, pick_post, route
from tickets.routing_service import DirectoryView, view

log = get_logger(__name__)


def credited(e: ComplaintFiled, d: DirectoryView, at: datetime, now: datetime) -> PraiseReceived:
    """Who a praise credits (no I/O): the routed department and team, and the person on duty at
    the team's post (`now`); `at` is when it was received."""
    r = route(e.location, e.category, d.parents, d.rules, d.team_departments)
    who = assignee(pick_post(r.team_id, r.post_id, d.posts), d.staff, now) if r.team_id else None
    return PraiseReceived(
        report_id=e.report_id, tracking_no=e.tracking_no, category=e.category,
        location=e.location, department_id=r.department_id, team_id=r.team_id,
        staff_id=who[0] if who else None, received_at=at,
    )  # fmt: skip


async def credit_praises(conn: Conn, envs: list[Envelope]) -> None:
    """Credit each praise among the filed reports (in the caller's transaction)."""
    praised = [
        env for env in envs if isinstance(env.data, ComplaintFiled) and env.data.kind == "praise"
    ]
    if not praised:
        return
    d, now = await view(conn), datetime.now(UTC)
    found: dict[object, tuple[Envelope, PraiseReceived]] = {}
    for env in praised:
        assert isinstance(env.data, ComplaintFiled)
        found.setdefault(env.data.report_id, (env, credited(env.data, d, env.time, now)))
    rows = [p.model_dump(mode="json", exclude={"location"}) for _, p in found.values()]
    new = await repo.record(conn, rows)
    fresh = [(env, p) for env, p in found.values() if p.report_id in new]
    # The rows were inserted just now, in this transaction: no other writer of their keys.
    await outbox.add(
        conn,
        *(Envelope(p, correlation_id=env.correlation_id or env.id) for env, p in fresh),
        new_aggregate=True,
    )
    if fresh:
        log.info("praises_credited", count=len(fresh), teams=[p.team_id for _, p in fresh])
