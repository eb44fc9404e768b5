"""Contracts published by the tickets service (topic houqin.tickets.events)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Location, ReportKind, Urgency

TICKETS_TOPIC = "houqin.tickets.events"
TICKETS_SOURCE = "/houqin/tickets"

Track = Literal["repair", "complaint", "answer"]
TRACK_DESCRIPTION = (
    "How the ticket is worked: repair (accept, on site, resolve), complaint (to the department"
    " head: acknowledge, investigate, answer with an outcome) or answer (a suggestion or"
    " consultation: one reply deadline). Older producers: repair."
)
ComplaintOutcome = Literal["upheld", "partly_upheld", "not_upheld"]
PauseReason = Literal["waiting_parts", "reporter_absent", "outside_contractor"]


class TicketOpened(Event):
    """A ticket was opened for a report and routed to a team (or a department's queue)."""

    event_type = "houqin.tickets.TicketOpened.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket was opened for a filed report."

    ticket_id: UUID = Field(description="The ticket's id; the aggregate id.")
    report_id: UUID
    tracking_no: str
    kind: ReportKind
    category: str
    urgency: Urgency
    location: Location
    department_id: str | None = Field(None, description="Owning department, when routed.")
    team_id: str | None = Field(None, description="Responsible team, when routed to one.")
    opened_at: datetime
    track: Track = Field("repair", description=TRACK_DESCRIPTION)

    def key(self) -> str:
        return str(self.ticket_id)


class TicketAssigned(Event):
    """A ticket was assigned to a person (the on-duty primary, the backup, or by hand)."""

    event_type = "houqin.tickets.TicketAssigned.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket was assigned to a member of staff."

    ticket_id: UUID
    report_id: UUID
    tracking_no: str
    assignee_id: str
    team_id: str | None = None
    department_id: str | None = None
    via: Literal["primary", "backup", "manual"] = Field(
        description="primary: the post's primary; backup: primary away; manual: by a lead, or"
        " by the role `as_role` names (complaint and answer tickets)."
    )
    assigned_at: datetime
    as_role: Literal["department_head", "team_lead", "supervisor"] | None = Field(
        None,
        description="Complaint and answer tickets: the role the assignee handles it as (a"
        " complaint goes to the department head, else a quality supervisor; never to the team"
        " complained about).",
    )

    def key(self) -> str:
        return str(self.ticket_id)


class RectificationOverdue(Event):
    """A ticket stage or a rectification item ran past (or, as a warning, close to) its due time.

    Levels: 1 team lead, 2 department head, 3 quality supervisors and the division leader.
    """

    event_type = "houqin.tickets.RectificationOverdue.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "Something is late (or about to be): escalate to the level's recipients."

    subject_kind: Literal["ticket", "rectification"]
    subject_id: UUID = Field(description="The ticket or rectification item; the aggregate id.")
    tracking_no: str | None = None
    stage: Literal["accept", "arrive", "finish", "deadline"]
    level: int = Field(ge=1, le=3)
    warning: bool = Field(False, description="True for the warning sent before the due time.")
    due_at: datetime
    overdue_by_s: int = Field(description="Seconds past due (negative for a warning).")
    department_id: str | None = None
    team_id: str | None = None
    responsible_id: str | None = None
    detected_at: datetime

    def key(self) -> str:
        return str(self.subject_id)


TicketStatus = Literal[
    "new",
    "assigned",
    "accepted",
    "on_site",
    "resolved",
    "closed",
    "reopened",
    "cannot_handle",
    "paused",
    "resumed",
]


class TicketStatusChanged(Event):
    """A ticket moved through its lifecycle (accepted, on site, resolved, closed, reopened,
    cannot be handled, clock paused or resumed)."""

    event_type = "houqin.tickets.TicketStatusChanged.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket's status changed."

    ticket_id: UUID
    report_id: UUID
    tracking_no: str
    status: TicketStatus
    previous_status: TicketStatus
    actor_id: str | None = Field(None, description="Who did it; null for the system.")
    department_id: str | None = None
    team_id: str | None = None
    assignee_id: str | None = None
    note: str | None = Field(
        None,
        description="Public reply or explanation (cannot_handle, pause reason) for the reporter.",
    )
    stage: Literal["accept", "arrive", "finish"] | None = Field(
        None, description="The time-limited stage this change completes, if any."
    )
    stage_due_at: datetime | None = None
    on_time: bool | None = Field(None, description="Whether `stage` was completed by its due time.")
    changed_at: datetime
    superior_id: str | None = Field(
        None,
        description="For cannot_handle: the team lead (or department head) it is reported to.",
    )
    track: Track = Field("repair", description=TRACK_DESCRIPTION)
    outcome: ComplaintOutcome | None = Field(
        None,
        description="A complaint's answer (status resolved): upheld (经查属实), partly upheld or"
        " not upheld; `note` is the reply the complainant sees.",
    )
    pause_reason: PauseReason | None = Field(
        None,
        description="For paused: waiting_parts (等待配件), reporter_absent (报修人不在) or"
        " outside_contractor (外包单位处理).",
    )
    pause_until: datetime | None = Field(
        None, description="For paused: when the pause runs out and the ticket is resumed."
    )
    closed_as: Literal["cannot_be_done"] | None = Field(
        None,
        description="For closed: cannot_be_done (不能办理) when the team lead or department head"
        " closed a ticket that could not be handled; `note` is the reason the reporter sees and"
        " the finish stage counts as late (on_time false) unless a supervisor accepts it.",
    )
    reason_accepted_by: str | None = Field(
        None,
        description="Set on the correction a supervisor's acceptance of a cannot_be_done reason"
        " emits: status stays closed, `changed_at` is the close's time and `on_time` for the"
        " finish stage becomes true.",
    )

    def key(self) -> str:
        return str(self.ticket_id)


class TicketTransferred(Event):
    """A transfer to another team or department was requested, accepted or rejected."""

    event_type = "houqin.tickets.TicketTransferred.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket transfer was requested, accepted or rejected (不推诿)."

    ticket_id: UUID
    report_id: UUID
    tracking_no: str
    transfer_id: UUID
    state: Literal["requested", "accepted", "rejected"]
    from_department_id: str | None = None
    from_team_id: str | None = None
    to_department_id: str | None = None
    to_team_id: str | None = None
    reason: str
    actor_id: str | None = None
    transfer_count: int = Field(ge=0, description="Accepted transfers of this ticket so far.")
    at: datetime

    def key(self) -> str:
        return str(self.ticket_id)


class RectificationOpened(Event):
    """A rectification item (整改) was raised: problem, measures, responsible person, deadline."""

    event_type = "houqin.tickets.RectificationOpened.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A rectification item was raised."

    item_id: UUID
    origin: Literal["inspection", "reception_day", "supervisor", "meeting", "ticket", "safety"]
    origin_id: str | None = None
    problem: str
    measures: str | None = None
    responsible_id: str | None = None
    department_id: str | None = None
    team_id: str | None = None
    deadline: datetime
    opened_at: datetime

    def key(self) -> str:
        return str(self.item_id)


class RectificationAccepted(Event):
    """A supervisor accepted (验收) a rectification item."""

    event_type = "houqin.tickets.RectificationAccepted.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A rectification item passed acceptance."

    item_id: UUID
    department_id: str | None = None
    team_id: str | None = None
    responsible_id: str | None = Field(
        None, description="The item's responsible person (told of the result)."
    )
    accepted_by: str
    on_time: bool
    accepted_at: datetime

    def key(self) -> str:
        return str(self.item_id)


class RectificationRejected(Event):
    """A rectification item failed acceptance and reopens with a new deadline."""

    event_type = "houqin.tickets.RectificationRejected.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A rectification item failed acceptance and reopens."

    item_id: UUID
    department_id: str | None = None
    team_id: str | None = None
    responsible_id: str | None = Field(
        None, description="The item's responsible person (told of the result)."
    )
    rejected_by: str
    reason: str
    new_deadline: datetime
    rejected_at: datetime

    def key(self) -> str:
        return str(self.item_id)


class InspectionRecorded(Event):
    """A quality or safety inspection of a team or department was recorded with its score."""

    event_type = "houqin.tickets.InspectionRecorded.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A supervision inspection was recorded (the 30% inspection component)."

    inspection_id: UUID
    kind: Literal["quality", "safety"]
    unit_type: Literal["department", "team"]
    unit_id: str
    department_id: str | None = None
    score: float = Field(ge=0, le=100)
    findings: int = Field(ge=0)
    hazards: int = Field(0, ge=0)
    inspector_id: str
    inspected_at: datetime

    def key(self) -> str:
        return str(self.inspection_id)


class IncidentVerified(Event):
    """A verified service-quality or safety incident: the one-vote veto (一票否决) applies."""

    event_type = "houqin.tickets.IncidentVerified.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A service-quality or safety incident was verified."

    incident_id: UUID
    kind: Literal["service_quality", "safety"]
    unit_type: Literal["department", "team", "staff"]
    unit_id: str
    department_id: str | None = None
    team_id: str | None = None
    ticket_id: UUID | None = None
    summary_text: str
    occurred_at: datetime
    verified_by: str
    verified_at: datetime

    def key(self) -> str:
        return str(self.incident_id)


class IncidentOverturned(Event):
    """A verified incident was overturned on appeal: the veto is lifted."""

    event_type = "houqin.tickets.IncidentOverturned.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A verified incident was overturned on appeal."

    incident_id: UUID
    unit_type: Literal["department", "team", "staff"]
    unit_id: str
    reason: str
    overturned_by: str
    overturned_at: datetime

    def key(self) -> str:
        return str(self.incident_id)


class RecurringProblemDetected(Event):
    """The same place and category failed again and again within a window."""

    event_type = "houqin.tickets.RecurringProblemDetected.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A problem keeps coming back at one place (重复问题)."

    problem_id: str = Field(description="Stable id of the place+category pair.")
    category: str
    location: Location
    count: int = Field(ge=2)
    window_days: int = Field(ge=1)
    ticket_ids: list[UUID]
    department_id: str | None = None
    team_id: str | None = None
    detected_at: datetime

    def key(self) -> str:
        return self.problem_id


class PraiseReceived(Event):
    """A praise (表扬) was routed to the team (and person) it credits; it opens no ticket."""

    event_type = "houqin.tickets.PraiseReceived.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A praise was credited to the team (and person) responsible for the place and work."

    report_id: UUID = Field(description="The praise's report; the aggregate id.")
    tracking_no: str
    category: str
    location: Location
    department_id: str | None = Field(None, description="Owning department, when routed.")
    team_id: str | None = Field(None, description="The team praised, when routed to one.")
    staff_id: str | None = Field(
        None, description="The person credited: the post's on-duty primary (or backup), if any."
    )
    received_at: datetime

    def key(self) -> str:
        return str(self.report_id)


class StaffEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str
    department_id: str | None = None
    team_id: str | None = None
    roles: list[str] = []
    email: str | None = None
    phone: str | None = None
    wecom: str | None = None
    dingtalk: str | None = None
    feishu: str | None = None


class UnitEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str
    department_id: str | None = Field(None, description="For a team: its department.")
    lead_id: str | None = Field(None, description="Team lead or department head.")


class DirectoryChanged(Event):
    """The directory changed; this is the whole current directory, so a reader can replace its
    copy. Superseded by DirectoryUpdated (only what changed): still published when an import
    changes the directory and the whole of it fits in one event, for readers that know no other."""

    event_type = "houqin.tickets.DirectoryChanged.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "The organisation directory changed (full snapshot, while it is small)."

    version: int = Field(ge=1)
    departments: list[UnitEntry]
    teams: list[UnitEntry]
    staff: list[StaffEntry]
    changed_at: datetime

    def key(self) -> str:
        return "directory"


DirectoryStep = Literal["reset", "apply", "skip", "gap"]


class DirectoryUpdated(Event):
    """What one directory change added or changed (departments, teams, staff, each whole), or,
    with `reset`, the first page of the whole directory (a snapshot: published periodically and
    on request, for a reader that starts afresh or missed a change). A change too large for one
    event comes in pages: the first moves a copy from `previous_version` to `version`, the
    others have `previous_version` = `version`. Leave and duty are not in it (a leave change is
    an event with no entries). `step` says what a reader whose copy is at a version does."""

    event_type = "houqin.tickets.DirectoryUpdated.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "The organisation directory changed (only what changed, or a snapshot in pages)."

    version: int = Field(ge=1, description="The directory's version with this change.")
    previous_version: int = Field(
        ge=0,
        description="The version of the copy this applies to (0: an empty directory). A reader"
        " whose copy is at another, older version missed a change: it waits for a snapshot.",
    )
    reset: bool = Field(
        False, description="First page of a snapshot: a reader with an older copy empties it."
    )
    page: int = Field(1, ge=1, description="This page's number, from 1.")
    pages: int = Field(1, ge=1, description="How many pages this change or snapshot has.")
    departments: list[UnitEntry] = Field([], description="Departments added or changed.")
    teams: list[UnitEntry] = Field([], description="Teams added or changed.")
    staff: list[StaffEntry] = Field([], description="Staff added or changed.")
    changed_at: datetime

    def key(self) -> str:
        return "directory"

    def step(self, copy_version: int | None) -> DirectoryStep:
        """What a reader whose copy is at `copy_version` (None: no copy) does with this event:
        reset (empty the copy, then apply), apply (upsert the entries, take `version`), skip
        (it has this already) or gap (it missed a change: ignore, wait for a snapshot)."""
        held = copy_version or 0
        if self.reset:
            return "reset" if self.version > held else "skip"
        if self.previous_version == held and self.version >= held:
            return "apply"  # the next change, or a further page of the one the copy is at
        return "skip" if self.version <= held else "gap"


class TicketMerged(Event):
    """A ticket was merged into the ticket of the report its own report duplicates (feedback's
    ReportLinked): it is closed without work and leaves every count (volume, rates,
    recurrence); the primary ticket is worked for both reporters."""

    event_type = "houqin.tickets.TicketMerged.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A duplicate's ticket was merged into the primary report's ticket."

    ticket_id: UUID = Field(description="The merged (closed) ticket; the aggregate id.")
    report_id: UUID
    tracking_no: str
    into_ticket_id: UUID = Field(description="The primary report's ticket, worked for both.")
    into_report_id: UUID
    into_tracking_no: str
    previous_status: TicketStatus
    department_id: str | None = None
    team_id: str | None = None
    assignee_id: str | None = Field(None, description="Who had it (it leaves their queue).")
    merged_at: datetime

    def key(self) -> str:
        return str(self.ticket_id)


class TicketChased(Event):
    """A ticket was chased (督办) with a note: its lead, head, a supervisor or a leader asks those
    working on it for something by a time. Told to the assignee and the team lead."""

    event_type = "houqin.tickets.TicketChased.v1"
    topic = TICKETS_TOPIC
    source = TICKETS_SOURCE
    summary = "A ticket was chased (督办) with a note for those working on it."

    ticket_id: UUID = Field(description="The ticket chased; the aggregate id.")
    report_id: UUID
    tracking_no: str
    note: str = Field(description="What is asked, and by when (the chaser's words).")
    chased_by: str = Field(description="Who chased it (staff id).")
    level: int | None = Field(
        None, ge=1, le=3, description="The escalation level the ticket had reached, if any."
    )
    status: TicketStatus
    department_id: str | None = None
    team_id: str | None = None
    assignee_id: str | None = Field(None, description="Who has the ticket (told of the chase).")
    chased_at: datetime

    def key(self) -> str:
        return str(self.ticket_id)


CONTRACTS: tuple[type[Event], ...] = (
    TicketOpened,
    TicketAssigned,
    TicketStatusChanged,
    TicketTransferred,
    RectificationOverdue,
    RectificationOpened,
    RectificationAccepted,
    RectificationRejected,
    InspectionRecorded,
    IncidentVerified,
    IncidentOverturned,
    RecurringProblemDetected,
    PraiseReceived,
    DirectoryChanged,
    DirectoryUpdated,
    TicketMerged,
    TicketChased,
)
