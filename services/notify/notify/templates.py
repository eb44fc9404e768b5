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


# name -> (event type whose sample it renders, {lang: template}). Every name, place, time,
# stage and urgency is in the reader's words (notify.names); the page a message leads to is
# added by each channel (notify.links), so an override cannot lose it. docs/messages.md shows
# every one rendered (deploy/local/messages_doc.py).
DEFAULTS: dict[str, tuple[str, dict[str, Template]]] = {
    "receipt": (
        "houqin.feedback.ComplaintFiled.v1",
        {
            "zh-CN": _t(
                "已受理：{{ tracking_no }}",
                "您的{{ kind_label }}（{{ category }}，{{ place }}）已登记，编号 {{ tracking_no }}。"
                "{% if answered_on_spot is defined and answered_on_spot %}现场答复：{{ answered_on_spot }}"
                "{% elif kind == 'praise' %}感谢您的表扬，我们会转告受表扬的班组和同事。"
                "{% else %}我们会尽快处理。{% endif %}",
            ),
            "en": _t(
                "Received: {{ tracking_no }}",
                "Your {{ kind_label }} ({{ category }}, {{ place }}) is filed as {{ tracking_no }}."
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
                "新工单 {{ tracking_no }}：{{ category }}",
                "{{ place }}，{{ category }}（{{ urgency }}），{{ opened_at }} 受理"
                "{% if team %}，派至{{ team }}{% endif %}。",
            ),
            "en": _t(
                "New ticket {{ tracking_no }}: {{ category }}",
                "{{ category }} at {{ place }} ({{ urgency }}), opened {{ opened_at }}"
                "{% if team %} for {{ team }}{% endif %}.",
            ),
        },
    ),
    "assigned": (
        "houqin.tickets.TicketAssigned.v1",
        {
            "zh-CN": _t(
                "工单派给您：{{ tracking_no }}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}工单 {{ tracking_no }}"
                "{% if category %}（{{ category }}，{{ place }}{% if urgency %}，{{ urgency }}"
                "{% endif %}）{% endif %}已派给您"
                "{% if via == 'backup' %}（主岗不在，由您作为辅岗处理）{% endif %}，请及时接单。",
            ),
            "en": _t(
                "Ticket {{ tracking_no }} assigned to you",
                "{% if recipient_name %}{{ recipient_name }}, t{% else %}T{% endif %}icket"
                " {{ tracking_no }}{% if category %} ({{ category }}, {{ place }}"
                "{% if urgency %}, {{ urgency }}{% endif %}){% endif %} is yours"
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
                " else '建议或咨询' }} {{ tracking_no }} 已答复"
                "{% if outcome %}（{{ outcome_label }}）{% endif %}：{{ note or '（无）' }}"
                " 请确认并为答复评分。"
                "{% else %}您反映的{% if category %}{{ category }}问题（{{ place }}）"
                "{% else %}问题{% endif %} {{ tracking_no }} 已处理完毕（{{ changed_at }}）。"
                "请确认是否解决并为服务评分。{% endif %}",
            ),
            "en": _t(
                "Please confirm and rate {{ tracking_no }}",
                "{% if track is defined and track != 'repair' %}{{ tracking_no }} is answered"
                "{% if outcome %} ({{ outcome_label }}){% endif %}:"
                " {{ note or '(no reply)' }} Please confirm and rate the answer."
                "{% else %}{{ tracking_no }}{% if category %} ({{ category }}, {{ place }})"
                "{% endif %} is resolved ({{ changed_at }}). Please confirm it is fixed and rate"
                " the service.{% endif %}",
            ),
        },
    ),
    "cannot_handle": (
        "houqin.tickets.TicketStatusChanged.v1",
        {
            "zh-CN": _t(
                "无法办理说明 {{ tracking_no }}",
                "您反映的问题 {{ tracking_no }}{% if category %}（{{ category }}，{{ place }}）"
                "{% endif %}暂时无法办理，已上报{% if department %}{{ department }}{% endif %}跟进。"
                "说明：{{ note or '（无）' }}",
            ),
            "en": _t(
                "{{ tracking_no }} cannot be handled yet",
                "{{ tracking_no }}{% if category %} ({{ category }}, {{ place }}){% endif %}"
                " cannot be handled yet and is reported up{% if department %} to"
                " {{ department }}{% endif %}. Why: {{ note or '(none given)' }}",
            ),
        },
    ),
    "cannot_handle_superior": (
        "houqin.tickets.TicketStatusChanged.v1",
        {
            "zh-CN": _t(
                "工单无法办理，请跟进 {{ tracking_no }}",
                "{{ actor or assignee or '处理人' }}报告工单 {{ tracking_no }}"
                "{% if category %}（{{ category }}，{{ place }}）{% endif %}无法办理"
                "{% if team %}（{{ team }}）{% endif %}。说明：{{ note or '（无）' }}"
                " 请改派、转办或说明原因后办结。",
            ),
            "en": _t(
                "Cannot be handled, please follow up: {{ tracking_no }}",
                "{{ actor or assignee or 'The worker' }} reported ticket {{ tracking_no }}"
                "{% if category %} ({{ category }}, {{ place }}){% endif %}"
                "{% if team %} of {{ team }}{% endif %} as impossible to handle."
                " Why: {{ note or '(none given)' }} Please reassign it, transfer it, or close it"
                " with a reason.",
            ),
        },
    ),
    "overdue": (
        "houqin.tickets.RectificationOverdue.v1",
        {
            "zh-CN": _t(
                "{% if warning %}即将超时{% else %}{{ ['一', '二', '三'][level - 1] }}级督办{% endif %}："
                "{{ tracking_no or subject_kind_label }}",
                "{{ subject_kind_label }}{% if tracking_no %} {{ tracking_no }}{% endif %}"
                "{% if category %}（{{ category }}，{{ place }}）{% endif %}的{{ stage }}"
                "{% if warning %}还剩 {{ late }}{% else %}已超过 {{ late }}{% endif %}"
                "（期限 {{ due_at }}）。"
                "{% if team or department %}责任单位：{{ team or department }}。{% endif %}"
                "{% if responsible %}负责人：{{ responsible }}。{% endif %}",
            ),
            "en": _t(
                "{% if warning %}Due soon{% else %}Overdue level {{ level }}{% endif %}:"
                " {{ tracking_no or subject_kind_label }}",
                "{{ 'Ticket ' ~ tracking_no if tracking_no else 'A rectification item' }}"
                "{% if category %} ({{ category }}, {{ place }}){% endif %}"
                " {% if warning %}is due in {{ late }}{% else %}is {{ late }} late{% endif %}"
                " ({{ stage }} {{ due_at }})."
                "{% if team or department %} Responsible: {{ team or department }}.{% endif %}"
                "{% if responsible %} In charge: {{ responsible }}.{% endif %}",
            ),
        },
    ),
    "due_soon": (
        "houqin.tickets.RectificationOverdue.v1",
        {
            "zh-CN": _t(
                "即将超时：{{ tracking_no or subject_kind_label }}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}您负责的{{ subject_kind_label }}"
                "{% if tracking_no %} {{ tracking_no }}{% endif %}"
                "{% if category %}（{{ category }}，{{ place }}{% if urgency %}，{{ urgency }}"
                "{% endif %}）{% endif %}的{{ stage }}还剩 {{ late }}（期限 {{ due_at }}）。"
                "请抓紧处理，到期未完成将逐级督办。",
            ),
            "en": _t(
                "Due soon: {{ tracking_no or subject_kind_label }}",
                "{{ recipient_name ~ ', y' if recipient_name else 'Y' }}our"
                " {{ 'ticket ' ~ tracking_no if tracking_no else 'rectification item' }}"
                "{% if category %} ({{ category }}, {{ place }}{% if urgency %}, {{ urgency }}"
                "{% endif %}){% endif %} is due in {{ late }} ({{ stage }} {{ due_at }})."
                " Please see to it: past that time it is escalated.",
            ),
        },
    ),
    "rectification_opened": (
        "houqin.tickets.RectificationOpened.v1",
        {
            "zh-CN": _t(
                "整改通知：请于 {{ deadline }} 前完成",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}{{ origin_label }}提出一项"
                "整改，由您负责{% if team or department %}（{{ team or department }}）{% endif %}。"
                "问题：{{ problem }}{% if measures %} 整改措施：{{ measures }}{% endif %}"
                " 请于 {{ deadline }} 前完成整改。",
            ),
            "en": _t(
                "Rectification item for you, due {{ deadline }}",
                "{{ recipient_name ~ ', a' if recipient_name else 'A' }} rectification item from"
                " {{ origin_label }} is yours{% if team or department %}"
                " ({{ team or department }}){% endif %}. Problem: {{ problem }}"
                "{% if measures %} Measures: {{ measures }}{% endif %}"
                " Please complete it by {{ deadline }}.",
            ),
        },
    ),
    "rectification_rejected": (
        "houqin.tickets.RectificationRejected.v1",
        {
            "zh-CN": _t(
                "整改未通过验收，新期限 {{ new_deadline }}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}您负责的整改项"
                "{% if team or department %}（{{ team or department }}）{% endif %}未通过"
                "{% if rejected_by %}{{ rejected_by }}的{% endif %}验收。原因：{{ reason }}"
                " 请于 {{ new_deadline }} 前重新整改。",
            ),
            "en": _t(
                "Rectification not accepted, new deadline {{ new_deadline }}",
                "{{ recipient_name ~ ', y' if recipient_name else 'Y' }}our rectification item"
                "{% if team or department %} ({{ team or department }}){% endif %} did not pass"
                " acceptance{% if rejected_by %} by {{ rejected_by }}{% endif %}."
                " Why: {{ reason }} Please rectify it again by {{ new_deadline }}.",
            ),
        },
    ),
    "merged": (
        "houqin.tickets.TicketMerged.v1",
        {
            "zh-CN": _t(
                "工单已合并：{{ tracking_no }}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}工单 {{ tracking_no }}"
                "{% if category %}（{{ category }}，{{ place }}）{% endif %}与 {{ into_tracking_no }}"
                " 反映的是同一问题，已并入该工单统一处理并移出您的待办，您无需再处理。",
            ),
            "en": _t(
                "Ticket {{ tracking_no }} merged",
                "{{ recipient_name ~ ', t' if recipient_name else 'T' }}icket {{ tracking_no }}"
                "{% if category %} ({{ category }}, {{ place }}){% endif %} reports the same"
                " problem as {{ into_tracking_no }} and is merged into it: it has left your queue"
                " and needs no more work from you.",
            ),
        },
    ),
    "chased": (
        "houqin.tickets.TicketChased.v1",
        {
            "zh-CN": _t(
                "督办：{{ tracking_no }}{% if category %} {{ category }}{% endif %}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}{{ chased_by or '质量监督人员' }}"
                "督办工单 {{ tracking_no }}{% if category %}（{{ category }}，{{ place }}）{% endif %}"
                "{% if level %}，已到{{ ['一', '二', '三'][level - 1] }}级督办{% endif %}。"
                "督办要求：「{{ note }}」。当前状态：{{ status_label }}"
                "{% if assignee and assignee != recipient_name %}，处理人：{{ assignee }}"
                "{% if team %}（{{ team }}）{% endif %}{% endif %}。请按要求办理，并在工单里反馈进展。",
            ),
            "en": _t(
                "Chased: {{ tracking_no }}{% if category %} {{ category }}{% endif %}",
                "{{ recipient_name ~ ', ' if recipient_name else '' }}"
                "{{ chased_by or 'A quality supervisor' }} chased ticket {{ tracking_no }}"
                "{% if category %} ({{ category }}, {{ place }}){% endif %}"
                "{% if level %}, at overdue level {{ level }}{% endif %}. What is asked: “{{ note }}”."
                " Status: {{ status_label }}{% if assignee and assignee != recipient_name %}, with"
                " {{ assignee }}{% if team %} ({{ team }}){% endif %}{% endif %}. Please do it and"
                " report progress on the ticket.",
            ),
        },
    ),
    "recurring": (
        "houqin.tickets.RecurringProblemDetected.v1",
        {
            "zh-CN": _t(
                "重复问题：{{ place }} {{ category }}",
                "{{ place }} 的{{ category }}问题在 {{ window_days }} 天内出现 {{ count }} 次"
                "{% if team or department %}，责任单位：{{ team or department }}{% endif %}。",
            ),
            "en": _t(
                "Recurring problem: {{ category }} at {{ place }}",
                "{{ category }} at {{ place }} failed {{ count }} times in {{ window_days }} days"
                "{% if team or department %} (responsible: {{ team or department }}){% endif %}.",
            ),
        },
    ),
    "praise": (
        "houqin.tickets.PraiseReceived.v1",
        {
            "zh-CN": _t(
                "收到一条表扬：{{ category }}，{{ place }}",
                "一位报告人表扬了{{ team or department }}在{{ place }}的{{ category }}工作"
                "{% if staff %}，受表扬的同事：{{ staff }}{% endif %}（{{ tracking_no }}）。"
                "感谢你们的付出！",
            ),
            "en": _t(
                "Praise received: {{ category }} at {{ place }}",
                "A reporter praised the {{ category }} work of {{ team or department }}"
                " at {{ place }}{% if staff %}, naming {{ staff }}{% endif %}"
                " ({{ tracking_no }}). Thank you for your work!",
            ),
        },
    ),
    "score": (
        "houqin.scoring.ScoreComputed.v1",
        {
            "zh-CN": _t(
                "得分更新：{{ unit }}",
                "{{ unit }} 在 {{ period_start }}至{{ period_end }} 的综合得分："
                "{{ '%.1f' | format(composite) if composite is not none else '未排名（样本不足）' }}"
                "{% if rank %}，排名第 {{ rank }}{% endif %}。",
            ),
            "en": _t(
                "Score updated: {{ unit }}",
                "{{ unit }} scored"
                " {{ '%.1f' | format(composite) if composite is not none else 'no score (too few"
                " samples)' }} for {{ period_start }} to {{ period_end }}"
                "{% if rank %}, rank {{ rank }}{% endif %}.",
            ),
        },
    ),
    "awards": (
        "houqin.scoring.AwardsPublished.v1",
        {
            "zh-CN": _t(
                "评优结果公示：{{ campaign_name }}",
                "{{ campaign_name }} 评优结果已公示，共 {{ awards | length }} 项"
                "{% for a in awards %}{{ '：' if loop.first else '；' }}{{ a.award_label }}"
                " {{ a.unit }}（第 {{ a.rank }} 名）{% endfor %}。",
            ),
            "en": _t(
                "Awards published: {{ campaign_name }}",
                "The awards of {{ campaign_name }} are published ({{ awards | length }} in all)"
                "{% for a in awards %}{{ ': ' if loop.first else '; ' }}{{ a.award_label }},"
                " {{ a.unit }} (rank {{ a.rank }}){% endfor %}.",
            ),
        },
    ),
    "survey_invitation": (
        "houqin.feedback.SurveyInvitationsIssued.v1",
        {
            "zh-CN": _t(
                "满意度测评邀请：{{ title }}",
                "{% if recipient_name %}{{ recipient_name }}，{% endif %}后勤服务质量监督小组邀请您"
                "参加「{{ title }}」，为各服务单位打分，约需 3 分钟。请于 {{ period_end }} 前填写。"
                "链接仅供您本人使用一次，答卷不记名。",
            ),
            "en": _t(
                "Satisfaction survey: {{ title }}",
                "{{ recipient_name ~ ', t' if recipient_name else 'T' }}he logistics quality"
                " supervisors invite you to rate their services in \u201c{{ title }}\u201d (about"
                " 3 minutes). Please answer by {{ period_end }}. The link is yours alone and"
                " works once; your answers do not carry your name.",
            ),
        },
    ),
}


def default(name: str, lang: str) -> Template | None:
    entry = DEFAULTS.get(name)
    if entry is None:
        return None
    return entry[1].get(lang) or entry[1].get("zh-CN")
