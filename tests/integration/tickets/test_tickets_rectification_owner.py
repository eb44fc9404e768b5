"""A rectification item's responsible person is named in each of its results (issue 14), so
they are told when it is opened, rejected (with the new deadline) and accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from test_tickets_rectifications_api import item
from tickets_support import Env

pytestmark = pytest.mark.infra


async def test_every_result_names_the_responsible_person(tickets_env: Env) -> None:
    e = tickets_env
    sup, now = e.as_user("supervisor"), datetime.now(UTC)
    r = await e.client.post("/v1/rectifications", json=item(now + timedelta(days=7)), headers=sup)
    assert r.status_code == 201, r.text
    path = f"/v1/rectifications/{r.json()['id']}/acceptance"
    again = (now + timedelta(days=3)).isoformat()
    failed = {"passed": False, "reason": "still lukewarm", "new_deadline": again}
    assert (await e.client.post(path, json=failed, headers=sup)).status_code == 200
    assert (await e.client.post(path, json={"passed": True}, headers=sup)).status_code == 200
    for kind in ("RectificationOpened", "RectificationRejected", "RectificationAccepted"):
        [event] = await e.outbox(kind)
        assert event["data"]["responsible_id"] == "plumbing-lead", kind
