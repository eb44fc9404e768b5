"""What the scoring worker does with each event it consumes: record the fact (idempotently),
add what it changed to the running totals of the open campaigns and mark them for recompute,
all in the handler's transaction (with its inbox row); the periodic task in `compute` does the
rest from the totals."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from houqin_shared.consumer import BatchHandler, Handler, one_at_a_time
from houqin_shared.contracts import (
    DirectoryChanged,
    DirectoryUpdated,
    FixConfirmed,
    FixRejected,
    IncidentOverturned,
    IncidentVerified,
    InspectionRecorded,
    PraiseReceived,
    RectificationAccepted,
    RectificationOverdue,
    RectificationRejected,
    RecurringProblemDetected,
    SatisfactionRated,
    SurveyClosed,
    SurveyResponded,
    TicketAssigned,
    TicketMerged,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
    VoteCast,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from scoring.compute import add_event_totals
from scoring.repository import facts, totals

log = get_logger(__name__)


async def on_ticket_opened(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketOpened)
    await facts.record_ticket_opened(
        conn,
        e.ticket_id,
        e.report_id,
        e.tracking_no,
        e.category,
        e.department_id,
        e.team_id,
        e.opened_at,
        e.track,
    )
    log.info("ticket_fact_recorded", ticket_id=str(e.ticket_id), tracking_no=e.tracking_no)


async def on_ticket_assigned(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketAssigned)
    await facts.record_owner(
        conn,
        e.ticket_id,
        e.report_id,
        e.tracking_no,
        e.assigned_at,
        e.department_id,
        e.team_id,
        e.assignee_id,
    )


async def on_status_changed(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketStatusChanged)
    await facts.record_owner(
        conn,
        e.ticket_id,
        e.report_id,
        e.tracking_no,
        e.changed_at,
        e.department_id,
        e.team_id,
        e.assignee_id,
    )
    await facts.record_status(conn, e.ticket_id, e.status, e.changed_at)
    if e.stage is not None and e.on_time is not None:
        await facts.record_stage(
            conn, e.ticket_id, e.stage, e.changed_at, e.stage_due_at, e.on_time
        )


async def on_merged(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketMerged)
    await facts.record_merge(
        conn, e.ticket_id, e.report_id, e.tracking_no, e.into_ticket_id, e.merged_at
    )


async def on_transferred(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, TicketTransferred)
    await facts.record_transfer(
        conn,
        {
            "transfer_id": e.transfer_id,
            "ticket_id": e.ticket_id,
            "state": e.state,
            "from_department_id": e.from_department_id,
            "from_team_id": e.from_team_id,
            "to_department_id": e.to_department_id,
            "to_team_id": e.to_team_id,
            "reason": e.reason,
            "at": e.at,
        },
    )
    if e.state == "accepted":  # the receiving unit owns it now; its people will assign it
        await facts.record_owner(
            conn,
            e.ticket_id,
            e.report_id,
            e.tracking_no,
            e.at,
            e.to_department_id,
            e.to_team_id,
            None,
            clear_assignee=True,
        )


async def on_overdue(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, RectificationOverdue)
    if e.warning:
        return
    await facts.insert_row(
        conn,
        "overdue",
        {
            "subject_id": e.subject_id,
            "stage": e.stage,
            "due_at": e.due_at,
            "subject_kind": e.subject_kind,
            "tracking_no": e.tracking_no,
            "department_id": e.department_id,
            "team_id": e.team_id,
            "responsible_id": e.responsible_id,
            "detected_at": e.detected_at,
        },
        "subject_id, stage, due_at",
    )


async def on_praise(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, PraiseReceived)
    values = e.model_dump(
        include={
            "report_id",
            "tracking_no",
            "category",
            "department_id",
            "team_id",
            "staff_id",
            "received_at",
        }
    )
    await facts.insert_row(conn, "praises", values, "report_id")


async def on_rectification_result(conn: Conn, env: Envelope) -> None:
    """An acceptance (on time or late) or a failed acceptance of a rectification item."""
    e = env.data
    assert isinstance(e, RectificationAccepted | RectificationRejected)
    if isinstance(e, RectificationAccepted):
        outcome, at = ("on_time" if e.on_time else "late"), e.accepted_at
    else:
        outcome, at = "rejected", e.rejected_at
    values = {
        "item_id": e.item_id, "outcome": outcome, "at": at, "department_id": e.department_id,
        "team_id": e.team_id, "responsible_id": e.responsible_id,
    }  # fmt: skip
    await facts.insert_row(conn, "rectification_results", values, "item_id, outcome, at")


def detection_id(problem_id: str, at: datetime) -> UUID:
    """One id per detection of a problem (the same detection told twice is the same fact)."""
    return uuid5(NAMESPACE_URL, f"houqin:recurring:{problem_id}@{at.isoformat()}")


async def on_recurring(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, RecurringProblemDetected)
    values = {
        "detection_id": detection_id(e.problem_id, e.detected_at), "problem_id": e.problem_id,
        "detected_at": e.detected_at, "department_id": e.department_id, "team_id": e.team_id,
        "count": e.count,
    }  # fmt: skip
    await facts.insert_row(conn, "recurring_detections", values, "detection_id")


async def on_fix_confirmed(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, FixConfirmed)
    outcome = "auto_confirmed" if e.auto else "confirmed"
    await facts.record_confirmation(
        conn, e.report_id, e.ticket_id, e.tracking_no, outcome, e.confirmed_at
    )


async def on_fix_rejected(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, FixRejected)
    await facts.record_fix_rejected(conn, e.report_id, e.ticket_id, e.tracking_no, e.rejected_at)


async def on_rated(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, SatisfactionRated)
    fields = ("rating_id", "report_id", "ticket_id", "tracking_no", "quality", "timeliness")
    values = e.model_dump(include={*fields, "attitude", "comment", "rated_at"})
    await facts.record_rating(conn, values)


async def on_survey_responded(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, SurveyResponded)
    await facts.record_survey_answers(
        conn,
        [
            (
                e.survey_id,
                str(e.response_id),
                s.unit_type,
                s.unit_id,
                e.campaign_id,
                s.score,
                s.responses,
                e.responded_at,
            )
            for s in e.scores
        ],
    )


async def on_survey_closed(conn: Conn, env: Envelope) -> None:
    """A closed survey's result counts on the last day of the period it covers."""
    e = env.data
    assert isinstance(e, SurveyClosed)
    at = datetime.combine(e.period_end, time(12), UTC)
    await facts.record_survey_answers(
        conn,
        [
            (e.survey_id, "result", r.unit_type, r.unit_id, e.campaign_id, r.score, r.responses, at)
            for r in e.results
        ],
    )


