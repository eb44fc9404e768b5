"""All event contracts, and the registry from CloudEvents type to model."""

from houqin_shared.contracts.base import BadEvent, Envelope, Event, decode
from houqin_shared.contracts.common import Location
from houqin_shared.contracts.feedback import FEEDBACK_TOPIC, ComplaintFiled
from houqin_shared.contracts.scoring import SCORING_TOPIC, ScoreComputed
from houqin_shared.contracts.tickets import (
    TICKETS_TOPIC,
    RectificationOverdue,
    TicketAssigned,
    TicketOpened,
)

ALL_CONTRACTS: tuple[type[Event], ...] = (
    ComplaintFiled,
    TicketOpened,
    TicketAssigned,
    RectificationOverdue,
    ScoreComputed,
)
REGISTRY: dict[str, type[Event]] = {c.event_type: c for c in ALL_CONTRACTS}

__all__ = [
    "ALL_CONTRACTS",
    "FEEDBACK_TOPIC",
    "REGISTRY",
    "SCORING_TOPIC",
    "TICKETS_TOPIC",
    "BadEvent",
    "ComplaintFiled",
    "Envelope",
    "Event",
    "Location",
    "RectificationOverdue",
    "ScoreComputed",
    "TicketAssigned",
    "TicketOpened",
    "decode",
]
