"""A chase (督办) is sent (issue 17; migration 0010): TicketChased tells the ticket's assignee
and its team lead what is asked, by whom, about which ticket and place, in their language and
by name, with the ticket's page; the chaser is not told of their own chase."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from notify import links, recipients, samples, templates
from notify.domain import AUDIENCES, Person, Preferences, Rule
from notify.planning import Recipient, plan
from notify.samples import NAMES, SAMPLES

MIGRATION = Path(__file__).resolve().parents[3] / (
    "services/notify/notify/migrations/0010_chase_rules.sql"
)
ROW = re.compile(r"\('([^']+)', '(\{[^']*\})', '(\w+)', '(\w+)', '(\w+)', '\{([^}]*)\}', '(\w+)'\)")
CHASED = "houqin.tickets.TicketChased.v1"
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
NOTE = "请今天17:00前到场处理，并在工单里回复进展"


def _rules() -> dict[str, Rule]:
    out = {}
    for i, m in enumerate(ROW.finditer(MIGRATION.read_text(encoding="utf-8"))):
        event, match, audience, kind, priority, channels, template = m.groups()
        out[audience] = Rule(i, event, json.loads(match), audience, kind, priority,
                             tuple(channels.split(",")), template)  # fmt: skip
    return out


RULES = _rules()


def test_the_migration_sends_a_chase_to_the_assignee_and_the_team_lead() -> None:
    assert set(RULES) == {"assignee", "team_lead"}
    for r in RULES.values():
        assert r.event_type == CHASED and r.audience in AUDIENCES and r.template == "chased"
        assert templates.DEFAULTS[r.template][0] == CHASED and "inbox" in r.channels
        assert r.applies_to(SAMPLES[CHASED].model_dump(mode="json"))


def test_the_assignee_reads_the_note_by_name_in_both_languages() -> None:
    event = SAMPLES[CHASED]
    who = [Recipient(Person("plumber", "张建国"), Preferences(lang="zh-CN")),
           Recipient(Person("plumbing-lead", "李明"), Preferences(lang="en"))]  # fmt: skip
    zh, en = plan(event, RULES["assignee"], who, {"inbox"}, {}, NOW, NAMES, samples.TICKET_FACTS)
    assert zh.subject == "督办：FK20261121-0042 水电维修·给排水"
    assert zh.body == (
        "张建国，陈静督办工单 FK20261121-0042（水电维修·给排水，北校区学生公寓7号楼 312），"
        f"已到二级督办。督办要求：「{NOTE}」。当前状态：已派单。请按要求办理，并在工单里反馈进展。"
    )
    assert en.subject == "Chased: FK20261121-0042 Plumbing"
    assert en.body == (
        "李明, 陈静 chased ticket FK20261121-0042 (Plumbing, North Campus Student Apartment 7,"
        f" room 312), at overdue level 2. What is asked: “{NOTE}”. Status: assigned, with 张建国"
        " (Plumbers). Please do it and report progress on the ticket."
    )
    for m in (zh, en):
        text = m.subject + m.body
        for code in ("plumber", "plumbers", "maintenance", "supervisor", "north-dorm-7"):
            assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), (code, text)
        assert m.link == f"/work/tickets/{event.ticket_id}" and m.kind == "escalation"
        assert m.tracking_no == "FK20261121-0042"
    assert zh.link_label == "打开工单" and en.link_label == "Open the ticket"
    page = links.link_for(event, "team_lead")
    assert page is not None and page.path == f"/work/tickets/{event.ticket_id}"


def test_without_a_level_or_a_known_chaser_it_still_reads_in_words() -> None:
    event = SAMPLES[CHASED].model_copy(update={"level": None, "chased_by": "someone-new"})
    who = [Recipient(Person("plumbing-lead", "李明"), Preferences(lang="zh-CN"))]
    [m] = plan(event, RULES["team_lead"], who, {"inbox"}, {}, NOW, NAMES, samples.TICKET_FACTS)
    assert m.body.startswith("李明，质量监督人员督办工单 FK20261121-0042（")
    assert "级督办" not in m.body and "处理人：张建国（水工组）" in m.body
    assert "someone-new" not in m.body


def test_the_chaser_is_not_told_of_their_own_chase() -> None:
    event = SAMPLES[CHASED]
    got = asyncio.run(recipients.ids_for(None, "assignee", event))  # type: ignore[arg-type]
    assert got == ["plumber"]
    own = event.model_copy(update={"chased_by": "plumber"})
    assert asyncio.run(recipients.ids_for(None, "assignee", own)) == []  # type: ignore[arg-type]
