"""Reports from other campus systems (topic houqin.inbound.reports): each valid one becomes a
report with channel external, once per (source system, external id); an invalid one is
dead-lettered at once with the reason."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from feedback import domain, intake
from feedback.settings import FeedbackSettings
from houqin_shared.contracts import ReportSubmitted
from houqin_shared.contracts.base import BadEvent, Envelope
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger

log = get_logger(__name__)


@cache
def _zone() -> ZoneInfo:
    return ZoneInfo(FeedbackSettings().timezone)


def _checked(e: ReportSubmitted) -> domain.ReportIn:
    """The submission as an intake request, or BadEvent saying what is wrong with it."""
    try:
        return domain.ReportIn.model_validate(
            {
                "kind": e.kind,
                "category": e.category,
                "channel": "external",
                "urgency": e.urgency,
                "location": e.location.model_dump(exclude_none=True),
                "description": e.description,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise BadEvent("invalid_report", problems) from exc


async def on_report_submitted(conn: Conn, env: Envelope) -> None:
    e = env.data
    assert isinstance(e, ReportSubmitted)
    report = _checked(e)
    try:
        row = await intake.file(
            conn,
            report,
            # a number at a time: the worker files few reports
            intake.Desk(intake.TrackingNumbers(), _zone(), f"system:{e.source_system}"),
            reporter=None,
            source_system=e.source_system,
            external_id=e.external_id,
        )
    except intake.Refused as exc:  # an inactive category: the only refusal here
        raise BadEvent("unknown_category", exc.detail) from exc
    if row is None:
        log.info("inbound_duplicate", source_system=e.source_system, external_id=e.external_id)
        return
    log.info("inbound_report", report_id=str(row["id"]), source_system=e.source_system)
