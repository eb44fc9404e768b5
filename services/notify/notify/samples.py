"""A sample of every event type notify handles: the data templates are checked and previewed
against (no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from houqin_shared.contracts import (
    AwardsPublished,
    ComplaintFiled,
    Location,
    PraiseReceived,
    RectificationOpened,
    RectificationOverdue,
    RectificationRejected,
    RecurringProblemDetected,
    ScoreComputed,
    SurveyInvitationsIssued,
    TicketAssigned,
    TicketChased,
    TicketMerged,
    TicketOpened,
    TicketStatusChanged,
)
from houqin_shared.contracts.base import Event
from houqin_shared.contracts.feedback import SurveyInvitee
from houqin_shared.contracts.scoring import Award
from notify import links
from notify.domain import template_context
from notify.names import Names, ticket_of

_T = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
_LOC = Location(campus="north", building="north-dorm-7", floor="3", room="312")
_TRK = "FK20261121-0042"


def _filing() -> list[Event]:
    """A report filed, its ticket opened and assigned."""
    return [
        ComplaintFiled(
            report_id=_ID,
            tracking_no=_TRK,
            kind="repair",
            category="plumbing",
            channel="web",
            location=_LOC,
            description="卫生间水龙头一直在滴水",
            anonymous=False,
            reporter_id="student",
            filed_at=_T,
        ),
        TicketOpened(
            ticket_id=_ID,
            report_id=_ID,
            tracking_no=_TRK,
            kind="repair",
            category="plumbing",
            urgency="normal",
            location=_LOC,
            department_id="maintenance",
            team_id="plumbers",
            opened_at=_T,
        ),
        TicketAssigned(
            ticket_id=_ID,
            report_id=_ID,
            tracking_no=_TRK,
            assignee_id="plumber",
            team_id="plumbers",
            department_id="maintenance",
            via="backup",
            assigned_at=_T,
        ),
    ]


def _stuck_and_late() -> list[Event]:
    """A ticket its worker cannot handle, and a stage overdue."""
    return [
        TicketStatusChanged(
            ticket_id=_ID,
            report_id=_ID,
            tracking_no=_TRK,
            status="cannot_handle",
            previous_status="accepted",
            actor_id="plumber",
            assignee_id="plumber",
            department_id="maintenance",
            team_id="plumbers",
            note="需要更换整段水管，已报学校基建处",
            changed_at=_T,
        ),
        RectificationOverdue(
            subject_kind="ticket",
            subject_id=_ID,
            tracking_no=_TRK,
            stage="finish",
            level=2,
            due_at=_T - timedelta(hours=5),
            overdue_by_s=5 * 3600 + 15 * 60,
            department_id="maintenance",
            team_id="plumbers",
            responsible_id="plumber",
            detected_at=_T,
        ),
    ]


def _rectification() -> list[Event]:
    """A rectification item opened and rejected."""
    return [
        RectificationOpened(
            item_id=_ID,
            origin="inspection",
            problem="北区学生公寓7号楼3层公共卫生间地漏堵塞、积水",
            measures="疏通地漏，每周巡查一次",
            responsible_id="plumber",
            department_id="maintenance",
            team_id="plumbers",
            deadline=_T + timedelta(days=3),
            opened_at=_T,
        ),
        RectificationRejected(
            item_id=_ID,
            department_id="maintenance",
            team_id="plumbers",
            responsible_id="plumber",
            rejected_by="supervisor",
            reason="复查时地漏仍有积水",
            new_deadline=_T + timedelta(days=2),
            rejected_at=_T,
        ),
    ]


def _follow_up() -> list[Event]:
    """A ticket merged into another, chased, and a recurring problem."""
    return [
        TicketMerged(
            ticket_id=_ID,
            report_id=_ID,
            tracking_no="FK20261121-0057",
            into_ticket_id=uuid.UUID("00000000-0000-4000-8000-000000000002"),
            into_report_id=uuid.UUID("00000000-0000-4000-8000-000000000002"),
            into_tracking_no=_TRK,
            previous_status="assigned",
            department_id="maintenance",
            team_id="plumbers",
            assignee_id="plumber",
            merged_at=_T,
        ),
        TicketChased(
            ticket_id=_ID,
            report_id=_ID,
            tracking_no=_TRK,
            note="请今天17:00前到场处理，并在工单里回复进展",
            chased_by="supervisor",
            level=2,
            status="assigned",
            department_id="maintenance",
            team_id="plumbers",
            assignee_id="plumber",
            chased_at=_T,
        ),
        RecurringProblemDetected(
            problem_id="north-dorm-7:plumbing",
            category="plumbing",
            location=_LOC,
            count=4,
            window_days=30,
            ticket_ids=[_ID],
            department_id="maintenance",
            team_id="plumbers",
            detected_at=_T,
        ),
    ]


def _praise_and_scores() -> list[Event]:
    """A praise, a team's score and the awards published."""
    return [
        PraiseReceived(
            report_id=_ID,
            tracking_no=_TRK,
            category="plumbing",
            location=_LOC,
            department_id="maintenance",
            team_id="plumbers",
            staff_id="plumber",
            received_at=_T,
        ),
        ScoreComputed(
            campaign_id=_ID,
            unit_type="team",
            unit_id="plumbers",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            composite=91.5,
            work_score=90,
            inspection_score=92,
            satisfaction_score=93,
            on_time_rate=0.95,
            pass_rate=0.9,
            rank=2,
            computed_at=_T,
        ),
        AwardsPublished(
            campaign_id=_ID,
            campaign_name="2026 优质服务月",
            awards=[
                Award(award="team", unit_type="team", unit_id="plumbers", rank=1, composite=95.0)
            ],
            published_at=_T,
        ),
    ]


