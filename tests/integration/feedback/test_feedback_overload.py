"""Past HTTP_MAX_IN_FLIGHT requests in hand, the API answers 503 `overloaded` at once (with
Retry-After) instead of queueing; every report it accepted is stored with its event, none it
refused is, and a refused report sent again with its Idempotency-Key is filed once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from feedback_support import Feedback

from houqin_shared.problem_types import uri

pytestmark = pytest.mark.infra
FILED = "houqin.feedback.ComplaintFiled.v1"
BURST = 30
LIMIT = 3


def report(i: int) -> dict[str, Any]:
    return {
        "kind": "repair",
        "category": "plumbing",
        "location": {"campus": "north", "building": "north-dorm-7", "room": str(100 + i)},
        "description": f"overload #{i}",
    }


async def test_beyond_the_limit_a_quick_503_and_nothing_accepted_is_lost(
    feedback: Feedback,
) -> None:
    sso = feedback.sso
    async with feedback.client(rate_address_burst=1000, http_max_in_flight=LIMIT) as client:
        await feedback.publish(client, "plumbing")

        async def post(i: int) -> Any:
            headers = {**sso.auth(f"stu-{i}", "reporter"), "Idempotency-Key": f"overload-{i}"}
            return await client.post("/v1/reports", json=report(i), headers=headers)

        answers = await asyncio.gather(*(post(i) for i in range(BURST)))
        statuses = [a.status_code for a in answers]
        assert set(statuses) == {201, 503}, statuses
        accepted = [a.json()["id"] for a in answers if a.status_code == 201]
        assert len(accepted) >= LIMIT, statuses
        for refused in (a for a in answers if a.status_code == 503):
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.headers["retry-after"] == "1"
            assert refused.headers["x-request-id"]
            assert refused.json()["type"] == uri("overloaded")
        assert (await client.get("/healthz")).status_code == 200  # never refused

        stored = await feedback.fetch("SELECT id::text FROM reports")
        assert sorted(r["id"] for r in stored) == sorted(accepted)  # no more, no fewer
        events = await feedback.fetch("SELECT key FROM outbox WHERE event_type = $1", FILED)
        assert sorted(r["key"] for r in events) == sorted(accepted)

        again = [await post(i) for i, status in enumerate(statuses) if status == 503]
        assert {a.status_code for a in again} <= {201}
    assert len(await feedback.fetch("SELECT 1 FROM reports")) == BURST
    assert len(await feedback.events(FILED)) == BURST
