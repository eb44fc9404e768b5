"""Survey invitations reach each invitee (issue 17; migration 0011), through the worker's
handlers and the inbox API against the real PostgreSQL: one message per invitee, in their own
inbox, leading to their own personal link; nobody else's inbox holds it; the same event twice
makes no second message."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import asyncpg
import pytest
from helpers import Sso, api_client
from notify_support import Handle, directory

from houqin_shared.contracts import SurveyInvitationsIssued
from houqin_shared.contracts.feedback import SurveyInvitee
from notify.__main__ import create_app
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra


async def test_each_invitee_finds_their_own_link_in_their_inbox(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle, sso: Sso
) -> None:
    settings, pool = notify_env
    await handle(directory())
    survey = uuid.uuid4()
    tokens = {who: uuid.uuid4().hex for who in ("student", "teacher", "plumber")}
    event = SurveyInvitationsIssued(
        survey_id=survey,
        title="2026年秋季后勤满意度测评",
        period_end=date(2026, 12, 31),
        invitees=[
            SurveyInvitee(person_id=who, link=f"/surveys/{survey}?t={token}")
            for who, token in tokens.items()
        ],
        issued_at=datetime.now(UTC),
    )
    event_id = await handle(event)
    rows = await pool.fetch(
        "SELECT recipient, link FROM messages WHERE event_id = $1 AND channel = 'inbox'", event_id
    )
    assert sorted((r["recipient"], r["link"]) for r in rows) == sorted(
        (who, f"/surveys/{survey}?t={token}") for who, token in tokens.items()
    )
    async with api_client(create_app(settings)) as client:
        for who, token in tokens.items():
            inbox = await client.get("/v1/inbox", headers=sso.auth(who, "reporter"))
            assert inbox.status_code == 200, inbox.text
            mine = [m for m in inbox.json() if "满意度测评" in m["subject"]]
            assert len(mine) == 1, mine
            assert mine[0]["link"] == f"/surveys/{survey}?t={token}"
            assert "2026年12月31日" in mine[0]["body"]
        other = await client.get("/v1/inbox", headers=sso.auth("leader", "leader"))
        assert not [m for m in other.json() if "满意度测评" in m["subject"]]
    before = await pool.fetchval("SELECT count(*) FROM messages WHERE event_id = $1", event_id)
    await handle(event, event_id)  # the same event again (a relay's second copy)
    after = await pool.fetchval("SELECT count(*) FROM messages WHERE event_id = $1", event_id)
    assert after == before
