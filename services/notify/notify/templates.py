"""Message templates: jinja2 in a sandbox, autoescaped, failing on any missing variable.

The built-in templates are `DEFAULTS`; operators may override any (name, language) through the
API (stored in the `templates` table), and every override is rendered against the event type's
sample before it is stored, so a template that cannot render is refused, not sent.

Bounds: a rendering stops past MAX_OUTPUT_CHARS characters, and the sandbox refuses operations
whose result alone would be larger (notify.template_sandbox). The API renders (previews, and the
check before storing) in a worker thread of its own with a time limit (PREVIEW_TIMEOUT_S): a
template that loops for ever neither holds the event loop nor keeps the thread.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import jinja2
from jinja2 import TemplateError, TemplateSyntaxError

from notify import template_sandbox as sandbox
from notify.template_sandbox import MAX_OUTPUT_CHARS, OutputTooLarge, TooSlow

LANGS = ("zh-CN", "en")
PREVIEW_TIMEOUT_S = 1.0
T = TypeVar("T")
ENV = sandbox.environment()


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


class TemplateProblem(Exception):
    """A template that does not parse or render: which part, what, and on which line."""

    def __init__(self, part: str, message: str, line: int | None = None) -> None:
        super().__init__(f"{part}: {message}" + (f" (line {line})" if line else ""))
        self.part = part
        self.message = message
        self.line = line

    def as_error(self) -> dict[str, Any]:
        return {"part": self.part, "message": self.message, "line": self.line}


@functools.lru_cache(maxsize=1024)
def _compiled(source: str) -> jinja2.Template:
    return ENV.from_string(source)


def render_text(part: str, source: str, context: dict[str, Any]) -> str:
    try:
        out: list[str] = []
        size = 0
        for chunk in _compiled(source).generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise OutputTooLarge(f"it renders to more than {MAX_OUTPUT_CHARS} characters")
            out.append(chunk)
        return "".join(out)
    except OutputTooLarge as exc:
        raise TemplateProblem(part, str(exc)) from exc
    except TooSlow as exc:
        raise TemplateProblem(part, f"it takes longer than {PREVIEW_TIMEOUT_S} s") from exc
    except TemplateSyntaxError as exc:
        raise TemplateProblem(part, exc.message or str(exc), exc.lineno) from exc
    except TemplateError as exc:
        raise TemplateProblem(part, str(exc)) from exc
    except Exception as exc:  # errors raised by expressions (e.g. a division by zero)
        raise TemplateProblem(part, f"{type(exc).__name__}: {exc}") from exc


def render(template: Template, context: dict[str, Any]) -> tuple[str, str]:
    subject = render_text("subject", template.subject, context)
    body = render_text("body", template.body, context)
    return " ".join(subject.split()), body.strip()


def check(template: Template, context: dict[str, Any]) -> list[dict[str, Any]]:
    """Every problem of a template against a sample context (empty: it renders)."""
    problems = []
    for part, source in (("subject", template.subject), ("body", template.body)):
        try:
            render_text(part, source, context)
        except TemplateProblem as exc:
            problems.append(exc.as_error())
    return problems


_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="template")


async def _bounded(fn: Callable[[], T]) -> T:
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(_THREADS, sandbox.within, PREVIEW_TIMEOUT_S, fn)
    try:
        return await asyncio.wait_for(job, PREVIEW_TIMEOUT_S + 2)
    except TimeoutError as exc:  # stuck outside the template's code (or the threads are busy)
        raise TemplateProblem("body", f"it takes longer than {PREVIEW_TIMEOUT_S} s") from exc


async def preview(template: Template, context: dict[str, Any]) -> tuple[str, str]:
    """render(), off the event loop and within the time limit."""
    return await _bounded(lambda: render(template, context))


async def check_bounded(template: Template, context: dict[str, Any]) -> list[dict[str, Any]]:
    """check(), off the event loop and within the time limit."""
    return await _bounded(lambda: check(template, context))


def _t(subject: str, body: str) -> Template:
    return Template(subject, body)


# name -> (event type whose sample it renders, {lang: template})
DEFAULTS: dict[str, tuple[str, dict[str, Template]]] = {
    "receipt": (
        "houqin.feedback.ComplaintFiled.v1",
        {
            "zh-CN": _t(
                "已受理 Received: {{ tracking_no }}",
                "您的{{ kind_label }}已登记，编号 {{ tracking_no }}。"
                "{% if answered_on_spot is defined and answered_on_spot %}现场答复：{{ answered_on_spot }}"
                "{% elif kind == 'praise' %}感谢您的表扬，我们会转告受表扬的班组和同事。"
                "{% else %}我们会尽快处理。{% endif %}",
            ),
            "en": _t(
                "Received: {{ tracking_no }}",
                "Your {{ kind_label }} is filed as {{ tracking_no }}."
                "{% if answered_on_spot is defined and answered_on_spot %} Answered on the spot:"
                " {{ answered_on_spot }}{% elif kind == 'praise' %} Thank you: we will pass your"
                " praise on to the team.{% else %} We will see to it soon.{% endif %}",
            ),
        },
    ),
    "ticket_opened": (
        "houqin.tickets.TicketOpened.v1",
        {
            "zh-CN": _t(
                "新工单 New ticket {{ tracking_no }}",
                "{{ category }} @ {{ place }}（{{ urgency }}）",
            ),
            "en": _t(
                "New ticket {{ tracking_no }}", "{{ category }} at {{ place }} ({{ urgency }})"
            ),
        },
    ),
    "assigned": (
        "houqin.tickets.TicketAssigned.v1",
        {
            "zh-CN": _t(
                "工单派给您 {{ tracking_no }}",
                "工单 {{ tracking_no }} 已派给您"
                "{% if via == 'backup' %}（主岗不在，由您作为辅岗处理）{% endif %}，请及时接单。",
            ),
            "en": _t(
                "Ticket {{ tracking_no }} assigned to you",
                "Ticket {{ tracking_no }} is yours"
                "{% if via == 'backup' %} (as backup: the primary is away){% endif %}."
                " Please accept it.",
            ),
        },
    ),
    "confirm_request": (
        "houqin.tickets.TicketStatusChanged.v1",
        {
            "zh-CN": _t(
                "请确认并评价 {{ tracking_no }}",
                "{% if track is defined and track != 'repair' %}您的{{ '投诉' if track == 'complaint'"
                " else '建议或咨询' }} {{ tracking_no }} 已答复：{{ note or '（无）' }}"
                " 请确认并为答复评分。"
                "{% else %}您反映的问题 {{ tracking_no }} 已处理完毕，请确认是否解决并为服务评分。"
                "{% endif %}",
            ),
            "en": _t(
                "Please confirm and rate {{ tracking_no }}",
                "{% if track is defined and track != 'repair' %}{{ tracking_no }} is answered:"
                " {{ note or '(no reply)' }} Please confirm and rate the answer."
                "{% else %}{{ tracking_no }} is resolved. Please confirm it is fixed and rate the"
                " service.{% endif %}",
            ),
        },
    ),
    "cannot_handle": (
        "houqin.tickets.TicketStatusChanged.v1",
        {
            "zh-CN": _t(
                "无法办理说明 {{ tracking_no }}",
                "您反映的问题 {{ tracking_no }} 暂时无法办理。说明：{{ note or '（无）' }}",
            ),
            "en": _t(
                "{{ tracking_no }} cannot be handled",
                "{{ tracking_no }} cannot be handled. Why: {{ note or '(none given)' }}",
            ),
        },
    ),
    "cannot_handle_superior": (
        "houqin.tickets.TicketStatusChanged.v1",
        {
            "zh-CN": _t(
                "工单无法办理，请跟进 {{ tracking_no }}",
                "工单 {{ tracking_no }} 被报告无法办理。说明：{{ note or '（无）' }}",
            ),
            "en": _t(
                "Cannot be handled, please follow up: {{ tracking_no }}",
                "Ticket {{ tracking_no }} was reported as impossible to handle."
                " Why: {{ note or '(none given)' }}",
            ),
        },
    ),
    "overdue": (
        "houqin.tickets.RectificationOverdue.v1",
        {
            "zh-CN": _t(
                "{% if warning %}即将超时{% else %}已超时{% endif %}（{{ level }}级）"
                "{{ tracking_no or subject_id }}",
                "{{ '工单' if subject_kind == 'ticket' else '整改项' }} {{ tracking_no or subject_id }}"
                " 的「{{ stage }}」环节{% if warning %}将在 {{ late }} 后到期{% else %}"
                "已超时 {{ late }}{% endif %}（期限 {{ due_at }}）。",
            ),
            "en": _t(
                "{% if warning %}Due soon{% else %}Overdue{% endif %} (level {{ level }}):"
                " {{ tracking_no or subject_id }}",
                "The {{ stage }} stage of {{ subject_kind }} {{ tracking_no or subject_id }}"
                " {% if warning %}is due in {{ late }}{% else %}is {{ late }} late{% endif %}"
                " (due {{ due_at }}).",
            ),
        },
    ),
    "recurring": (
        "houqin.tickets.RecurringProblemDetected.v1",
        {
            "zh-CN": _t(
                "重复问题：{{ category }} @ {{ place }}",
                "{{ place }} 的 {{ category }} 问题在 {{ window_days }} 天内出现 {{ count }} 次。",
            ),
            "en": _t(
                "Recurring problem: {{ category }} at {{ place }}",
                "{{ category }} at {{ place }} failed {{ count }} times in {{ window_days }} days.",
            ),
        },
    ),
    "praise": (
        "houqin.tickets.PraiseReceived.v1",
        {
            "zh-CN": _t(
                "收到一条表扬：{{ category }} @ {{ place }}",
                "一位报告人表扬了班组在 {{ place }} 的 {{ category }} 工作（{{ tracking_no }}）。"
                "感谢你们的付出！",
            ),
            "en": _t(
                "Praise received: {{ category }} at {{ place }}",
                "A reporter praised the team's {{ category }} work at {{ place }}"
                " ({{ tracking_no }}). Thank you for your work!",
            ),
        },
    ),
    "score": (
        "houqin.scoring.ScoreComputed.v1",
        {
            "zh-CN": _t(
                "得分更新 {{ unit_id }}",
                "{{ unit_id }} 在 {{ period_start }}—{{ period_end }} 的综合得分："
                "{{ composite if composite is not none else '未排名' }}"
                "{% if rank %}，排名 {{ rank }}{% endif %}。",
            ),
            "en": _t(
                "Score updated: {{ unit_id }}",
                "{{ unit_id }} scored {{ composite if composite is not none else 'not ranked' }}"
                " for {{ period_start }} to {{ period_end }}{% if rank %}, rank {{ rank }}{% endif %}.",
            ),
        },
    ),
    "awards": (
        "houqin.scoring.AwardsPublished.v1",
        {
            "zh-CN": _t(
                "评优结果公示：{{ campaign_name }}",
                "{{ campaign_name }} 评优结果已公示，共 {{ awards | length }} 项。",
            ),
            "en": _t(
                "Awards published: {{ campaign_name }}",
                "The awards of {{ campaign_name }} are published ({{ awards | length }} in all).",
            ),
        },
    ),
}


def default(name: str, lang: str) -> Template | None:
    entry = DEFAULTS.get(name)
    if entry is None:
        return None
    return entry[1].get(lang) or entry[1].get("zh-CN")
