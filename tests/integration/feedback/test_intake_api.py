"""Feedback's intake API in-process against the real PostgreSQL: the report and its outbox event
are stored together, and refusals change nothing."""

from __future__ import annotations

import asyncpg
import pytest
from helpers import Infra, Sso, api_client, settings_for

from feedback.__main__ import create_app
from feedback.settings import FeedbackSettings

pytestmark = pytest.mark.infra

REPORT = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


async def test_report_and_its_event_are_stored_together(infra: Infra, sso: Sso, service_db) -> None:  # type: ignore[no-untyped-def]
    schema = service_db("feedback")
    app = create_app(settings_for(FeedbackSettings, infra, sso, schema))
    async with api_client(app) as client:
        r = await client.post("/v1/reports", json=REPORT, headers=sso.auth("stu-1", "reporter"))
        assert r.status_code == 201, r.text
        refused = await client.post(
            "/v1/reports",
            json={**REPORT, "channel": "hotline"},
            headers=sso.auth("stu-1", "reporter"),
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
    conn = await asyncpg.connect(infra.admin_dsn, server_settings={"search_path": schema})
    try:
        assert await conn.fetchval("SELECT count(*) FROM reports") == 1
        row = await conn.fetchrow("SELECT event_type, key FROM outbox")
        assert row["event_type"] == "houqin.feedback.ComplaintFiled.v1"
        assert row["key"] == r.json()["id"]
    finally:
        await conn.close()


async def test_wrong_role_is_forbidden(infra: Infra, sso: Sso, service_db) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings_for(FeedbackSettings, infra, sso, service_db("feedback")))
    async with api_client(app) as client:
        r = await client.post("/v1/reports", json=REPORT, headers=sso.auth("plumber", "staff"))
        assert r.status_code == 403
        assert r.json()["title"] == "Forbidden"
