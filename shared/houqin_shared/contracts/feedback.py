"""Contracts published by the feedback service (topic houqin.feedback.events)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Channel, Location, ReportKind, UnitType, Urgency

FEEDBACK_TOPIC = "houqin.feedback.events"
FEEDBACK_SOURCE = "/houqin/feedback"


class ComplaintFiled(Event):
    """A report (repair request, complaint, suggestion, praise or consultation) was filed.

    An anonymous reporter's identity is never in this event: `reporter_id` is null for them.
    """

    event_type = "houqin.feedback.ComplaintFiled.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A report was filed through any channel and given a tracking number."

    report_id: UUID = Field(description="Opaque id of the report; the aggregate id.")
    tracking_no: str = Field(description="Human-readable tracking number, e.g. FK20261121-0042.")
    kind: ReportKind
    category: str = Field(description="Service catalogue code, e.g. 'plumbing'.")
    channel: Channel
    urgency: Urgency = "normal"
    location: Location
    description: str
    anonymous: bool = Field(description="True when the reporter asked to stay anonymous.")
    reporter_id: str | None = Field(
        None, description="Reporter's user id; always null when anonymous is true."
    )
    photo_count: int = Field(0, ge=0)
    filed_at: datetime
    origin: str | None = Field(
        None,
        description="Offline channels: where it came from (suggestion box code, reception-day "
        "session id, inspection round).",
    )
    answered_on_spot: str | None = Field(
        None,
        description="Set when leaders answered it at a reception day: the answer given; the "
        "report is closed with it and needs no ticket.",
    )

    def key(self) -> str:
        return str(self.report_id)


class FixConfirmed(Event):
    """The reporter confirmed the fix (or it was auto-confirmed after the waiting period)."""

    event_type = "houqin.feedback.FixConfirmed.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A reporter confirmed that the problem is fixed, or it was auto-confirmed."

    report_id: UUID
    ticket_id: UUID | None = None
    tracking_no: str
    auto: bool = Field(description="True when no answer came in time; never counts as satisfied.")
    confirmed_at: datetime

    def key(self) -> str:
        return str(self.report_id)


class FixRejected(Event):
    """The reporter says it is not fixed: the ticket reopens."""

    event_type = "houqin.feedback.FixRejected.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A reporter says the problem is not fixed; the ticket reopens."

    report_id: UUID
    ticket_id: UUID | None = None
    tracking_no: str
    reason: str
    rejected_at: datetime

    def key(self) -> str:
        return str(self.report_id)


class SatisfactionRated(Event):
    """A reporter rated a fix 1-5 on quality, timeliness and attitude."""

    event_type = "houqin.feedback.SatisfactionRated.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A reporter rated the handling of their report."

    rating_id: UUID
    report_id: UUID
    ticket_id: UUID | None = None
    tracking_no: str
    category: str
    quality: int = Field(ge=1, le=5)
    timeliness: int = Field(ge=1, le=5)
    attitude: int = Field(ge=1, le=5)
    comment: str | None = None
    rated_at: datetime

    def key(self) -> str:
        return str(self.report_id)


class UnitScore(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    unit_type: UnitType
    unit_id: str
    score: float = Field(ge=0, le=100, description="0-100.")
    responses: int = Field(1, ge=0, description="Answers behind the score (1 in a response).")


class SurveyResponded(Event):
    """One respondent answered a satisfaction survey (no respondent identity)."""

    event_type = "houqin.feedback.SurveyResponded.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A satisfaction survey was answered."

    survey_id: UUID
    response_id: UUID
    campaign_id: UUID | None = None
    scores: list[UnitScore] = Field(description="This response's score per rated unit.")
    responded_at: datetime

    def key(self) -> str:
        return str(self.survey_id)


class SurveyClosed(Event):
    """A satisfaction survey closed, with its result per rated unit."""

    event_type = "houqin.feedback.SurveyClosed.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A satisfaction survey closed; results per unit."

    survey_id: UUID
    campaign_id: UUID | None = None
    title: str
    period_start: date
    period_end: date
    results: list[UnitScore]
    closed_at: datetime

    def key(self) -> str:
        return str(self.survey_id)


class SurveyInvitee(BaseModel):
    """One person invited to answer a survey, and the page their personal link opens."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    person_id: str = Field(description="The invitee's user id (the message's recipient).")
    link: str = Field(
        description="Console path of their personal link, /surveys/{survey_id}?t=<token>: the "
        "token is their one-time credential to answer (feedback keeps only its hash)."
    )


