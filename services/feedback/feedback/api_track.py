"""查询进度: public progress tracking by tracking number and access code, no sign-in (for a
hotline caller or a box writer without a campus account)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from feedback import domain_track
from feedback.domain_track import TrackIn, TrackOut, TrackStep
from feedback.limits import Limiters, client_address, too_many
from feedback.repository import timeline, track
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/track", tags=["tracking"])

_NOT_FOUND = "https://houqin.dev/problems/track-not-found"
TRACK_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {
        "description": f"No report with this number and code (type {_NOT_FOUND}); an unknown"
        " number and a wrong code give the same answer.",
        "content": {"application/problem+json": {}},
    },
    422: {
        "description": "The body did not validate (type https://houqin.dev/problems/validation).",
        "content": {"application/problem+json": {}},
    },
    429: {
        "description": "Too many look-ups from this address or for this number (type"
        " https://houqin.dev/problems/rate-limited; see Retry-After).",
        "content": {"application/problem+json": {}},
    },
}


def _limit(request: Request, tracking_no: str) -> None:
    limiters: Limiters = request.app.state.limiters
    if wait := limiters.track.take(client_address(request)):
        raise too_many(wait, "address")
    if wait := limiters.track_number.take(tracking_no):
        raise too_many(wait, "tracking number")


@router.post("", response_model=TrackOut, responses=TRACK_PROBLEMS)
async def track_report(body: TrackIn, request: Request, pool: DbPool) -> TrackOut:
    """The progress of a report (kind, category, status, stage and every step with its time)
    for whoever holds its tracking number and the access code given when it was filed. Nothing
    that names or could identify the reporter is shown. No sign-in; look-ups are rate-limited
    per client address and per tracking number."""
    _limit(request, body.tracking_no)
    async with pool.acquire() as conn:
        row = await track.public_report(conn, body.tracking_no)
        stored = row["access_hash"] if row else None
        if row is None or not domain_track.matches(stored, row["id"], body.code):
            raise problem("track-not-found", "no report with this tracking number and access code")
        entries = await timeline.entries_of(conn, row["id"])
    steps = [TrackStep(kind="filed", status="filed", at=row["filed_at"])]
    steps += [
        TrackStep(kind=e["kind"], status=e["status"], at=e["at"])
        for e in entries
        if e["kind"] in domain_track.PUBLIC_STEPS
    ]
    return TrackOut(**{k: row[k] for k in TrackOut.model_fields if k in row}, steps=steps)
