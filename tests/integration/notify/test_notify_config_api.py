"""The admin API for rules, templates (with preview) and channels, and the inbox API, in-process
against the real PostgreSQL: bad input gives 422 problem+json and changes nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from helpers import Sso, api_client
from notify_support import Handle

from houqin_shared.contracts import ComplaintFiled, Location
from notify.__main__ import create_app
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
RULE = {
    "event_type": "houqin.tickets.TicketStatusChanged.v1",
    "match": {"status": "reopened"},
    "audience": "assignee",
    "kind": "reopened",
    "priority": "high",
    "channels": ["inbox", "email"],
    "template": "confirm_request",
}


def problem(r: object) -> dict[str, object]:
    import httpx

    assert isinstance(r, httpx.Response)
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    body: dict[str, object] = r.json()
    return body


async def test_rules_are_data_editable_by_admins(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso
) -> None:
    settings, _ = notify_env
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        seeded = (await client.get("/v1/rules", headers=admin)).json()
        # the 13 first rules, 2 for praise, 1 for a department praise, 4 for the responsible,
        # 2 for a chase (督办), 1 for survey invitations
        assert len(seeded) == 23
        r = await client.post("/v1/rules", json=RULE, headers=admin)
        assert r.status_code == 201, r.text
        rule_id = r.json()["id"]
        again = await client.post("/v1/rules", json=RULE, headers=admin)
        assert again.status_code == 409
        bad = await client.post(
            "/v1/rules",
            json={**RULE, "match": {"colour": "red"}, "template": "awards", "audience": "x"},
            headers=admin,
        )
        assert bad.status_code == 422
        problem(bad)
        bad = await client.post(
            "/v1/rules",
            json={**RULE, "match": {"colour": "red"}, "template": "awards"},
            headers=admin,
        )
        assert bad.status_code == 422
        locs = [e["loc"] for e in problem(bad)["errors"]]  # type: ignore[union-attr]
        assert ["match", "colour"] in locs and ["template"] in locs
        upd = await client.put(
            f"/v1/rules/{rule_id}", json={**RULE, "enabled": False}, headers=admin
        )
        assert upd.status_code == 200 and upd.json()["enabled"] is False
        forbidden = await client.post("/v1/rules", json=RULE, headers=sso.auth("s", "supervisor"))
        assert forbidden.status_code == 403
        assert (await client.delete(f"/v1/rules/{rule_id}", headers=admin)).status_code == 204
        assert (await client.delete(f"/v1/rules/{rule_id}", headers=admin)).status_code == 404
        assert len((await client.get("/v1/rules", headers=admin)).json()) == 23


async def test_templates_preview_override_and_refuse_what_cannot_render(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso, handle: Handle
) -> None:
    settings, pool = notify_env
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        listed = (await client.get("/v1/templates", headers=admin)).json()
        assert {(t["name"], t["lang"]) for t in listed} >= {("receipt", "zh-CN"), ("overdue", "en")}
        p = await client.post(
            "/v1/templates/preview",
            json={"name": "overdue", "lang": "en", "data": {"overdue_by_s": 90061}},
            headers=admin,
        )
        assert p.status_code == 200, p.text
        assert "1 d 1 h 1 min late" in p.json()["body"]
        p = await client.post(
            "/v1/templates/preview",
            json={
                "event_type": "houqin.feedback.ComplaintFiled.v1",
                "subject": "{{ tracking_no }}",
                "body": "{{ description }}",
                "data": {"description": "<script>x</script>"},
            },
            headers=admin,
        )
        assert p.json()["body"] == "&lt;script&gt;x&lt;/script&gt;"
        missing = await client.post(
            "/v1/templates/preview",
            json={"name": "receipt", "body": "{{ no_such_thing }}"},
            headers=admin,
        )
        assert missing.status_code == 422
        err = problem(missing)["errors"][0]  # type: ignore[index]
        assert err["part"] == "body" and "no_such_thing" in err["message"]
        syntax = await client.put(
            "/v1/templates/receipt/en",
            json={"subject": "{{ tracking_no", "body": "{% if %}"},
            headers=admin,
        )
        assert syntax.status_code == 422
        parts = {e["part"] for e in problem(syntax)["errors"]}  # type: ignore[union-attr]
        assert parts == {"subject", "body"}
        reporter_id = await client.put(
            "/v1/templates/receipt/en",
            json={"subject": "{{ tracking_no }}", "body": "from {{ reporter_id }}"},
            headers=admin,
        )
        assert reporter_id.status_code == 422  # the reporter's identity is not a variable
        ok = await client.put(
            "/v1/templates/receipt/zh-CN",
            json={"subject": "回执 {{ tracking_no }}", "body": "谢谢 {{ kind_label }}"},
            headers=admin,
        )
        assert ok.status_code == 200, ok.text
    async with pool.acquire() as conn:
        stored = await conn.fetch("SELECT name, lang FROM templates")
    assert [tuple(r) for r in stored] == [("receipt", "zh-CN")]
    report = ComplaintFiled(
        report_id=uuid.uuid4(),
        tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
        kind="complaint",
        category="canteen",
        channel="web",
        location=Location(),
        description="cold food",
        anonymous=False,
        reporter_id="stu-2",
        filed_at=datetime.now(UTC),
    )
    await handle(report)
    async with api_client(create_app(settings)) as client:
        inbox = (await client.get("/v1/inbox", headers=sso.auth("stu-2", "reporter"))).json()
    assert inbox[0]["subject"] == f"回执 {report.tracking_no}"
    assert inbox[0]["body"] == "谢谢 投诉"


async def test_a_preview_that_loops_for_ever_is_refused_in_time_and_healthz_answers(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso
) -> None:
    settings, _ = notify_env
    admin = sso.auth("admin", "admin")
    forever = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    async with api_client(create_app(settings)) as client:

        async def health() -> float:
            began = time.monotonic()
            while time.monotonic() - began < 0.5:
                assert (await client.get("/healthz")).status_code == 200
            return time.monotonic() - began

        began = time.monotonic()
        slow, _ = await asyncio.gather(
            client.post(
                "/v1/templates/preview",
                json={"name": "receipt", "body": forever},
                headers=admin,
            ),
            health(),
        )
        took = time.monotonic() - began
        assert slow.status_code == 422, slow.text
        assert "longer than" in problem(slow)["errors"][0]["message"]  # type: ignore[index]
        assert took < 3, took
        put = await client.put(
            "/v1/templates/receipt/en",
            json={"subject": "{{ 'x' * 10000000 }}", "body": forever},
            headers=admin,
        )
        assert put.status_code == 422, put.text
        parts = {e["part"] for e in problem(put)["errors"]}  # type: ignore[union-attr]
        assert parts == {"subject", "body"}


async def test_channel_settings_are_validated_and_internal_urls_refused(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso
) -> None:
    settings, pool = notify_env
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        bad = await client.put(
            "/v1/channels/email", json={"settings": {"host": "", "port": 0}}, headers=admin
        )
        assert bad.status_code == 422
        locs = {tuple(e["loc"]) for e in problem(bad)["errors"]}  # type: ignore[union-attr]
        assert ("settings", "port") in locs and ("settings", "sender") in locs
        for url in ("http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:80/x"):
            refused = await client.put(
                "/v1/channels/webhook",
                json={"settings": {"url": url, "secret": "s" * 20}},
                headers=admin,
            )
            assert refused.status_code == 422, url
            assert "internal" in str(problem(refused)["errors"])
        allowed = await client.put(
            "/v1/channels/webhook",
            json={"settings": {"url": "http://127.0.0.1:9/hook", "secret": "s" * 20}},
            headers=admin,
        )
        assert allowed.status_code == 200, allowed.text
        assert allowed.json()["settings"]["secret"] == "***"
        unknown = await client.put("/v1/channels/pigeon", json={}, headers=admin)
        assert unknown.status_code == 404
    async with pool.acquire() as conn:
        names = [r["name"] for r in await conn.fetch("SELECT name FROM channels ORDER BY name")]
    assert names == ["inbox", "webhook"]


async def test_inbox_lists_counts_and_marks_read(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso, handle: Handle
) -> None:
    settings, _ = notify_env
    tracking = []
    for _ in range(3):
        report = ComplaintFiled(
            report_id=uuid.uuid4(),
            tracking_no=f"FK-{uuid.uuid4().hex[:8]}",
            kind="repair",
            category="plumbing",
            channel="web",
            location=Location(),
            description="x",
            anonymous=False,
            reporter_id="stu-3",
            filed_at=datetime.now(UTC),
        )
        tracking.append(report.tracking_no)
        await handle(report)
    me = sso.auth("stu-3", "reporter")
    async with api_client(create_app(settings)) as client:
        inbox = (await client.get("/v1/inbox", headers=me)).json()
        assert [m["tracking_no"] for m in inbox] == tracking[::-1]
        assert (await client.get("/v1/inbox/unread-count", headers=me)).json() == {"unread": 3}
        r = await client.post("/v1/inbox/read", json={"ids": [inbox[0]["id"]]}, headers=me)
        assert r.json() == {"marked": 1}
        other = sso.auth("stu-4", "reporter")  # cannot mark someone else's messages
        assert (await client.post("/v1/inbox/read", json={}, headers=other)).json() == {"marked": 0}
        assert (await client.get("/v1/inbox/unread-count", headers=me)).json() == {"unread": 2}
        unread = (await client.get("/v1/inbox", params={"unread": True}, headers=me)).json()
        assert len(unread) == 2
        assert (await client.post("/v1/inbox/read", json={}, headers=me)).json() == {"marked": 2}
        about = await client.get(
            "/v1/messages", params={"tracking_no": tracking[0]}, headers=sso.auth("q", "supervisor")
        )
        assert [m["event_type"] for m in about.json()] == ["houqin.feedback.ComplaintFiled.v1"]
        assert (
            await client.get("/v1/messages", params={"tracking_no": tracking[0]}, headers=me)
        ).status_code == 403
