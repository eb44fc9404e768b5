"""Templates: every built-in one renders against its event type's sample in both languages;
autoescape; a missing variable or a syntax error is a clear problem; the fallback."""

from __future__ import annotations

import pytest

from notify import samples, templates
from notify.domain import Rule, template_context
from notify.planning import render_for
from notify.samples import SAMPLES


@pytest.mark.parametrize("name", sorted(templates.DEFAULTS))
@pytest.mark.parametrize("lang", templates.LANGS)
def test_every_default_renders_its_sample(name: str, lang: str) -> None:
    event_type, langs = templates.DEFAULTS[name]
    context = template_context(SAMPLES[event_type], lang, "张师傅")
    subject, body = templates.render(langs[lang], context)
    assert subject and body
    assert "{{" not in subject + body


def test_missing_variable_fails_with_its_name() -> None:
    with pytest.raises(templates.TemplateProblem) as info:
        templates.render(templates.Template("{{ nope }}", "x"), {})
    assert info.value.part == "subject" and "nope" in info.value.message


def test_syntax_error_reports_the_line() -> None:
    problems = templates.check(templates.Template("ok", "line one\n{% if %}"), {})
    assert problems[0]["part"] == "body" and problems[0]["line"] == 2


def test_output_is_autoescaped_and_sandboxed() -> None:
    subject, _ = templates.render(templates.Template("{{ a }}", "x"), {"a": "<b>&"})
    assert subject == "&lt;b&gt;&amp;"
    with pytest.raises(templates.TemplateProblem) as info:
        templates.render(templates.Template("x", "{{ a.__class__.__mro__ }}"), {"a": ""})
    assert "unsafe" in info.value.message


def test_reporter_id_is_never_a_template_variable() -> None:
    ctx = template_context(SAMPLES["houqin.feedback.ComplaintFiled.v1"], "en")
    assert "reporter_id" not in ctx
    assert ctx["kind_label"] == "repair request" and ctx["category_code"] == "plumbing"
    named = samples.context(SAMPLES["houqin.feedback.ComplaintFiled.v1"], "en")
    assert named["place"] == "North Campus Student Apartment 7, room 312"
    assert named["category"] == "Plumbing"


def test_a_broken_override_falls_back_to_the_default() -> None:
    event = SAMPLES["houqin.feedback.ComplaintFiled.v1"]
    rule = Rule(1, event.event_type, {}, "reporter", "receipt", "normal", ("inbox",), "receipt")
    broken = {("receipt", "en"): {"subject": "{{ gone }}", "body": "x"}}
    subject, _ = render_for(event, rule, "en", "", broken)
    assert subject == "Received: FK20261121-0042"


def test_level_3_escalations_never_wait_for_quiet_hours_whatever_the_rule_says() -> None:
    from datetime import UTC, datetime, time

    from notify.domain import Person, Preferences
    from notify.planning import Recipient, plan

    event = SAMPLES["houqin.tickets.RectificationOverdue.v1"]
    rule = Rule(1, event.event_type, {}, "supervisors", "escalation", "high", ("email",), "overdue")
    night = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    prefs = Preferences(quiet_start=time(22, 0), quiet_end=time(7, 0))
    who = [Recipient(Person("q", "Q", {"email": "q@x.y"}), prefs)]
    level2 = plan(event, rule, who, {"email"}, {}, night)
    level3 = plan(event.model_copy(update={"level": 3}), rule, who, {"email"}, {}, night)
    assert level2[0].next_attempt_at == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    assert level3[0].next_attempt_at == night


def test_templates_render_in_a_sandbox() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    assert isinstance(templates.ENV, SandboxedEnvironment)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 1000000 }}",
        "{{ 1000000 * 'x' }}",
        "{{ [1, 2] * 100000 }}",
        "{{ 10 ** 100000000 }}",
        "{{ 7 ** 99999 }}",
        "{{ '%999999999d' % 1 }}",
        "{{ '%.999999999f' % 1 }}",
        "{{ '%999999999d'|format(1) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ 'x'.ljust(999999999) }}",
        "{{ 'x'|center(999999999) }}",
        "{% set a = 'x' * 99999 %}{{ ([a] * 99999)|join }}",
        "{% set a = 'x' * 99999 %}{{ ''.join([a] * 99999) }}",
        "{{ ('x' * 99999).replace('x', 'xx') }}",
        "{{ ('x' * 99999)|replace('x', 'xx') }}",
        "{{ ('\t' * 99999).expandtabs(8) }}",
        "{% for i in range(100000) %}xx{% endfor %}",
    ],
)
def test_a_template_cannot_make_a_huge_value(source: str) -> None:
    with pytest.raises(templates.TemplateProblem) as info:
        templates.render(templates.Template("s", source), {})
    assert "100000" in info.value.message


async def test_a_preview_that_loops_for_ever_is_stopped_and_the_loop_keeps_turning() -> None:
    import asyncio
    import time

    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    forever = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    began = time.monotonic()
    with pytest.raises(templates.TemplateProblem) as info:
        await templates.preview(templates.Template("s", forever), {})
    took = time.monotonic() - began
    ticker.cancel()
    assert "longer than" in info.value.message
    assert templates.PREVIEW_TIMEOUT_S <= took < templates.PREVIEW_TIMEOUT_S + 5  # a loaded CI host
    # The loop turned while the template ran (a blocked loop turns once, after the render);
    # the rendering thread holds the GIL most of the time, so only a few turns are certain.
    assert ticks >= 5
    assert await templates.preview(templates.Template("{{ a }}", "b"), {"a": "ok"}) == ("ok", "b")
