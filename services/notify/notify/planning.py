"""From an event and the rules that apply to it, to the messages to store (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from houqin_shared.contracts import RectificationOverdue
from houqin_shared.contracts.base import Event
from houqin_shared.logs import get_logger
from notify import links, templates
from notify.domain import (
    HANDLE,
    Message,
    Person,
    Preferences,
    Rule,
    channels_for,
    initial_status,
    release_at,
    template_context,
)
from notify.names import DEFAULT_TZ, Names

log = get_logger(__name__)


@dataclass(frozen=True)
class Recipient:
    person: Person
    prefs: Preferences
    is_queue: bool = False


def recipient_from_row(row: dict[str, Any], is_queue: bool = False) -> Recipient:
    handles = {k: row[k] for k in ("email", "phone", "wecom", "dingtalk", "feishu") if row.get(k)}
    prefs = Preferences()
    if row.get("lang"):
        prefs = Preferences(
            lang=row["lang"],
            channels=dict(row.get("channels") or {}),
            quiet_start=row.get("quiet_start"),
            quiet_end=row.get("quiet_end"),
            timezone=row.get("timezone") or "Asia/Shanghai",
            digest=bool(row.get("digest")),
        )
    return Recipient(Person(row["id"], row.get("name") or "", handles), prefs, is_queue)


def template_for(
    name: str, lang: str, overrides: dict[tuple[str, str], dict[str, Any]]
) -> list[templates.Template]:
    """The override (if any) first, then the built-in one as the fallback."""
    out = []
    o = overrides.get((name, lang))
    if o is not None:
        out.append(templates.Template(o["subject"], o["body"]))
    d = templates.default(name, lang)
    if d is not None:
        out.append(d)
    return out


def render_for(
    event: Event,
    rule: Rule,
    lang: str,
    recipient_name: str,
    overrides: dict[tuple[str, str], dict[str, Any]],
    names: Names | None = None,
    timezone: str = DEFAULT_TZ,
    link: str = "",
    facts: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """Render with the override; if it cannot render, with the built-in template (so no
    message is lost); raise TemplateProblem only when neither renders."""
    context = template_context(event, lang, recipient_name, names, timezone, link, facts)
    candidates = template_for(rule.template, lang, overrides)
    if not candidates:
        raise templates.TemplateProblem("template", f"no template named {rule.template!r}")
    problem: templates.TemplateProblem | None = None
    for t in candidates:
        try:
            return templates.render(t, context)
        except templates.TemplateProblem as exc:
            log.warning("template_failed", template=rule.template, lang=lang, error=str(exc))
            problem = exc
    assert problem is not None
    raise problem


def never_waits(event: Event) -> bool:
    """Level-3 escalations go out at once whatever priority a rule gives them."""
    return isinstance(event, RectificationOverdue) and event.level == 3 and not event.warning


def plan(
    event: Event,
    rule: Rule,
    recipients: list[Recipient],
    available: set[str],
    overrides: dict[tuple[str, str], dict[str, Any]],
    now: datetime,
    names: Names | None = None,
    facts: Mapping[str, Any] | None = None,
) -> list[Message]:
    tracking_no = getattr(event, "tracking_no", None)
    common = links.link_for(event, rule.audience)
    out: list[Message] = []
    for r in recipients:
        page = links.personal(event, r.person.id) or common
        chans = channels_for(rule, r.person, r.prefs, available, r.is_queue)
        if not chans:
            continue
        lang, tz = r.prefs.lang, r.prefs.timezone
        subject, body = render_for(
            event, rule, lang, r.person.name, overrides, names, tz, page.path if page else "", facts
        )
        when = release_at(now, r.prefs, "urgent" if never_waits(event) else rule.priority)
        for ch in chans:
            out.append(
                Message(
                    recipient=r.person.id,
                    channel=ch,
                    subject=subject,
                    body=body,
                    tracking_no=tracking_no,
                    kind=rule.kind,
                    priority=rule.priority,
                    status=initial_status(ch, rule.priority, r.prefs),
                    next_attempt_at=when,
                    address=_address(ch, r.person),
                    to_reporter=rule.audience == "reporter",
                    link=page.path if page else None,
                    link_code=page.code if page else None,
                    link_label=page.button(lang) if page else None,
                )
            )
    return out


def _address(channel: str, person: Person) -> str | None:
    handle = HANDLE.get(channel)
    return person.handles.get(handle) if handle else None
