"""China's official holidays and 调休 working days of a year (from `chinesecalendar`), for an
administrator to pre-fill the working calendar with (PUT /v1/directory/calendar)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tickets.deps import Reader
from tickets.official_calendar import OfficialYear, official_year

router = APIRouter(tags=["directory"])  # under api_directory's /directory


@router.get("/calendar/official", response_model=OfficialYear)
async def official(
    _: Reader, year: Annotated[int, Query(ge=2004, le=2100, description="e.g. 2026")]
) -> OfficialYear:
    """The year's statutory holidays (the whole breaks) and make-up working days on weekends;
    `known: false` when the package has no schedule for the year yet."""
    return official_year(year)
