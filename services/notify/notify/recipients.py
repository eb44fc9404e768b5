"""Who an audience is for one event, from the directory's read model and the reporters seen."""

from __future__ import annotations

from houqin_shared.contracts import ComplaintFiled, ScoreComputed, TicketChased
from houqin_shared.contracts.base import Event
from houqin_shared.db import Conn
from notify.domain import queue_of
from notify.repository import directory


async def ids_for(conn: Conn, audience: str, event: Event) -> list[str]:
    ids = await _ids_for(conn, audience, event)
    if isinstance(event, TicketChased):  # the chaser is not told of their own chase
        return [i for i in ids if i != event.chased_by]
    return ids


async def _ids_for(conn: Conn, audience: str, event: Event) -> list[str]:
    team_id: str | None = getattr(event, "team_id", None)
    department_id: str | None = getattr(event, "department_id", None)
    if audience == "reporter":
        return await reporters_of(conn, event)
    if audience == "assignee":  # a praise's: the person it credits
        assignee: str | None = getattr(event, "assignee_id", None) or getattr(
            event, "staff_id", None
        )
        return [assignee] if assignee else []
    if audience == "invitees":  # a survey invitation's: each invitee gets their own link
        return [i.person_id for i in getattr(event, "invitees", [])]
    if audience == "responsible":
        responsible: str | None = getattr(event, "responsible_id", None)
        return [responsible] if responsible else []
    if audience == "superior":
        superior: str | None = getattr(event, "superior_id", None)
        if superior:
            return [superior]
        leads = await directory.unit_lead(conn, "team", team_id)
        return leads or await directory.unit_lead(conn, "department", department_id)
    if audience == "team_queue":
        return [queue_of(team_id, department_id)]
    if audience == "team_lead":
        return await directory.unit_lead(conn, "team", team_id)
    if audience == "department_head":
        if isinstance(event, ScoreComputed):
            department_id = await directory.department_of(conn, event.unit_type, event.unit_id)
        elif department_id is None and team_id is not None:
            department_id = await directory.department_of(conn, "team", team_id)
        return await directory.unit_lead(conn, "department", department_id)
    if audience == "department_heads":
        return await directory.department_heads(conn)
    if audience == "supervisors":
        return await directory.with_role(conn, "supervisor")
    if audience == "division_leaders":
        return await directory.with_role(conn, "leader")
    return []


async def reporters_of(conn: Conn, event: Event) -> list[str]:
    """The reporters notify knows by itself: a new non-anonymous report's reporter, or the one
    seen filing the report an event is about. (Anonymous and "me too" reporters are found
    through feedback, later: see notify.followers.)"""
    if isinstance(event, ComplaintFiled):
        named = named_reporter(event)
        return [named] if named else []
    report_id = getattr(event, "report_id", None)
    return await directory.reporter_of(conn, report_id) if report_id else []


def named_reporter(event: Event) -> str | None:
    """The reporter a new report names (None: anonymous, or not a new report)."""
    if isinstance(event, ComplaintFiled) and not event.anonymous:
        return event.reporter_id
    return None
