"""Closing a satisfaction survey, by a supervisor or when its period has ended: SurveyClosed with
the mean score per unit, in the caller's transaction, after the caller closed the survey row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.repository import surveys
from houqin_shared import outbox
from houqin_shared.contracts import SurveyClosed
from houqin_shared.contracts.feedback import UnitScore
from houqin_shared.db import Conn


async def publish_closed(conn: Conn, survey: dict[str, Any], at: datetime) -> list[UnitScore]:
    """Store the closed survey's SurveyClosed event; returns its results per unit."""
    results = [UnitScore(**r) for r in await surveys.results(conn, survey["id"])]
    await outbox.add(
        conn,
        SurveyClosed(
            survey_id=survey["id"],
            campaign_id=survey["campaign_id"],
            title=survey["title"],
            period_start=survey["period_start"],
            period_end=survey["period_end"],
            results=results,
            closed_at=at,
        ),
    )
    return results
