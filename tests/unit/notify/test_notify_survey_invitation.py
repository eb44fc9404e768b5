"""Survey invitations are sent (issue 17; migration 0011): each invitee of a
SurveyInvitationsIssued gets one message in their language leading to their own personal link
(never another's), and no template can see the other invitees' links; the short code carries
the token and the console's /go decodes it back to the same page."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from console.pages import links as console_links
from feedback import domain_surveys
from houqin_shared.contracts import SurveyInvitationsIssued
from notify import links, templates
from notify.domain import AUDIENCES, Person, Preferences, Rule, template_context
from notify.planning import Recipient, plan
from notify.samples import NAMES, SAMPLES

EVENT = "houqin.feedback.SurveyInvitationsIssued.v1"
MIGRATION = Path(__file__).resolve().parents[3] / (
    "services/notify/notify/migrations/0011_survey_invitations.sql"
)
RULE = Rule(1, EVENT, {}, "invitees", "survey", "normal", ("inbox", "email"), "survey_invitation")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
SURVEY = {"id": uuid.uuid4(), "title": "2026年秋季后勤满意度测评", "period_end": date(2026, 12, 15)}


def _event(tokens: dict[str, str]) -> SurveyInvitationsIssued:
    [event] = domain_surveys.invitations(SURVEY, tokens, NOW)
    return event


def test_the_migration_adds_the_rule_with_a_known_audience_and_template() -> None:
    text = MIGRATION.read_text(encoding="utf-8")
    assert f"'{EVENT}', '{{}}', 'invitees', 'survey', 'normal', '{{inbox,email}}'" in text
    assert "'survey_invitation'" in text and "invitees" in AUDIENCES
    assert templates.DEFAULTS["survey_invitation"][0] == EVENT


def test_each_invitee_gets_their_own_link_in_their_language() -> None:
    tokens = {"student": domain_surveys.new_token(), "teacher": domain_surveys.new_token()}
    event = _event(tokens)
    who = [
        Recipient(Person("student", ""), Preferences(lang="en")),
        Recipient(Person("teacher", "王老师", {"email": "wang@example.edu.cn"}), Preferences()),
    ]
    messages = plan(event, RULE, who, {"inbox", "email"}, {}, NOW, NAMES)
    by = {(m.recipient, m.channel): m for m in messages}
    assert set(by) == {("student", "inbox"), ("teacher", "inbox"), ("teacher", "email")}
    for person, token in tokens.items():
        for m in (m for (p, _), m in by.items() if p == person):
            assert m.link == f"/surveys/{SURVEY['id']}?t={token}"
            assert m.link_code is not None and m.link_code.endswith(token)
            other = next(t for p, t in tokens.items() if p != person)
            assert other not in m.body + m.subject + (m.link or "")
    en, zh = by[("student", "inbox")], by[("teacher", "inbox")]
    assert en.subject == "Satisfaction survey: 2026年秋季后勤满意度测评"
    assert "15 Dec 2026" in en.body and en.link_label == "Answer the survey"
    assert zh.subject == "满意度测评邀请：2026年秋季后勤满意度测评"
    assert zh.body.startswith("王老师，") and "2026年12月15日" in zh.body
    assert zh.link_label == "填写测评"


def test_no_template_sees_the_other_invitees_links() -> None:
    event = _event({"student": domain_surveys.new_token(), "teacher": domain_surveys.new_token()})
    context = template_context(event, "zh-CN", "王老师", NAMES)
    assert "invitees" not in context
    assert all(i.link.split("?t=")[1] not in str(context) for i in event.invitees)


def test_a_large_audience_comes_in_events_the_broker_takes() -> None:
    tokens = {f"u{i:05d}": domain_surveys.new_token() for i in range(1201)}
    events = domain_surveys.invitations(SURVEY, tokens, NOW)
    assert [len(e.invitees) for e in events] == [500, 500, 201]
    assert max(len(e.model_dump_json()) for e in events) < 200_000
    assert {i.person_id for e in events for i in e.invitees} == set(tokens)


def test_someone_not_invited_gets_no_personal_page() -> None:
    event = SAMPLES[EVENT]
    assert links.personal(event, "someone-else") is None
    assert links.personal(SAMPLES["houqin.tickets.TicketOpened.v1"], "plumber") is None


def test_the_short_code_carries_the_token_and_decodes_to_the_same_page() -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for _ in range(200):
        token = domain_surveys.new_token()
        link = links.Link("s", uuid.UUID(int=rng.getrandbits(128)), token)
        assert console_links.decode(link.code) == link.path, f"seed {seed}"
        assert link.path.endswith(f"?t={token}")


@pytest.mark.parametrize(
    "code", ["s" + "0" * 22 + "short", "s" + "0" * 22 + "x" * 65, "s" + "0" * 22 + "a b" * 8,
             "t" + "0" * 22 + "Qx7Lm2Rb9Vt4Kp1Zs8Nw"],
)  # fmt: skip
def test_a_bad_survey_code_names_no_page(code: str) -> None:
    assert console_links.decode(code) is None
