"""The person responsible is told (issue 14; migration 0009): an overdue warning goes to the
assignee (`responsible`), the level-1 escalation only to the team lead; a rectification item's
responsible person hears it opened (its deadline) and rejected (the new deadline, the reason);
a merged ticket's assignee hears that it needs no more work. Names, never codes; both
languages; each leads to its page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notify import links, samples, templates
from notify.domain import AUDIENCES, Person, Preferences, Rule
from notify.planning import Recipient, plan
from notify.samples import NAMES, SAMPLES

MIGRATION = Path(__file__).resolve().parents[3] / (
    "services/notify/notify/migrations/0009_responsible_rules.sql"
)
ROW = re.compile(r"\('([^']+)', '(\{[^']*\})', '(\w+)', '(\w+)', '(\w+)', '\{([^}]*)\}', '(\w+)'\)")
OVERDUE = "houqin.tickets.RectificationOverdue.v1"
OPENED = "houqin.tickets.RectificationOpened.v1"
REJECTED = "houqin.tickets.RectificationRejected.v1"
MERGED = "houqin.tickets.TicketMerged.v1"
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def _rules() -> dict[str, Rule]:
    import json

    out = {}
    for i, m in enumerate(ROW.finditer(MIGRATION.read_text(encoding="utf-8"))):
        event, match, audience, kind, priority, channels, template = m.groups()
        out[template] = Rule(i, event, json.loads(match), audience, kind, priority,
                             tuple(channels.split(",")), template)  # fmt: skip
    return out


RULES = _rules()
LEVEL_1 = Rule(99, OVERDUE, {"level": 1, "warning": False}, "team_lead", "escalation", "high",
               ("inbox",), "overdue")  # fmt: skip


def _who(person_id: str = "plumber") -> list[Recipient]:
    return [Recipient(Person(person_id, NAMES.person(person_id)), Preferences(lang="zh-CN"))]


def test_the_migration_adds_the_four_rules_with_known_audiences_and_templates() -> None:
    assert {r.event_type for r in RULES.values()} == {OVERDUE, OPENED, REJECTED, MERGED}
    for r in RULES.values():
        assert r.audience in AUDIENCES and r.template in templates.DEFAULTS, r
        assert templates.DEFAULTS[r.template][0] == r.event_type, r
    text = MIGRATION.read_text(encoding="utf-8")
    assert """SET match = '{"level": 1, "warning": false}'""" in text


def test_a_warning_reaches_the_assignee_and_not_the_team_lead() -> None:
    warning = SAMPLES[OVERDUE].model_copy(
        update={"level": 1, "warning": True, "overdue_by_s": -1200}
    )
    late = warning.model_copy(update={"warning": False, "overdue_by_s": 600})
    due_soon = RULES["due_soon"]
    data_w, data_l = warning.model_dump(mode="json"), late.model_dump(mode="json")
    assert due_soon.applies_to(data_w) and not due_soon.applies_to(data_l)
    assert LEVEL_1.applies_to(data_l) and not LEVEL_1.applies_to(data_w)
    [m] = plan(warning, due_soon, _who(), {"inbox"}, {}, NOW, NAMES, samples.TICKET_FACTS)
    assert m.recipient == "plumber" and m.kind == "escalation"
    assert m.subject.startswith("即将超时") and "张建国" in m.body and "20分钟" in m.body
    assert m.link == f"/work/tickets/{warning.subject_id}"


@pytest.mark.parametrize(
    ("template", "event_type", "zh", "en"),
    [
        ("rectification_opened", OPENED, ["检查发现", "地漏堵塞", "11月24日 17:30"],
         ["an inspection", "地漏堵塞", "24 Nov 17:30"]),
        ("rectification_rejected", REJECTED, ["陈静", "复查时地漏仍有积水", "11月23日 17:30"],
         ["陈静", "复查时地漏仍有积水", "23 Nov 17:30"]),
        ("merged", MERGED, ["FK20261121-0057", "FK20261121-0042", "无需再处理"],
         ["FK20261121-0057", "FK20261121-0042", "no more work"]),
    ],
)  # fmt: skip
def test_the_responsible_person_is_told_in_both_languages(
    template: str, event_type: str, zh: list[str], en: list[str]
) -> None:
    event = SAMPLES[event_type]
    rule = RULES[template]
    assert rule.applies_to(event.model_dump(mode="json"))
    who = [*_who(), Recipient(Person("plumber", "张建国"), Preferences(lang="en"))]
    facts = samples.facts_for(event)
    zh_m, en_m = plan(event, rule, who, {"inbox"}, {}, NOW, NAMES, facts)
    for m, words in ((zh_m, zh), (en_m, en)):
        text = m.subject + m.body
        assert all(w in text for w in words), text
        for code in ("plumber", "plumbers", "maintenance", "supervisor", "+00:00"):
            assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), (code, text)
    assert "张建国" in zh_m.body
    zh_text = re.sub(r"FK\d{8}-\d{4}", "", zh_m.subject + zh_m.body)
    assert not re.search(r"[A-Za-z]{2,}", zh_text), zh_text  # no `inspection`, no English
    page = links.link_for(event, rule.audience)
    assert page is not None
    expected = "/manage" if template != "merged" else f"/work/tickets/{event.ticket_id}"  # type: ignore[attr-defined]
    assert zh_m.link == expected and en_m.link_label == page.button("en")


def test_no_responsible_person_no_message() -> None:
    import asyncio

    from notify import recipients

    event = SAMPLES[OPENED].model_copy(update={"responsible_id": None})
    assert asyncio.run(recipients.ids_for(None, "responsible", event)) == []  # type: ignore[arg-type]
    assert asyncio.run(recipients.ids_for(None, "responsible", SAMPLES[OPENED])) == ["plumber"]  # type: ignore[arg-type]