def _surveys() -> list[Event]:
    """A survey's invitations."""
    return [
        SurveyInvitationsIssued(
            survey_id=_ID,
            title="2026年秋季学期后勤服务满意度测评",
            period_end=date(2026, 12, 15),
            invitees=[
                SurveyInvitee(
                    person_id="teacher", link=f"/surveys/{_ID}?t=Qx7Lm2Rb9Vt4Kp1Zs8Nw3Hd6Yf0Ag5Ce"
                )
            ],
            issued_at=_T,
        ),
    ]


def _samples() -> list[Event]:
    return (
        _filing()
        + _stuck_and_late()
        + _rectification()
        + _follow_up()
        + _praise_and_scores()
        + _surveys()
    )


SAMPLES: dict[str, Event] = {e.event_type: e for e in _samples()}


# The names notify would know for the samples' codes (the demo's catalogue, area map and
# directory), and what it would know of the sample ticket: previews read as real messages.
NAMES = Names(
    categories={"plumbing": ("水电维修·给排水", "Plumbing")},
    areas={
        "north": ("北校区", "North Campus"),
        "north-dorm-7": ("北校区学生公寓7号楼", "North Campus Student Apartment 7"),
    },
    units={
        ("team", "plumbers"): ("水工组", "Plumbers"),
        ("department", "maintenance"): ("维修管理科", "Maintenance"),
    },
    people={
        "plumber": "张建国",
        "plumbing-lead": "李明",
        "maintenance-head": "王芳",
        "supervisor": "陈静",
    },
)
TICKET_FACTS: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "urgency": "urgent",
    "location": _LOC.model_dump(mode="json"),
}


def facts_for(event: Event) -> dict[str, Any] | None:
    """What notify would know of the sample event's ticket (None: it is about none)."""
    return TICKET_FACTS if ticket_of(event) is not None else None


def context(event: Event, lang: str, recipient_name: str = "张建国") -> dict[str, Any]:
    """A template's context for a sample event, as a real message's would be."""
    page = links.link_for(event, "assignee")
    return template_context(
        event, lang, recipient_name, NAMES, link=page.path if page else "", facts=facts_for(event)
    )
