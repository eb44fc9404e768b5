"""The dead-letter admin API (houqin_shared.dlq_api) on the real Kafka and PostgreSQL: it lists
and shows what a consumer dead-lettered, filtered by reason and time; a dry run changes nothing;
a requeue stores the event for the worker (houqin_shared.dlq_requeue), which handles it once;
a requeue repeated is skipped; every requeue writes an audit line naming the admin; non-admins
get 403 and bad filters 422 problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import structlog
from helpers import Infra
from test_consumer import Setup, effects, make_handler, run_until, send, setup  # noqa: F401

from houqin_shared import dlq_api, dlq_requeue, kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts.base import BadEvent, Envelope
from houqin_shared.db import Conn
from houqin_shared.http import base_app
from houqin_shared.identity import JwksCache, Role, TokenVerifier, install_identity
from houqin_shared.principal import Principal
from houqin_shared.settings import ServiceSettings

pytestmark = pytest.mark.infra

PROBLEM = "application/problem+json"
BASE = "/v1/admin/dead-letters"
PEOPLE = {"admin": Principal("ops-1", frozenset({Role.admin})), "staff": Principal("s-1", frozenset({Role.staff}))}  # fmt: skip


class ByName(TokenVerifier):
    """The token is the name of one of PEOPLE (the routes under test are not about JWTs)."""

    async def verify(self, token: str) -> Principal:
        return PEOPLE[token]


def as_(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {who}"}


def runner_with(s: Setup, infra: Infra, broken: dict[str, bool]) -> ConsumerRunner:
    """The ping handler, refusing seq 1 (BadEvent) while `broken` says so."""
    inner = make_handler(s.pool)

    async def handle(conn: Conn, env: Envelope) -> None:
        if broken["on"] and env.data.seq == 1:  # type: ignore[attr-defined]
            raise BadEvent("unknown_category", "no such category yet")
        await inner(conn, env)

    return ConsumerRunner(
        group=s.group, topics=[s.topic], handlers={s.ping: handle}, pool=s.pool,
        producer=s.producer, bootstrap=infra.kafka, registry={s.ping.event_type: s.ping},
        max_attempts=3, backoff_s=0.01,
    )  # fmt: skip


@pytest.fixture
async def client(infra: Infra, setup: Setup) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    auth = kafka.KafkaAuth.from_env()
    settings = ServiceSettings(
        kafka_bootstrap=infra.kafka,
        kafka_security_protocol=auth.protocol,  # type: ignore[arg-type]
        kafka_sasl_mechanism=auth.mechanism,  # type: ignore[arg-type]
        kafka_sasl_username=auth.username,
        kafka_sasl_password=auth.password,  # type: ignore[arg-type]
    )
    app = base_app("dead letters")
    install_identity(app, ByName("https://sso.test", "houqin", JwksCache("http://127.0.0.1:9/")))
    app.include_router(dlq_api.router(setup.group, settings))
    app.state.pool = setup.pool
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api", timeout=60) as c:
        yield c


async def queued(s: Setup) -> int:
    async with s.pool.acquire() as conn:
        return int(await conn.fetchval("SELECT count(*) FROM dlq_requeue"))


async def inbox_outcome(s: Setup, event_id: str) -> Any:
    async with s.pool.acquire() as conn:
        return await conn.fetchval("SELECT outcome FROM inbox WHERE event_id = $1", event_id)


async def test_list_show_dry_run_requeue_once_and_skip_again(
    infra: Infra,
    setup: Setup,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    s, broken = setup, {"on": True}
    refused = await send(s, s.ping(aggregate="a", seq=1))  # BadEvent until "fixed"
    flaky = await send(s, s.ping(aggregate="a", seq=2, fail_times=5))  # handler_failed
    await send(s, s.ping(aggregate="a", seq=3))
    runner = runner_with(s, infra, broken)

    async def settled() -> bool:
        return (await effects(s.pool)).get(("a", 3)) == 1

    await run_until(runner, settled)

    listed = await client.get(BASE, headers=as_("admin"))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["topic"] == kafka.dead_letter_topic(s.group) and body["total"] == 2
    assert [x["event_id"] for x in body["letters"]] == [flaky, refused]  # newest first
    one = (
        await client.get(BASE, params={"reason": "unknown_category"}, headers=as_("admin"))
    ).json()
    assert [x["event_id"] for x in one["letters"]] == [refused]
    letter = one["letters"][0]
    assert (letter["consumer"], letter["source_topic"], letter["attempts"]) == (s.group, s.topic, 1)
    other = await client.get(BASE, params={"topic": "houqin.elsewhere"}, headers=as_("admin"))
    assert other.json()["total"] == 0
    later = await client.get(BASE, params={"since": "2200-01-01T00:00:00Z"}, headers=as_("admin"))
    assert later.json()["total"] == 0

    shown = await client.get(
        f"{BASE}/{letter['partition']}/{letter['offset']}", headers=as_("admin")
    )
    assert shown.status_code == 200
    full = shown.json()
    assert full["payload"]["seq"] == 1 and full["headers"]["ce_id"] == refused
    assert full["headers"]["dlq_reason"] == "unknown_category"
    assert "no such category yet" in full["detail"]
    missing = await client.get(f"{BASE}/{letter['partition']}/999999", headers=as_("admin"))
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    assert missing.json()["type"].endswith("/dead-letter-not-found")

    with structlog.testing.capture_logs() as audit:
        dry = await client.post(
            f"{BASE}/requeue", json={"event_id": refused, "dry_run": True}, headers=as_("admin")
        )
        assert dry.status_code == 200, dry.text
        assert [x["outcome"] for x in dry.json()["requeued"]] == ["would-requeue"]
        assert await inbox_outcome(s, refused) == "dead_lettered" and await queued(s) == 0

        broken["on"] = False  # the cause is fixed
        done = await client.post(
            f"{BASE}/requeue", json={"event_id": refused}, headers=as_("admin")
        )
        assert [x["outcome"] for x in done.json()["requeued"]] == ["requeued"]
        assert await inbox_outcome(s, refused) is None and await queued(s) == 1
        twice = await client.post(
            f"{BASE}/requeue", json={"event_id": refused}, headers=as_("admin")
        )
        assert [x["outcome"] for x in twice.json()["skipped"]] == ["already-queued"]

        assert await dlq_requeue.requeue_round(runner) == 1  # what the worker does every 2 s
        assert await dlq_requeue.requeue_round(runner) == 0
        assert (await effects(s.pool))[("a", 1)] == 1
        assert await inbox_outcome(s, refused) == "handled" and await queued(s) == 0

        again = await client.post(
            f"{BASE}/requeue", json={"reason": "unknown_category"}, headers=as_("admin")
        )
        assert again.json()["requeued"] == []
        assert [x["outcome"] for x in again.json()["skipped"]] == ["already-handled"]
        by_filter = await client.post(
            f"{BASE}/requeue", json={"reason": "handler_failed", "dry_run": True},
            headers=as_("admin"),
        )  # fmt: skip
        assert [x["event_id"] for x in by_filter.json()["requeued"]] == [flaky]
    assert (await effects(s.pool))[("a", 1)] == 1  # once
    lines = [x for x in audit if x["event"] == "dlq_requeue"]
    assert [(x["outcome"], x["dry_run"]) for x in lines] == [
        ("would-requeue", True), ("requeued", False), ("already-queued", False),
        ("already-handled", False), ("would-requeue", True),
    ]  # fmt: skip
    assert all(x["principal"] == "ops-1" for x in lines)
    assert [x["event_id"] for x in lines[:4]] == [refused] * 4


async def test_only_admins_and_bounded_filters(
    setup: Setup,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    calls = [
        ("GET", BASE, None),
        ("GET", f"{BASE}/0/0", None),
        ("POST", f"{BASE}/requeue", {"dry_run": True}),
    ]
    for method, url, body in calls:
        for headers, status, kind in (
            (as_("staff"), 403, "role-required"),
            ({}, 401, "token-missing"),
        ):
            r = await client.request(method, url, json=body, headers=headers)
            assert (r.status_code, r.headers["content-type"]) == (status, PROBLEM), (url, r.text)
            assert r.json()["type"].endswith("/" + kind)
    bad: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None, str]] = [
        ("GET", BASE, {"limit": "0"}, None, "validation"),
        ("GET", BASE, {"limit": "501"}, None, "validation"),
        ("GET", BASE, {"reason": "Not A Reason!"}, None, "validation"),
        ("GET", BASE, {"since": "yesterday"}, None, "validation"),
        ("GET", BASE, {"since": "2026-12-05T00:00:00Z", "until": "2026-12-01T00:00:00Z"}, None,
         "dead-letter-range-invalid"),
        ("GET", f"{BASE}/-1/0", None, None, "validation"),
        ("POST", f"{BASE}/requeue", None, {"limit": 10_000}, "validation"),
        ("POST", f"{BASE}/requeue", None, {"dry_run": "yes"}, "validation"),
        ("POST", f"{BASE}/requeue", None, {"at": {"partition": 0, "offset": "1"}}, "validation"),
        ("POST", f"{BASE}/requeue", None, {"event_id": "x" * 201}, "validation"),
    ]  # fmt: skip
    for method, url, params, body, kind in bad:
        r = await client.request(method, url, params=params, json=body, headers=as_("admin"))
        assert (r.status_code, r.headers["content-type"]) == (422, PROBLEM), (params, body, r.text)
        assert r.json()["type"].endswith("/" + kind), r.text
