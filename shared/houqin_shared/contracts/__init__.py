"""All event contracts, and the registry from CloudEvents type to model.

Each producing service's contracts live in its own module with a `CONTRACTS` tuple; a new
contract is added there and nowhere else (then `python -m houqin_shared.contracts export`).
"""

from houqin_shared.contracts import feedback, inbound, scoring, tickets
from houqin_shared.contracts.base import BadEvent, Envelope, Event, decode
from houqin_shared.contracts.common import Location
from houqin_shared.contracts.feedback import (
    FEEDBACK_TOPIC,
    ComplaintFiled,
    FixConfirmed,
    FixRejected,
    ReportLinked,
    SatisfactionRated,
    ServiceCatalogChanged,
    SurveyClosed,
    SurveyInvitationsIssued,
    SurveyResponded,
    VoteCast,
)
from houqin_shared.contracts.inbound import INBOUND_TOPIC, ReportSubmitted
from houqin_shared.contracts.scoring import SCORING_TOPIC, AwardsPublished, ScoreComputed
from houqin_shared.contracts.tickets import (
    TICKETS_TOPIC,
    DirectoryChanged,
    DirectoryUpdated,
    IncidentOverturned,
    IncidentVerified,
    InspectionRecorded,
    PraiseReceived,
    RectificationAccepted,
    RectificationOpened,
    RectificationOverdue,
    RectificationRejected,
    RecurringProblemDetected,
    TicketAssigned,
    TicketChased,
    TicketMerged,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
)

ALL_CONTRACTS: tuple[type[Event], ...] = (
    feedback.CONTRACTS + inbound.CONTRACTS + tickets.CONTRACTS + scoring.CONTRACTS
)
REGISTRY: dict[str, type[Event]] = {c.event_type: c for c in ALL_CONTRACTS}

__all__ = [
    "ALL_CONTRACTS",
    "FEEDBACK_TOPIC",
    "INBOUND_TOPIC",
    "REGISTRY",
    "SCORING_TOPIC",
    "TICKETS_TOPIC",
    "AwardsPublished",
    "BadEvent",
    "ComplaintFiled",
    "DirectoryChanged",
    "DirectoryUpdated",
    "Envelope",
    "Event",
    "FixConfirmed",
    "FixRejected",
    "IncidentOverturned",
    "IncidentVerified",
    "InspectionRecorded",
    "Location",
    "PraiseReceived",
    "RectificationAccepted",
    "RectificationOpened",
    "RectificationOverdue",
    "RectificationRejected",
    "RecurringProblemDetected",
    "ReportLinked",
    "ReportSubmitted",
    "SatisfactionRated",
    "ScoreComputed",
    "ServiceCatalogChanged",
    "SurveyClosed",
    "SurveyInvitationsIssued",
    "SurveyResponded",
    "TicketAssigned",
    "TicketChased",
    "TicketMerged",
    "TicketOpened",
    "TicketStatusChanged",
    "TicketTransferred",
    "VoteCast",
    "decode",
]
