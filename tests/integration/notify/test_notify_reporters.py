"""Anonymous reporters and everyone on a group of duplicates hear about their report: notify
asks the real feedback API over HTTP (as the SSO client `notify`), and nobody else learns who
the anonymous reporter is."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from helpers import Infra, Sso, api_client, serving, settings_for
from notify_support import Handle, directory
from pydantic import SecretStr

from feedback.__main__ import create_app
from feedback.settings import FeedbackSettings
from houqin_shared.consumer import Unavailable
from houqin_shared.contracts import ComplaintFiled, TicketOpened, TicketStatusChanged
from notify import followers, reporters
from notify.__main__ import create_app as notify_app
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
SERVICE = {
    "name": "Plumbing repairs",
    "department_id": "maintenance",
    "limits": [{"urgency": "normal", "accept_minutes": 30, "finish_minutes": 1440}],
}
REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks all night",
}


@pytest.fixture
async def feedback_url(
    infra: Infra, sso: Sso, service_db: Callable[[str], str]
) -> AsyncIterator[str]:
    settings = settings_for(FeedbackSettings, infra, sso, service_db("feedback"))
    async with serving(create_app(settings)) as url:
        admin = {"Authorization": "Bearer " + sso.token("admin-1", "admin")}
        async with httpx.AsyncClient() as client:
            r = await client.put(f"{url}/v1/catalog/plumbing", json=SERVICE, headers=admin)
        assert r.status_code in (200, 201), r.text
        yield url


DOWN = "http://127.0.0.1:9"  # nothing listens there


def asking(
    settings: NotifySettings, sso: Sso, feedback_url: str, secret: str = "notify-s3"
) -> reporters.ReporterAudience:
    """Notify's lookup of a report's followers, at `feedback_url`, as the SSO client notify."""
    changes = {
        "feedback_url": feedback_url,
        "sso_token_url": sso.token_url,
        "client_secret": SecretStr(secret),
    }
    return reporters.ReporterAudience(settings.model_copy(update=changes))


async def messages(pool: asyncpg.Pool, tracking_no: str) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        found = await conn.fetch(
            "SELECT * FROM messages WHERE tracking_no = $1 ORDER BY kind, recipient", tracking_no
        )
    return [dict(r) for r in found]


async def filed_event(client: httpx.AsyncClient, url: str, sso: Sso, who: str) -> ComplaintFiled:
    """File a report as `who`, anonymously, and read back the ComplaintFiled it emitted."""
    auth = {"Authorization": "Bearer " + sso.token(who, "reporter")}
    r = await client.post(f"{url}/v1/reports", json={**REPORT, "anonymous": True}, headers=auth)
    assert r.status_code == 201, r.text
    report = r.json()
    return ComplaintFiled(
        report_id=uuid.UUID(report["id"]),
        tracking_no=report["tracking_no"],
        kind="repair",
        category="plumbing",
        channel="web",
        location=REPORT["location"],
        description=REPORT["description"],
        anonymous=True,
        reporter_id=None,
        filed_at=datetime.now(UTC),
    )


def opened_for(report: ComplaintFiled) -> TicketOpened:
    """The plumbers' ticket for `report`."""
    return TicketOpened(
        ticket_id=uuid.uuid4(), report_id=report.report_id, tracking_no=report.tracking_no,
        kind="repair", category="plumbing", urgency="normal", location=report.location,
        department_id="maintenance", team_id="plumbers", opened_at=datetime.now(UTC),
    )  # fmt: skip