class SurveyInvitationsIssued(Event):
    """Personal links to a satisfaction survey were issued; notify sends each invitee theirs.

    A large audience comes as several events (at most 500 invitees each). Nothing else about
    the invitees is carried: notify finds their names, language and channels itself.
    """

    event_type = "houqin.feedback.SurveyInvitationsIssued.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "Personal links to a satisfaction survey were issued, for notify to send."

    survey_id: UUID
    title: str
    period_end: date = Field(description="The last day answers are taken.")
    invitees: list[SurveyInvitee] = Field(min_length=1, max_length=500)
    issued_at: datetime

    def key(self) -> str:
        return str(self.survey_id)


class VoteCast(Event):
    """One vote for a service window or team in a ballot (no voter identity)."""

    event_type = "houqin.feedback.VoteCast.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A vote was cast in a ballot (我为你投一票)."

    ballot_id: UUID
    vote_id: UUID
    campaign_id: UUID | None = None
    unit_type: UnitType
    unit_id: str
    cast_at: datetime

    def key(self) -> str:
        return str(self.ballot_id)


class StageLimits(BaseModel):
    """Published time limits, in minutes, for one urgency (null: no limit for that stage)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    urgency: Urgency
    accept_minutes: int | None = Field(None, ge=1)
    arrive_minutes: int | None = Field(None, ge=1)
    finish_minutes: int | None = Field(None, ge=1)


class EscalationSteps(BaseModel):
    """How a late stage of a service's tickets is chased (督办), in percent of the stage's limit:
    the assignee is warned first, then levels 1 (team lead; without one, the department head),
    2 (department head) and 3 (quality supervisors), then level-3 reminders."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    warn_at_percent: int = Field(
        80, ge=1, le=99, description="The assignee is warned at this share of the limit."
    )
    level_percents: list[int] = Field(
        [100, 200, 300],
        min_length=3,
        max_length=3,
        description="Levels 1, 2 and 3 at these shares of the limit (increasing; the first at"
        " least 100, the due time).",
    )
    remind_every_minutes: int = Field(
        120,
        ge=5,
        le=10080,
        description="Level-3 reminders, and the chase of an undecided cannot_handle ticket, this"
        " much working time apart.",
    )


class ServiceCatalogChanged(Event):
    """A service in the public catalogue was created or changed (服务承诺)."""

    event_type = "houqin.feedback.ServiceCatalogChanged.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A published service commitment changed; SLA clocks follow it."

    code: str = Field(description="Catalogue code, the `category` of reports.")
    name: str
    department_id: str | None = None
    limits: list[StageLimits]
    calendar: Literal["working_hours", "round_the_clock"] = "working_hours"
    active: bool = True
    version: int = Field(ge=1)
    changed_at: datetime
    reply_minutes: int | None = Field(
        None,
        ge=1,
        description="The published reply deadline of a suggestion or consultation (建议, 咨询)"
        " about this service, working minutes (null: the tickets service's default).",
    )
    escalation: EscalationSteps | None = Field(
        None, description="How late tickets of this service are chased (null: the defaults)."
    )

    def key(self) -> str:
        return self.code


class ReportLinked(Event):
    """Staff linked a report as a duplicate of a primary one: the primary's ticket is worked for
    both, and the linked report's own ticket (if one was opened) is merged into it."""

    event_type = "houqin.feedback.ReportLinked.v1"
    topic = FEEDBACK_TOPIC
    source = FEEDBACK_SOURCE
    summary = "A report was linked as a duplicate of another; one ticket works them all."

    report_id: UUID = Field(description="The linked (duplicate) report; the aggregate id.")
    tracking_no: str
    primary_report_id: UUID = Field(description="The report it duplicates (never itself linked).")
    primary_tracking_no: str
    category: str
    linked_at: datetime

    def key(self) -> str:
        return str(self.report_id)


CONTRACTS: tuple[type[Event], ...] = (
    ComplaintFiled,
    FixConfirmed,
    FixRejected,
    SatisfactionRated,
    SurveyResponded,
    SurveyClosed,
    VoteCast,
    ServiceCatalogChanged,
    ReportLinked,
    SurveyInvitationsIssued,
)
