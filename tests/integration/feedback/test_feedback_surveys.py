"""Satisfaction surveys: personal links, one answer each (also under a double submit), results
per unit on closing, no respondent identity stored with an answer; the worker closes a survey
whose period has ended, once, whatever the number of replicas, and SurveyClosed reaches Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiokafka import AIOKafkaConsumer
from feedback_support import Feedback
from kafka_helpers import start_at_the_end

from feedback.periodic import close_ended_surveys
from houqin_shared import kafka
from houqin_shared.contracts import FEEDBACK_TOPIC
from houqin_shared.contracts.base import header_dict
from houqin_shared.relay import Relay

pytestmark = pytest.mark.infra
SURVEY: dict[str, Any] = {
    "title": "2026 秋季后勤满意度测评",
    "campaign_id": "6f1c2b0e-0000-4000-8000-000000000002",
    "period_start": "2026-09-01",
    "period_end": "2026-12-31",
    "questions": [
        {"id": "quality", "text": "服务质量 quality"},
        {"id": "attitude", "text": "服务态度 attitude"},
    ],
    "units": [
        {"unit_type": "team", "unit_id": "plumbers", "label": "水工组"},
        {"unit_type": "department", "unit_id": "catering", "label": "饮食服务科"},
    ],
    "audience": ["u1", "u2", "u3"],
}


def unit(unit_type: str, unit_id: str, quality: int, attitude: int) -> dict[str, Any]:
    return {
        "unit_type": unit_type,
        "unit_id": unit_id,
        "scores": {"quality": quality, "attitude": attitude},
    }


async def test_survey_from_links_to_results(feedback: Feedback) -> None:
    sso = feedback.sso
    sup = sso.auth("sup", "supervisor")
    async with feedback.client() as client:
        denied = await client.post("/v1/surveys", json=SURVEY, headers=sso.auth("s", "reporter"))
        assert denied.status_code == 403
        created = await client.post("/v1/surveys", json=SURVEY, headers=sup)
        assert created.status_code == 201, created.text
        sid, tokens = created.json()["survey_id"], created.json()["tokens"]
        assert sorted(tokens) == ["u1", "u2", "u3"]
        shown = await client.get(f"/v1/survey-responses/{tokens['u1']}")
        assert shown.status_code == 200 and len(shown.json()["questions"]) == 2
        assert (await client.get("/v1/survey-responses/" + "x" * 32)).status_code == 404

        bad = await client.post(
            f"/v1/survey-responses/{tokens['u1']}",
            json={"answers": [unit("team", "cooks", 5, 5)]},
        )
        assert bad.status_code == 422
        first = await client.post(
            f"/v1/survey-responses/{tokens['u1']}",
            json={
                "answers": [unit("team", "plumbers", 5, 5), unit("department", "catering", 3, 3)]
            },
        )
        assert first.status_code == 201, first.text  # the refused answer did not spend the link
        double = await asyncio.gather(
            *(
                client.post(
                    f"/v1/survey-responses/{tokens['u2']}",
                    json={"answers": [unit("team", "plumbers", 3, 3)]},
                )
                for _ in range(3)
            )
        )
        assert sorted(d.status_code for d in double) == [201, 409, 409]
        used = await client.get(f"/v1/survey-responses/{tokens['u1']}")
        assert used.status_code == 409

        more = await client.post(
            f"/v1/surveys/{sid}/links", json={"user_ids": ["u1", "u4"]}, headers=sup
        )
        assert sorted(more.json()["tokens"]) == ["u4"]
        state = (await client.get(f"/v1/surveys/{sid}", headers=sup)).json()
        assert (state["issued"], state["answered"]) == (4, 2)

        closed = await client.post(f"/v1/surveys/{sid}/close", headers=sup)
        assert closed.status_code == 200
        again = await client.post(f"/v1/surveys/{sid}/close", headers=sup)
        assert again.status_code == 409
        late = await client.post(
            f"/v1/survey-responses/{tokens['u3']}",
            json={"answers": [unit("team", "plumbers", 1, 1)]},
        )
        assert late.status_code == 409

    responded = await feedback.events("houqin.feedback.SurveyResponded.v1")
    assert len(responded) == 2
    assert sorted(s["score"] for r in responded for s in r["scores"]) == [50.0, 50.0, 100.0]
    [result] = await feedback.events("houqin.feedback.SurveyClosed.v1")
    assert {(r["unit_id"], r["score"], r["responses"]) for r in result["results"]} == {
        ("plumbers", 75.0, 2),
        ("catering", 50.0, 1),
    }
    assert result["period_start"] == "2026-09-01" and result["campaign_id"] == SURVEY["campaign_id"]
    assert "u1" not in str(responded)
    stored = await feedback.fetch("SELECT token_hash FROM survey_tokens")
    assert not {r["token_hash"] for r in stored} & set(tokens.values())


ZONE = ZoneInfo("Asia/Shanghai")
CLOSED_TYPE = "houqin.feedback.SurveyClosed.v1"


def period(today: date, start_days: int, end_days: int) -> dict[str, str]:
    return {
        "period_start": str(today + timedelta(days=start_days)),
        "period_end": str(today + timedelta(days=end_days)),
    }


async def survey(client: Any, headers: Any, title: str, **fields: Any) -> tuple[str, Any]:
    r = await client.post("/v1/surveys", json={**SURVEY, "title": title, **fields}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["survey_id"], r.json()["tokens"]


async def closed_on_kafka(feedback: Feedback, wanted: set[str]) -> list[dict[str, Any]]:
    """Relay the schema's outbox to Kafka and read back the SurveyClosed records of `wanted`
    surveys (the feedback topic is shared: only records from now on, keyed by these ids)."""
    bootstrap = feedback.infra.kafka
    group = f"test.feedback.survey-close.{uuid.uuid4().hex[:8]}"
    await start_at_the_end(bootstrap, group, [FEEDBACK_TOPIC])
    producer = kafka.producer(bootstrap, "test-survey-close")
    await producer.start()
    stop = asyncio.Event()
    relay = Relay(feedback.infra.admin_dsn, feedback.schema, producer, poll_s=0.01)
    task = asyncio.create_task(relay.run(stop))
    consumer = AIOKafkaConsumer(
        FEEDBACK_TOPIC,
        **kafka.security(),
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
    )
    await consumer.start()
    out: list[dict[str, Any]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline, settle = loop.time() + 30, None
        while loop.time() < (settle or deadline):
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for r in records:
                    headers = header_dict(list(r.headers))
                    key = r.key.decode() if r.key else ""
                    if key in wanted and headers["ce_type"] == CLOSED_TYPE:
                        out.append(json.loads(r.value))
            if settle is None and {o["survey_id"] for o in out} >= wanted:
                settle = loop.time() + 1.5  # a moment more, to catch a second copy
    finally:
        await consumer.stop()
        stop.set()
        await task
        await producer.stop()
    return out


async def test_the_worker_closes_ended_surveys_once_and_kafka_hears_it(
    feedback: Feedback,
) -> None:
    sup = feedback.sso.auth("sup", "supervisor")
    today = datetime.now(UTC).astimezone(ZONE).date()
    async with feedback.client() as client:
        ended, tokens = await survey(client, sup, "ended", **period(today, -30, -1))
        running, _ = await survey(client, sup, "ends today", **period(today, -30, 0))
        future, _ = await survey(client, sup, "later", **period(today, 1, 30))
        closed, _ = await survey(client, sup, "closed by hand", **period(today, -30, -2))
        assert (await client.post(f"/v1/surveys/{closed}/close", headers=sup)).status_code == 200
        for token, quality in ((tokens["u1"], 5), (tokens["u2"], 4)):
            r = await client.post(
                f"/v1/survey-responses/{token}",
                json={"answers": [unit("team", "plumbers", quality, 5)]},
            )
            assert r.status_code == 201, r.text

        async with feedback.pool() as replica_a, feedback.pool() as replica_b:
            counts = await asyncio.gather(
                close_ended_surveys(replica_a, ZONE),
                close_ended_surveys(replica_b, ZONE),
                close_ended_surveys(replica_a, ZONE),
            )
            assert sorted(counts) == [0, 0, 1]
            assert await close_ended_surveys(replica_b, ZONE) == 0

        late = await client.post(
            f"/v1/survey-responses/{tokens['u3']}",
            json={"answers": [unit("team", "plumbers", 1, 1)]},
        )
        assert late.status_code == 409
        by_hand = await client.post(f"/v1/surveys/{ended}/close", headers=sup)
        assert by_hand.status_code == 409  # already closed by the worker
        for sid, is_closed in ((ended, True), (running, False), (future, False)):
            state = (await client.get(f"/v1/surveys/{sid}", headers=sup)).json()
            assert (state["survey"]["closed_at"] is not None) == is_closed, sid

    events = {e["survey_id"]: e for e in await feedback.events(CLOSED_TYPE)}
    assert len(await feedback.events(CLOSED_TYPE)) == 2 and set(events) == {ended, closed}
    auto = events[ended]
    assert auto["title"] == "ended" and auto["campaign_id"] == SURVEY["campaign_id"]
    assert auto["period_end"] == str(today - timedelta(days=1))
    assert [(r["unit_id"], r["score"], r["responses"]) for r in auto["results"]] == [
        ("plumbers", 93.75, 2)  # (5,5) -> 100 and (4,5) -> 87.5, as a supervisor's close says
    ]
    published = await closed_on_kafka(feedback, {ended, closed})
    assert sorted(p["survey_id"] for p in published) == sorted([ended, closed])
    assert next(p for p in published if p["survey_id"] == ended)["results"] == auto["results"]


async def test_a_supervisor_and_the_worker_closing_together_close_once(
    feedback: Feedback,
) -> None:
    sup = feedback.sso.auth("sup", "supervisor")
    today = datetime.now(UTC).astimezone(ZONE).date()
    async with feedback.client() as client, feedback.pool() as pool:
        sids = [
            (await survey(client, sup, f"race {i}", **period(today, -10, -1)))[0] for i in range(4)
        ]
        answers = await asyncio.gather(
            close_ended_surveys(pool, ZONE),
            *(client.post(f"/v1/surveys/{sid}/close", headers=sup) for sid in sids),
        )
        worker, by_hand = answers[0], answers[1:]
        assert worker + sum(a.status_code == 200 for a in by_hand) == 4
        assert all(a.status_code in (200, 409) for a in by_hand)
        assert await close_ended_surveys(pool, ZONE) == 0
    events = await feedback.events(CLOSED_TYPE)
    assert sorted(e["survey_id"] for e in events) == sorted(sids)
