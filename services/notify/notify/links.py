"""The console page a message leads to (no I/O): its path, the words on its button, and the
short code SMS carries (`<console>/go/<code>`).

| message | reader | page |
|---|---|---|
| receipt, cannot_handle (no confirmation asked) | reporter | /mine/{report_id} |
| confirm_request | reporter | /mine/{report_id}/confirm |
| ticket_opened, assigned, cannot_handle_superior | team queue, worker, lead, head | /work/tickets/{ticket_id} |
| overdue of a ticket (a warning too) | worker, lead, head, supervisors, leaders | /work/tickets/{ticket_id} |
| merged | worker | /work/tickets/{ticket_id} (the merged one) |
| chased (督办) | worker, lead | /work/tickets/{ticket_id} |
| rectification opened, rejected | person responsible | /manage |
| overdue of a rectification, recurring | supervisors ... | /manage |
| praise | lead, person credited | /work |
| praise | department head | /manage |
| score | department head | /manage |
| awards | department heads | /board |
| survey_invitation | each invitee | /surveys/{survey_id}?t=<their token> (notify.links.personal) |

The short code is derived, not stored: one letter for the page, then the id's 128 bits in
base 62 (22 characters), e.g. `t5Wo9bJ3kR1uKp0QdXyZ2a`. The table and the base 62 are
houqin_shared.short_links, which the console's /go/{code} (console/pages/links.py) decodes with;
tests/unit/notify/test_notify_links.py round-trips every page. A code opens nothing by itself: every page still asks its reader to sign in
and checks they may see it. Except a survey invitation's: its code carries the invitee's token
after the id (`s`, 22 characters, the token), because the token is what lets them answer."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from houqin_shared.contracts import (
    AwardsPublished,
    ComplaintFiled,
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
from houqin_shared.short_links import PAGES, encode_id

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# letter -> the words on the button (zh-CN, en)
BUTTON: dict[str, tuple[str, str]] = {
    "r": ("查看进度", "See its progress"),
    "c": ("确认并评价", "Confirm and rate"),
    "t": ("打开工单", "Open the ticket"),
    "w": ("打开我的工单", "Open my queue"),
    "m": ("打开管理页", "Open the management page"),
    "b": ("查看公示", "See the results"),
    "s": ("填写测评", "Answer the survey"),
}


@dataclass(frozen=True)
class Link:
    page: str  # a letter of PAGES
    id: uuid.UUID | None = None
    token: str = ""  # a personal survey link's credential ([A-Za-z0-9_-]{16,64})

    @property
    def path(self) -> str:
        path = PAGES[self.page].replace("{id}", str(self.id) if self.id else "")
        return path + (f"?t={self.token}" if self.token else "")

    @property
    def code(self) -> str:
        return self.page + (encode_id(self.id) if self.id else "") + self.token

    def button(self, lang: str) -> str:
        zh, en = BUTTON[self.page]
        return en if lang == "en" else zh


def personal(event: Event, person_id: str | None) -> Link | None:
    """The page only this reader's message leads to: a survey invitee's own link."""
    if not isinstance(event, SurveyInvitationsIssued):
        return None
    for invitee in event.invitees:
        if invitee.person_id == person_id:
            token = parse_qs(urlsplit(invitee.link).query).get("t", [""])[0]
            return Link("s", event.survey_id, token) if TOKEN.match(token) else None
    return None


def link_for(event: Event, audience: str) -> Link | None:
    """The page that acts on this event's message to this audience (None: no page)."""
    reporter = audience == "reporter"
    if isinstance(event, ComplaintFiled):
        return Link("r", event.report_id)
    if isinstance(event, TicketStatusChanged):
        if reporter:
            asks = event.status == "resolved"
            return Link("c" if asks else "r", event.report_id)
        return Link("t", event.ticket_id)
    if isinstance(event, TicketOpened | TicketAssigned | TicketMerged | TicketChased):
        return Link("r", event.report_id) if reporter else Link("t", event.ticket_id)
    if isinstance(event, RectificationOverdue):
        return Link("t", event.subject_id) if event.subject_kind == "ticket" else Link("m")
    if isinstance(event, PraiseReceived):
        if reporter:
            return Link("r", event.report_id)
        return Link("m") if audience in ("department_head", "department_heads") else Link("w")
    if isinstance(event, RecurringProblemDetected | ScoreComputed):
        return Link("m")
    if isinstance(event, RectificationOpened | RectificationRejected):
        return Link("m")
    if isinstance(event, AwardsPublished):
        return Link("b")
    report_id: Any = getattr(event, "report_id", None)
    return Link("r", report_id) if reporter and isinstance(report_id, uuid.UUID) else None


def absolute(base: str, path: str) -> str:
    """The page's address under the console's public base URL ("" without one)."""
    return base.rstrip("/") + path if base else ""


def short(base: str, link: Link) -> str:
    return absolute(base, "/go/" + link.code)
