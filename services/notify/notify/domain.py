"""Who is told what about an event, without I/O (the first rules; templates come later)."""

from __future__ import annotations

from dataclasses import dataclass

from houqin_shared.contracts import ComplaintFiled, TicketOpened
from houqin_shared.contracts.base import Event

KIND_ZH = {
    "repair": "报修",
    "complaint": "投诉",
    "suggestion": "建议",
    "praise": "表扬",
    "consultation": "咨询",
}


@dataclass(frozen=True)
class Message:
    recipient: str
    channel: str
    subject: str
    body: str
    tracking_no: str | None


def messages_for(event: Event) -> list[Message]:
    if isinstance(event, ComplaintFiled):
        if event.reporter_id is None:  # anonymous or filed by a system: no one to receipt
            return []
        return [
            Message(
                event.reporter_id,
                "inbox",
                f"已受理 Received: {event.tracking_no}",
                f"您的{KIND_ZH.get(event.kind, event.kind)}已登记，编号 {event.tracking_no}。"
                f"Your {event.kind} is filed as {event.tracking_no}.",
                event.tracking_no,
            )
        ]
    if isinstance(event, TicketOpened):
        queue = (
            f"team:{event.team_id}" if event.team_id else f"dispatch:{event.department_id or 'all'}"
        )
        return [
            Message(
                queue,
                "inbox",
                f"新工单 New ticket {event.tracking_no}",
                f"{event.category} @ {event.location.building or '-'} {event.location.room or ''}".strip(),
                event.tracking_no,
            )
        ]
    return []
