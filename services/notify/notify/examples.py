"""Realistic examples of every built-in template (no I/O): the events of a day on the demo
campus with the names notify would know for them. docs/messages.md is every example rendered
in zh-CN and en (deploy/local/messages_doc.py writes it); the unit tests check that no code of
these events reaches the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from houqin_shared.contracts.base import Event
from notify import links, templates
from notify.domain import template_context
from notify.samples import _T, NAMES, SAMPLES, facts_for
from notify.templates import LANGS

BASE_URL = "https://houqin.example.edu.cn"


@dataclass(frozen=True)
class Example:
    template: str
    title: str  # what the example shows (English; the document's heading)
    event: Event
    audience: str
    reader: str  # the reader's name ("" for a reporter: notify never names them)


REPORT_ID = UUID("6f1c2b9e-4d7a-4c3e-9b8f-2a5d7e1c9f30")
TICKET_ID = UUID("b3e8a1d2-5c6f-4e7a-8d9b-0c1f2e3a4b5c")


def _ev(event_type: str, **changes: object) -> Event:
    """The sample event of a type with realistic ids and the changes given."""
    sample = SAMPLES[event_type]
    ids = {"report_id": REPORT_ID, "ticket_id": TICKET_ID, "subject_id": TICKET_ID}
    return sample.model_copy(update={k: v for k, v in ids.items() if hasattr(sample, k)} | changes)


FILED = "houqin.feedback.ComplaintFiled.v1"
OPENED = "houqin.tickets.TicketOpened.v1"
ASSIGNED = "houqin.tickets.TicketAssigned.v1"
CHANGED = "houqin.tickets.TicketStatusChanged.v1"
OVERDUE = "houqin.tickets.RectificationOverdue.v1"

EXAMPLES: list[Example] = [
    Example("receipt", "a repair request is filed", _ev(FILED), "reporter", ""),
    Example(
        "receipt",
        "a praise is filed",
        _ev(FILED, kind="praise", description="张师傅修得又快又好"),
        "reporter",
        "",
    ),
    Example(
        "receipt",
        "answered on the spot at a reception day",
        _ev(FILED, channel="reception_day", answered_on_spot="下周一起热水供应延长到23点"),
        "reporter",
        "",
    ),
    Example(
        "ticket_opened", "the team's queue hears of a new ticket", _ev(OPENED), "team_queue", ""
    ),
    Example(
        "assigned",
        "assigned to the post's primary",
        _ev(ASSIGNED, via="primary"),
        "assignee",
        "张建国",
    ),
    Example("assigned", "assigned to the backup", _ev(ASSIGNED), "assignee", "赵强"),
    Example(
        "confirm_request",
        "a repair is resolved",
        _ev(CHANGED, status="resolved", previous_status="on_site", stage="finish", note=None),
        "reporter",
        "",
    ),
    Example(
        "confirm_request",
        "a complaint is answered",
        _ev(
            CHANGED,
            status="resolved",
            previous_status="accepted",
            track="complaint",
            outcome="upheld",
            note="经查属实，已对相关人员批评教育并加强培训。",
        ),
        "reporter",
        "",
    ),
    Example("cannot_handle", "the reporter hears why", _ev(CHANGED), "reporter", ""),
    Example(
        "cannot_handle_superior",
        "the team lead is asked to decide",
        _ev(CHANGED, superior_id="plumbing-lead"),
        "superior",
        "李明",
    ),
    Example(
        "due_soon",
        "a warning before the accept limit",
        _ev(
            OVERDUE,
            stage="accept",
            level=1,
            warning=True,
            overdue_by_s=-20 * 60,
            due_at=_T + timedelta(minutes=20),
        ),
        "responsible",
        "张建国",
    ),
    Example(
        "overdue", "level 2: the finish limit has passed", _ev(OVERDUE), "department_head", "王芳"
    ),
    Example(
        "overdue",
        "level 3: a rectification item is late",
        _ev(
            OVERDUE,
            subject_kind="rectification",
            tracking_no=None,
            stage="deadline",
            level=3,
            overdue_by_s=2 * 86400 + 3600,
            team_id=None,
        ),
        "supervisors",
        "陈静",
    ),
    Example(
        "rectification_opened",
        "an inspection opens a rectification item",
        _ev("houqin.tickets.RectificationOpened.v1"),
        "responsible",
        "张建国",
    ),
    Example(
        "rectification_rejected",
        "a rectification item fails acceptance",
        _ev("houqin.tickets.RectificationRejected.v1"),
        "responsible",
        "张建国",
    ),
    Example(
        "merged",
        "a duplicate's ticket is merged into the primary's",
        _ev("houqin.tickets.TicketMerged.v1"),
        "assignee",
        "张建国",
    ),
    Example(
        "chased",
        "a supervisor chases a late ticket with a note",
        _ev("houqin.tickets.TicketChased.v1"),
        "assignee",
        "张建国",
    ),
    Example(
        "chased",
        "the team lead hears of the chase",
        _ev("houqin.tickets.TicketChased.v1", level=None),
        "team_lead",
        "李明",
    ),
    Example(
        "recurring",
        "the same place fails again",
        _ev("houqin.tickets.RecurringProblemDetected.v1"),
        "supervisors",
        "陈静",
    ),
    Example(
        "praise",
        "a team and a person are praised",
        _ev("houqin.tickets.PraiseReceived.v1"),
        "assignee",
        "张建国",
    ),
    Example(
        "praise",
        "a praise routed only to a department",
        _ev("houqin.tickets.PraiseReceived.v1", team_id=None, staff_id=None),
        "department_head",
        "王芳",
    ),
    Example(
        "score",
        "a team's score",
        _ev("houqin.scoring.ScoreComputed.v1"),
        "department_head",
        "王芳",
    ),
    Example(
        "awards",
        "awards are published",
        _ev("houqin.scoring.AwardsPublished.v1"),
        "department_heads",
        "王芳",
    ),
    Example(
        "survey_invitation",
        "a teacher is sent their personal survey link",
        _ev("houqin.feedback.SurveyInvitationsIssued.v1"),
        "invitees",
        "",
    ),
]


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    link: str  # the page's address (every channel carries it; e-mail as this line)
    button: str  # the words on the card's button / before the link
    short_link: str  # what SMS carries


def render(example: Example, lang: str, base_url: str = BASE_URL) -> Rendered:
    """The example's message in `lang`, as a reader with no preferences but their language
    gets it (Asia/Shanghai)."""
    invitees = getattr(example.event, "invitees", [])
    page = links.personal(example.event, invitees[0].person_id if invitees else None)
    page = page or links.link_for(example.event, example.audience)
    facts = facts_for(example.event)
    context = template_context(
        example.event, lang, example.reader, NAMES, link=page.path if page else "", facts=facts
    )
    subject, body = templates.render(templates.DEFAULTS[example.template][1][lang], context)
    return Rendered(
        subject,
        body,
        links.absolute(base_url, page.path) if page else "",
        page.button(lang) if page else "",
        links.short(base_url, page) if page else "",
    )


def document() -> str:
    """docs/messages.md: every example rendered in both languages."""
    out = [
        "# Messages, as their readers get them",
        "",
        "Generated by `uv run python deploy/local/messages_doc.py` from the built-in templates",
        "(`services/notify/notify/templates.py`) and the examples in",
        "`services/notify/notify/examples.py`; `tests/unit/notify/test_notify_messages_words.py`",
        "fails when this file is out of date. Each message names the category, the place, the",
        "team and the people as people say them, gives times in the reader's time zone",
        "(Asia/Shanghai by default) and leads to the console page that acts on it: e-mail ends",
        "with the link line below, WeCom and DingTalk send a markdown card with it, Feishu a",
        "card with a button, webhooks carry `link`, the in-app inbox opens it, and SMS carries",
        "the short link (`/go/<code>`, decoded by the console). A message to a reporter never",
        f"names them. Addresses are shown under the example console `{BASE_URL}`.",
        "",
    ]
    for ex in EXAMPLES:
        out += [f"## `{ex.template}`: {ex.title}", ""]
        out += [f"Event `{ex.event.event_type}`, to `{ex.audience}`.", ""]
        for lang in LANGS:
            r = render(ex, lang)
            out += [f"**{lang}**", "", f"> **{r.subject}**", ">", f"> {r.body}"]
            if r.link:
                sep = ": " if r.button.isascii() else "："
                out += [">", f"> {r.button}{sep}{r.link}", ">", f"> SMS: {r.short_link}"]
            out.append("")
    return "\n".join(out)
