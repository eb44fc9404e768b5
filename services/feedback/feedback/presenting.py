"""What a viewer sees of a report (and of a possible duplicate), and who may read one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from feedback import domain_duplicates as dup
from feedback import domain_public as public
from feedback.domain_track import Stage
from feedback.rows import ReportRow
from houqin_shared.contracts import Location
from houqin_shared.principal import Principal, Role


class DuplicateOut(BaseModel):
    """Enough to judge whether it is the same problem, and nothing personal."""

    id: uuid.UUID
    tracking_no: str
    summary: str
    filed_at: datetime
    status: str
    supporters: int
    photo_count: int = 0
    first_photo_id: uuid.UUID | None = None


class ReportOut(BaseModel):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    channel: str
    urgency: str
    location: Location
    description: str
    anonymous: bool
    status: str
    stage: Stage | None = Field(
        None,
        description="The reporter's tab: 待受理 received, 处理中 in_progress, 待确认评价"
        " to_confirm, 已完成 done.",
    )
    filed_at: datetime
    access_code: str | None = Field(
        None,
        description="Only in the filing answer (web and front desk): the code that, with the"
        " tracking number, shows the report's progress at POST /v1/track without signing in."
        " Given once; only its hash is kept.",
    )
    reporter_id: str | None = None
    contact: str | None = None
    origin: str | None = None
    ticket_status: str | None = None
    explanation: str | None = None
    awaiting_confirmation: bool = False
    confirmation: str | None = None
    confirmed_at: datetime | None = None
    photo_ids: list[uuid.UUID] = Field(default_factory=list)
    media_url: str | None = Field(
        None, description="A link to a photo that an Open311 client gave (not stored here)."
    )
    primary_id: uuid.UUID | None = Field(
        None, description="Set when staff linked this report to the primary one of its group."
    )
    possible_duplicates: list[DuplicateOut] | None = Field(
        None, description="On filing: open reports like this one (see GET /v1/duplicates)."
    )
    view: Literal["full", "supporter"] = Field(
        "full",
        description="supporter: what someone who said 'me too' sees of another's report: its"
        " category, campus and building, status and stage; never its text, photos, room,"
        " contact or who reported it.",
    )


READS_EVERY_REPORT = (Role.supervisor, Role.admin, Role.front_desk)


def present(row: ReportRow, viewer: Principal) -> ReportOut:
    """What `viewer` may see: the reporter's identity and contact go to the reporter, and to
    supervisors, admins and front desk unless the reporter is anonymous (then only to a
    supervisor, through unmasking)."""
    out = ReportOut.model_validate(row)
    own = row["reporter_id"] is not None and row["reporter_id"] == viewer.subject
    staff = viewer.has_any(Role.supervisor, Role.admin, Role.front_desk) and not row["anonymous"]
    if not (own or staff):
        out.reporter_id = None
        out.contact = None
    if not own and not viewer.has_any(*READS_EVERY_REPORT, Role.service):
        return supporter_view(out)  # may_read let them in as a "me too" supporter
    return out


def supporter_view(out: ReportOut) -> ReportOut:
    """A "me too" supporter's view of another's report: the public summary and the progress."""
    place = Location(campus=out.location.campus, building=out.location.building)
    hidden = dict.fromkeys(
        ("reporter_id", "contact", "origin", "explanation", "media_url", "access_code")
    )
    return out.model_copy(
        update=hidden | {"description": "", "location": place, "photo_ids": [], "view": "supporter"}
    )


def may_read(row: ReportRow, who: Principal, supporter: bool = False) -> bool:
    """The reporter, a "me too" supporter (who is shown only `supporter_view`), supervisors,
    admins and front desk (who answers callers asking after a report by its number)."""
    own = row["reporter_id"] is not None and row["reporter_id"] == who.subject
    return own or supporter or who.has_any(*READS_EVERY_REPORT)


def candidate(row: dict[str, Any]) -> DuplicateOut:
    """A possible duplicate as any signed-in user sees it: the text and photos only of a public
    report (feedback.domain_public); of any other, its number, time, status and supporters."""
    shown = public.is_public(row)
    return DuplicateOut(
        id=row["id"],
        tracking_no=row["tracking_no"],
        summary=dup.summary(row["description"]) if shown else "",
        filed_at=row["filed_at"],
        status=row["status"],
        supporters=row["supporters"],
        photo_count=row["photo_count"] if shown else 0,
        first_photo_id=row["first_photo_id"] if shown else None,
    )
