"""Feedback's intake API in-process against the real PostgreSQL: the report and its outbox event
are stored together, every field is validated, refusals change nothing."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from feedback_support import Feedback

from houqin_shared.problem_types import uri

pytestmark = pytest.mark.infra
FILED = "houqin.feedback.ComplaintFiled.v1"

REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "room": "312"},
    "description": "the tap leaks",
}


async def test_report_and_its_event_are_stored_together(feedback: Feedback) -> None:
    sso = feedback.sso
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        r = await client.post("/v1/reports", json=REPORT, headers=sso.auth("stu-1", "reporter"))
        assert r.status_code == 201, r.text
        refused = await client.post(
            "/v1/reports",
            json={**REPORT, "channel": "hotline"},
            headers=sso.auth("stu-1", "reporter"),
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == uri("channel-front-desk-only")
    assert len(await feedback.fetch("SELECT 1 FROM reports")) == 1
    rows = await feedback.fetch("SELECT event_type, key FROM outbox WHERE event_type = $1", FILED)
    assert [(x["event_type"], x["key"]) for x in rows] == [(FILED, r.json()["id"])]
    [event] = await feedback.events(FILED)
    assert event["reporter_id"] == "stu-1"
    assert event["tracking_no"] == r.json()["tracking_no"]


async def test_wrong_role_is_forbidden(feedback: Feedback) -> None:
    async with feedback.client() as client:
        r = await client.post(
            "/v1/reports", json=REPORT, headers=feedback.sso.auth("plumber", "staff")
        )
        assert r.status_code == 403
        assert r.json()["type"] == uri("role-required")
        assert r.json()["title"] == "你的账号没有执行此操作的权限"  # zh-CN unless English is asked
        english = await client.post(
            "/v1/reports",
            json=REPORT,
            headers={**feedback.sso.auth("plumber", "staff"), "Accept-Language": "en;q=0.9"},
        )
        assert english.json()["title"] == "Your account may not do this"
        assert english.headers["content-language"] == "en"


async def test_tracking_numbers_count_per_campus_day_also_under_concurrency(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    async with feedback.client(rate_address_burst=1000) as client:
        await feedback.publish(client, "plumbing")
        answers = await asyncio.gather(
            *(
                client.post("/v1/reports", json=REPORT, headers=sso.auth(f"stu-{i}", "reporter"))
                for i in range(20)
            )
        )
    assert [a.status_code for a in answers] == [201] * 20
    day = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    numbers = sorted(a.json()["tracking_no"] for a in answers)
    assert all(re.fullmatch(rf"FK{day:%Y%m%d}-\d{{4}}", n) for n in numbers), numbers
    assert numbers == [f"FK{day:%Y%m%d}-{i:04d}" for i in range(1, 21)]


BAD: list[tuple[str, dict[str, Any]]] = [
    ("unknown kind", {"kind": "rant"}),
    ("category not in catalogue", {"category": "teleportation"}),
    ("category not a code", {"category": "Plumbing!"}),
    ("no place at all", {"location": {"campus": "north"}}),
    ("room without building", {"location": {"room": "312", "text": "somewhere"}}),
    ("lat without long", {"location": {"lat": 30.1}}),
    ("latitude out of range", {"location": {"lat": 91, "long": 10}}),
    ("unknown location field", {"location": {"building": "b1", "planet": "mars"}}),
    ("empty description", {"description": "   "}),
    ("description too long", {"description": "x" * 4001}),
    ("control character", {"description": "leak\x00"}),
    ("contact too long", {"contact": "1" * 201}),
    ("anonymous not a boolean", {"anonymous": "maybe"}),
    ("unknown urgency", {"urgency": "whenever"}),
    ("unknown channel", {"channel": "pigeon"}),
    ("offline channel by a reporter", {"channel": "hotline"}),
    ("external channel by a reporter", {"channel": "external"}),
    ("on behalf of by a reporter", {"on_behalf_of": "stu-2"}),
    ("origin on an online channel", {"origin": "box-3"}),
    ("unknown field", {"priority": "high"}),
]


@pytest.mark.parametrize(("why", "change"), BAD, ids=[b[0] for b in BAD])
async def test_bad_reports_are_refused_with_a_problem_and_change_nothing(
    feedback: Feedback, why: str, change: dict[str, Any]
) -> None:
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        r = await client.post(
            "/v1/reports", json={**REPORT, **change}, headers=feedback.sso.auth("s", "reporter")
        )
    assert r.status_code == 422, (why, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 422
    assert await feedback.fetch("SELECT 1 FROM reports") == []
    assert await feedback.fetch("SELECT 1 FROM outbox WHERE event_type = $1", FILED) == []


async def test_front_desk_transcribes_offline_reports_with_their_origin(feedback: Feedback) -> None:
    sso = feedback.sso
    desk = sso.auth("clerk-1", "front_desk")
    async with feedback.client() as client:
        await feedback.publish(client, "plumbing")
        no_origin = await client.post(
            "/v1/reports", json={**REPORT, "channel": "suggestion_box"}, headers=desk
        )
        assert no_origin.status_code == 422
        assert no_origin.json()["type"] == uri("origin-required")
        r = await client.post(
            "/v1/reports",
            json={
                **REPORT,
                "channel": "suggestion_box",
                "origin": "box-north-canteen",
                "on_behalf_of": "stu-9",
            },
            headers=desk,
        )
        assert r.status_code == 201, r.text
        assert r.json()["origin"] == "box-north-canteen"
        mine = await client.get("/v1/reports", headers=sso.auth("stu-9", "reporter"))
        assert [x["id"] for x in mine.json()] == [r.json()["id"]]
        called = await client.get(
            f"/v1/reports/by-tracking-no/{r.json()['tracking_no']}", headers=desk
        )
        assert called.json()["reporter_id"] == "stu-9"
        stranger = await client.get(
            f"/v1/reports/by-tracking-no/{r.json()['tracking_no']}",
            headers=sso.auth("stu-1", "reporter"),
        )
        assert stranger.status_code == 404
        bad = await client.get("/v1/reports/by-tracking-no/nonsense", headers=desk)
        assert bad.status_code == 422
        hotline = await client.post(
            "/v1/reports", json={**REPORT, "channel": "hotline"}, headers=desk
        )
        assert hotline.status_code == 201, hotline.text
    [row] = await feedback.fetch(
        "SELECT transcribed_by, filed_by, reporter_id FROM reports WHERE origin IS NOT NULL"
    )
    assert dict(row) == {"transcribed_by": "clerk-1", "filed_by": "clerk-1", "reporter_id": "stu-9"}
    events = await feedback.events(FILED)
    assert [e["channel"] for e in events] == ["suggestion_box", "hotline"]
    assert events[1]["reporter_id"] is None  # the caller's number is not a user


async def test_anonymous_identity_stays_out_of_events_and_others_views(feedback: Feedback) -> None:
    sso = feedback.sso
    teacher = sso.auth("teacher-1", "reporter")
    async with feedback.client() as client:
        await feedback.publish(client, "canteen")
        r = await client.post(
            "/v1/reports",
            json={
                **REPORT,
                "kind": "complaint",
                "category": "canteen",
                "anonymous": True,
                "contact": "13800000000",
            },
            headers=teacher,
        )
        assert r.status_code == 201, r.text
        assert r.json()["reporter_id"] == "teacher-1"
        rid = r.json()["id"]
        seen = await client.get(f"/v1/reports/{rid}", headers=sso.auth("sup", "supervisor"))
        assert seen.status_code == 200
        assert seen.json()["reporter_id"] is None and seen.json()["contact"] is None
        other = await client.get(f"/v1/reports/{rid}", headers=sso.auth("stu-2", "reporter"))
        assert other.status_code == 404
        worker = await client.get(f"/v1/reports/{rid}", headers=sso.auth("cook", "staff"))
        assert worker.status_code == 404
        desk = await client.get(
            f"/v1/reports/by-tracking-no/{r.json()['tracking_no']}",
            headers=sso.auth("clerk", "front_desk"),
        )
        assert desk.status_code == 200
        assert desk.json()["reporter_id"] is None and desk.json()["contact"] is None
        assert "teacher-1" not in desk.text
    [event] = await feedback.events(FILED)
    assert event["anonymous"] is True and event["reporter_id"] is None
    assert "teacher-1" not in str(event) and "13800000000" not in str(event)


async def test_concurrent_retries_with_one_idempotency_key_make_one_report(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    headers = {**sso.auth("stu-1", "reporter"), "Idempotency-Key": "k-123"}
    async with feedback.client(rate_reporter_burst=50) as client:
        await feedback.publish(client, "plumbing")
        answers = await asyncio.gather(
            *(client.post("/v1/reports", json=REPORT, headers=headers) for _ in range(10))
        )
        assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 9
        assert len({a.json()["id"] for a in answers}) == 1
        assert len({a.json()["tracking_no"] for a in answers}) == 1
        later = await client.post("/v1/reports", json=REPORT, headers=headers)
        assert later.status_code == 201 and later.json()["id"] == answers[0].json()["id"]
        assert later.headers["idempotent-replayed"] == "true"
        other_body = await client.post(
            "/v1/reports", json={**REPORT, "description": "other"}, headers=headers
        )
        assert other_body.status_code == 422
        other_user = await client.post(
            "/v1/reports",
            json=REPORT,
            headers={**sso.auth("stu-2", "reporter"), "Idempotency-Key": "k-123"},
        )
        assert other_user.status_code == 201
        assert other_user.json()["id"] != answers[0].json()["id"]
    assert len(await feedback.fetch("SELECT 1 FROM reports")) == 2
    assert len(await feedback.events(FILED)) == 2


async def test_a_flood_from_one_reporter_is_limited_without_slowing_others(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    async with feedback.client(rate_reporter_burst=3, rate_reporter_per_min=1) as client:
        await feedback.publish(client, "plumbing")
        flood = [
            await client.post("/v1/reports", json=REPORT, headers=sso.auth("spam", "reporter"))
            for _ in range(5)
        ]
        assert [f.status_code for f in flood] == [201, 201, 201, 429, 429]
        assert flood[3].headers["content-type"].startswith("application/problem+json")
        assert int(flood[3].headers["retry-after"]) >= 1
        calm = await client.post("/v1/reports", json=REPORT, headers=sso.auth("calm", "reporter"))
        assert calm.status_code == 201
    assert len(await feedback.fetch("SELECT 1 FROM reports")) == 4


async def test_a_flood_from_one_address_is_limited(feedback: Feedback) -> None:
    sso = feedback.sso
    async with feedback.client(rate_address_burst=4, rate_address_per_min=1) as client:
        await feedback.publish(client, "plumbing")
        codes = [
            (
                await client.post("/v1/reports", json=REPORT, headers=sso.auth(f"u{i}", "reporter"))
            ).status_code
            for i in range(6)
        ]
    assert codes == [201, 201, 201, 201, 429, 429]


async def test_the_worker_prepares_tomorrows_sequence_and_lists_its_tasks(
    feedback: Feedback,
) -> None:
    from datetime import timedelta

    from feedback import periodic, repository

    zone = ZoneInfo("Asia/Shanghai")
    tomorrow = datetime.now(UTC).astimezone(zone).date() + timedelta(days=1)
    async with feedback.pool() as pool:
        await asyncio.gather(*(periodic.prepare_sequences(pool, zone) for _ in range(3)))
        async with pool.acquire() as conn:
            assert await repository.next_day_seqs(conn, tomorrow) == [1]
            async with conn.transaction():  # inside a transaction, a missing day is made too
                assert await repository.next_day_seqs(conn, tomorrow + timedelta(days=5)) == [1]
    names = [t.name for t in periodic.tasks(feedback.settings(auto_confirm_every_s=60))]
    assert names == [
        "auto_confirm",
        "survey_close",
        "tracking_sequences",
        "photo_expiry",
        "photo_orphans",
    ]