async def on_vote(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, VoteCast)
    values = e.model_dump(
        include={"vote_id", "ballot_id", "campaign_id", "unit_type", "unit_id", "cast_at"}
    )
    await facts.insert_row(conn, "votes", values, "vote_id")


async def on_inspection(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, InspectionRecorded)
    values = e.model_dump(
        include={
            "inspection_id",
            "kind",
            "unit_type",
            "unit_id",
            "department_id",
            "score",
            "findings",
            "hazards",
            "inspector_id",
            "inspected_at",
        }
    )
    await facts.insert_row(conn, "inspections", values, "inspection_id")


async def on_incident_verified(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, IncidentVerified)
    values = e.model_dump(
        include={
            "incident_id",
            "kind",
            "unit_type",
            "unit_id",
            "department_id",
            "team_id",
            "ticket_id",
            "occurred_at",
            "verified_by",
            "verified_at",
        }
    )
    values["summary"] = e.summary_text
    await facts.record_incident(conn, values)


async def on_incident_overturned(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, IncidentOverturned)
    await facts.record_overturn(
        conn, e.incident_id, e.unit_type, e.unit_id, e.reason, e.overturned_at
    )


def _directory_rows(e: DirectoryChanged | DirectoryUpdated) -> dict[str, Any]:
    return {
        "departments": [(d.id, d.name, d.lead_id) for d in e.departments],
        "teams": [(t.id, t.name, t.department_id, t.lead_id) for t in e.teams],
        "staff": [(s.id, s.name, s.department_id, s.team_id, list(s.roles)) for s in e.staff],
    }


