"""Time limits applied to tickets: which policy, which calendar, and the due-time columns."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from houqin_shared.db import Conn
from tickets.calendar_doc import CalendarDoc
from tickets.escalation import current_stage, step
from tickets.repository import policies as repo
from tickets.sla import (
    Chase,
    Policy,
    SlaClock,
    WorkingCalendar,
    catalog_policies,
    clock_for,
    due_times,
    policy_for,
)


async def policy_of(conn: Conn, category: str, urgency: str) -> Policy:
    """The catalogue's published limits for the category and urgency, else the defaults."""
    row = await repo.get_policy(conn, category)
    published = catalog_policies(row["limits"], row["calendar"]) if row else None
    return policy_for(published, urgency)


def policy_in(limits: Any, calendar_kind: Any, urgency: str) -> Policy:
    """From an open_context row's published limits (None: the defaults)."""
    return policy_for(catalog_policies(limits, calendar_kind) if limits else None, urgency)


def calendar_in(doc: Any) -> WorkingCalendar:
    return (CalendarDoc.model_validate(doc) if doc is not None else CalendarDoc()).calendar()


async def calendar(conn: Conn) -> WorkingCalendar:
    return (await repo.get_calendar(conn)).calendar()


def policy_json(p: Policy) -> dict[str, Any]:
    return asdict(p)


def policy_from(raw: dict[str, Any] | None, urgency: str) -> Policy:
    """A ticket's stored policy (older ones without a chase: the default chase)."""
    if not raw:
        return policy_for(None, urgency)
    return Policy(**{**raw, "chase": Chase.stored(raw.get("chase"))})


def with_chase(policy: Policy, escalation: dict[str, Any] | None) -> Policy:
    """The policy with the catalogue's chase for its service."""
    return replace(policy, chase=Chase.published(escalation))


def clock_of(t: dict[str, Any]) -> SlaClock:
    return SlaClock(
        t["clock_started_at"] or t["opened_at"], t.get("credit_s") or 0.0, t.get("paused_at")
    )


def due_fields(policy: Policy, cal: WorkingCalendar, clock: SlaClock) -> dict[str, datetime | None]:
    """The ticket columns holding each stage's due time."""
    return {f"{stage}_due_at": at for stage, at in due_times(policy, cal, clock).items()}


def schedule_fields(t: dict[str, Any], policy: Policy, cal: WorkingCalendar) -> dict[str, Any]:
    """Where the ticket's escalation stands after a change: the stage timed, the next step and
    when the sweeper must look again (None: nothing to time)."""
    stage = current_stage(t, policy)
    limit = policy.limit(stage) if stage else None
    if stage is None or limit is None:
        return {"esc_stage": None, "esc_step": 0, "next_check_at": None}
    index = t.get("esc_step", 0) if t.get("esc_stage") == stage else 0
    nxt = step(index, limit, clock_of(t), clock_for(policy, cal), cal, policy.chase)
    return {"esc_stage": stage, "esc_step": index, "next_check_at": nxt.at if nxt else None}
