"""What the tickets worker does with each event it consumes (in the runner's transaction)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from houqin_shared.consumer import BatchHandler, Handler, one_at_a_time
from houqin_shared.contracts import (
    ComplaintFiled,
    FixConfirmed,
    FixRejected,
    ReportLinked,
    ServiceCatalogChanged,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from tickets import lifecycle_service
from tickets.lifecycle import Action, InvalidTransition, transition
from tickets.merging import on_report_linked, worked_ticket
from tickets.opening import open_tickets
from tickets.praises import credit_praises
from tickets.repository import policies as policy_repo
from tickets.repository import tickets as repo

log = get_logger(__name__)


async def on_catalog_changed(conn: Conn, env: Envelope) -> None:
    """Follow the catalogue's published time limits (newer versions only)."""
    e = env.data
    assert isinstance(e, ServiceCatalogChanged)
    limits = [x.model_dump() for x in e.limits]
    chase = e.escalation.model_dump() if e.escalation else None
    await policy_repo.upsert_policy(
        conn, e.code, e.version, e.calendar, limits, e.active, e.changed_at, e.reply_minutes, chase
    )


async def _system_move(conn: Conn, report_id: UUID, action: Action, note: str | None) -> None:
    t = await worked_ticket(conn, await repo.find_ticket_by_report(conn, report_id, lock=True))
    if t is None:
        log.warning("no_ticket_for_report", report_id=str(report_id), action=action)
        return
    try:
        tr = transition(t["status"], action, t["paused_from"], note, t["track"])
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


async def on_filed(conn: Conn, envs: list[Envelope]) -> None:
    """Credit the praises (no ticket) and open the other reports' tickets."""
    await credit_praises(conn, envs)
    await open_tickets(conn, envs)


# Filed reports come in bursts: the worker opens each run of them together.
BATCH_HANDLERS: dict[type[Event], BatchHandler] = {ComplaintFiled: on_filed}
HANDLERS: dict[type[Event], Handler] = {
    ComplaintFiled: one_at_a_time(on_filed),
    ServiceCatalogChanged: on_catalog_changed,
    FixConfirmed: on_fix_confirmed,
    FixRejected: on_fix_rejected,
    ReportLinked: on_report_linked,
}