async def on_directory(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, DirectoryChanged)
    replaced = await facts.replace_directory(conn, e.version, **_directory_rows(e))
    if replaced:  # which department a team's facts count for may have changed
        await totals.invalidate(conn)
    log.info("directory_received", version=e.version, replaced=replaced)


async def on_directory_update(conn: Conn, env: Envelope) -> None:
    """Apply what changed to the copy if it follows on from its version (DirectoryUpdated.step)."""
    e = env.data
    assert isinstance(e, DirectoryUpdated)
    held = await facts.directory_version_for_update(conn)
    step = e.step(held)
    if step in ("reset", "apply"):
        rows = _directory_rows(e)
        await facts.store_directory(conn, e.version, **rows, reset=step == "reset")
        if step == "reset" or any(rows.values()):  # a team's department may have changed
            await totals.invalidate(conn)
    log_step = log.warning if step == "gap" else log.info
    log_step("directory_update", step=step, held=held, version=e.version, page=e.page)


def scope_of(e: Event, s: totals.Scope | None = None) -> totals.Scope:
    """The ids of every fact the event can change (whose totals it can move), added to `s`."""
    s = s if s is not None else totals.Scope()
    if isinstance(
        e, TicketOpened | TicketAssigned | TicketStatusChanged | TicketTransferred | TicketMerged
    ):
        s.tickets.add(e.ticket_id)
        s.reports.add(e.report_id)
    if isinstance(e, TicketTransferred):
        s.transfers.add(e.transfer_id)
    if isinstance(e, FixConfirmed | FixRejected | SatisfactionRated):
        s.reports.add(e.report_id)
        if e.ticket_id is not None:
            s.tickets.add(e.ticket_id)
    if isinstance(e, SurveyResponded | SurveyClosed):
        s.surveys.add(e.survey_id)
    if isinstance(e, VoteCast):
        s.votes.add(e.vote_id)
    if isinstance(e, InspectionRecorded):
        s.inspections.add(e.inspection_id)
    if isinstance(e, RectificationOverdue):
        s.overdue.add(e.subject_id)
    if isinstance(e, PraiseReceived):
        s.praises.add(e.report_id)
    if isinstance(e, RectificationAccepted | RectificationRejected):
        s.rectifications.add(e.item_id)
    if isinstance(e, RecurringProblemDetected):
        s.recurring.add(detection_id(e.problem_id, e.detected_at))
    return s


async def on_events(conn: Conn, envs: list[Envelope]) -> None:
    """Record a run of events (of any types, each key's in its order) and add what they changed
    to the running totals: the totals of every fact the run can change are read once before and
    once after, whatever the mix."""
    scope = totals.Scope()
    for env in envs:
        scope_of(env.data, scope)

    async def record() -> None:
        for env in envs:
            await _RECORDERS[type(env.data)](conn, env)

    await add_event_totals(conn, scope, record)
    await facts.touch_open_campaigns(conn)


_RECORDERS: dict[type[Event], Handler] = {
    TicketOpened: on_ticket_opened,
    TicketAssigned: on_ticket_assigned,
    TicketStatusChanged: on_status_changed,
    TicketTransferred: on_transferred,
    TicketMerged: on_merged,
    RectificationOverdue: on_overdue,
    PraiseReceived: on_praise,
    RectificationAccepted: on_rectification_result,
    RectificationRejected: on_rectification_result,
    RecurringProblemDetected: on_recurring,
    FixConfirmed: on_fix_confirmed,
    FixRejected: on_fix_rejected,
    SatisfactionRated: on_rated,
    SurveyResponded: on_survey_responded,
    SurveyClosed: on_survey_closed,
    VoteCast: on_vote,
    InspectionRecorded: on_inspection,
    IncidentVerified: on_incident_verified,
    IncidentOverturned: on_incident_overturned,
    DirectoryChanged: on_directory,
    DirectoryUpdated: on_directory_update,
}
# One batch handler for every type: the worker hands it runs of mixed events (houqin_shared.runs).
BATCH_HANDLERS: dict[type[Event], BatchHandler] = dict.fromkeys(_RECORDERS, on_events)
HANDLERS: dict[type[Event], Handler] = dict.fromkeys(_RECORDERS, one_at_a_time(on_events))