async def test_anonymous_and_me_too_reporters_are_told_and_stay_unnamed(
    notify_env: tuple[NotifySettings, asyncpg.Pool],
    handle: Handle,
    sso: Sso,
    feedback_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, pool = notify_env
    audience = asking(settings, sso, feedback_url)
    monkeypatch.setattr(reporters, "AUDIENCE", audience)
    await handle(directory())
    async with httpx.AsyncClient() as client:
        report = await filed_event(client, feedback_url, sso, "anon-student")
        await handle(report)
        assert await messages(pool, report.tracking_no) == []  # noted, told by the task:
        await followers.tell(pool)
        await followers.tell(pool)  # (nothing twice)
        receipt = await messages(pool, report.tracking_no)
        assert [(m["recipient"], m["kind"]) for m in receipt] == [("anon-student", "receipt")]

        me_too = {"Authorization": "Bearer " + sso.token("neighbour", "reporter")}
        r = await client.post(
            f"{feedback_url}/v1/reports/{report.report_id}/me-too", headers=me_too
        )
        assert r.status_code == 201, r.text

    await handle(opened_for(report))
    await handle(
        TicketStatusChanged(
            ticket_id=uuid.uuid4(),
            report_id=report.report_id,
            tracking_no=report.tracking_no,
            status="resolved",
            previous_status="on_site",
            note="washer replaced",
            changed_at=datetime.now(UTC),
        )
    )
    await followers.tell(pool)
    got = await messages(pool, report.tracking_no)
    asked = [(m["recipient"], m["kind"]) for m in got if m["kind"] == "confirm_request"]
    assert asked == [("anon-student", "confirm_request"), ("neighbour", "confirm_request")]
    # Messages to anyone else (the team's queue) never carry the anonymous reporter's id.
    for m in got:
        if m["recipient"] != "anon-student":
            assert "anon-student" not in json.dumps(m, default=str), m["kind"]
    # Supervisors reading the messages about the report see "reporter", not who it is; the
    # reporter finds them in their own inbox.
    async with api_client(notify_app(settings)) as api:
        seen = await api.get(
            "/v1/messages",
            params={"tracking_no": report.tracking_no},
            headers=sso.auth("sup", "supervisor"),
        )
        assert seen.status_code == 200
        assert "anon-student" not in seen.text and "neighbour" not in seen.text
        assert {m["recipient"] for m in seen.json()} == {"reporter", "team:plumbers"}
        inbox = await api.get("/v1/inbox", headers=sso.auth("anon-student", "reporter"))
        assert {m["kind"] for m in inbox.json()} == {"receipt", "confirm_request"}
    await audience.close()


async def test_feedback_or_sso_away_means_try_again_later(
    notify_env: tuple[NotifySettings, asyncpg.Pool], sso: Sso, feedback_url: str
) -> None:
    settings, _ = notify_env
    unknown = uuid.uuid4()
    good = asking(settings, sso, feedback_url)
    assert await good.of(unknown) is None  # a report feedback does not know: nobody to ask
    await good.close()
    cases = {
        "feedback down": asking(settings, sso, DOWN),
        "wrong secret": asking(settings, sso, feedback_url, secret="guess"),
    }
    for name, audience in cases.items():
        with pytest.raises(Unavailable):
            await audience.of(unknown)
            pytest.fail(name)
        await audience.close()


async def test_followers_wait_while_feedback_is_away_and_nothing_else_does(
    notify_env: tuple[NotifySettings, asyncpg.Pool],
    handle: Handle,
    sso: Sso,
    feedback_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, pool = notify_env
    away = asking(settings, sso, DOWN)
    monkeypatch.setattr(reporters, "AUDIENCE", away)
    await handle(directory())
    async with httpx.AsyncClient() as client:
        report = await filed_event(client, feedback_url, sso, "anon-2")
    await handle(report)
    await handle(opened_for(report))  # the team's queue is told at once, feedback or not
    assert [m["recipient"] for m in await messages(pool, report.tracking_no)] == ["team:plumbers"]
    await followers.tell(pool)
    async with pool.acquire() as conn:
        [item] = await conn.fetch("SELECT * FROM reporter_news")
    assert item["attempts"] == 1 and "unreachable" in item["last_error"]
    assert item["next_attempt_at"] > datetime.now(UTC)  # waits (backoff) before trying again
    await away.close()

    back = asking(settings, sso, feedback_url)
    monkeypatch.setattr(reporters, "AUDIENCE", back)
    async with pool.acquire() as conn:
        await conn.execute("UPDATE reporter_news SET next_attempt_at = now()")
    await followers.tell(pool)
    got = await messages(pool, report.tracking_no)
    assert sorted((m["recipient"], m["kind"]) for m in got) == [
        ("anon-2", "receipt"),
        ("team:plumbers", "queue"),
    ]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM reporter_news") == 0
    await back.close()
