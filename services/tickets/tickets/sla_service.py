"""Time limits applied to tickets: which policy, which calendar, and the due-time columns."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from houqin_shared.db import Conn
from tickets.calendar_doc import CalendarDoc

# clock_of, due_fields and schedule_fields are pure: they live beside the rules they apply.
from tickets.escalation import schedule_fields as schedule_fields
from tickets.repository import policies as repo
from tickets.sla import Chase, Policy, WorkingCalendar, catalog_policies, policy_for
from tickets.sla import clock_of as clock_of
from tickets.sla import due_fields as due_fields


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
