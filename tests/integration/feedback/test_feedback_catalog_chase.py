"""A service's chase (督办 steps, reminder spacing) and its reply deadline for suggestions and
consultations are published in the catalogue (issue 14) and travel to tickets with
ServiceCatalogChanged; steps that do not increase are refused beside the field."""

from __future__ import annotations

import pytest
from feedback_support import Feedback
from test_feedback_catalog_api import CHANGED, ENTRY

pytestmark = pytest.mark.infra
CHASE = {"warn_at_percent": 50, "level_percents": [100, 150, 200], "remind_every_minutes": 30}


async def test_chase_and_reply_deadline_are_published(feedback: Feedback) -> None:
    admin = feedback.sso.auth("admin-1", "admin")
    async with feedback.client() as client:
        entry = {**ENTRY, "escalation": CHASE, "reply_minutes": 480}
        r = await client.put("/v1/catalog/plumbing", json=entry, headers=admin)
        assert r.status_code == 201, r.text
        read = (await client.get("/v1/catalog/plumbing")).json()
        assert (read["escalation"], read["reply_minutes"]) == (CHASE, 480)
        same = await client.put("/v1/catalog/plumbing", json=entry, headers=admin)
        assert same.json()["version"] == 1  # unchanged: no new version
        # out of order: the rule's own code; a level over 2000: the item's bound, as documented
        for bad, code in (
            ([100, 100, 200], "escalation_levels_order"),
            ([90, 150, 200], "escalation_levels_order"),
            ([100, 200, 2500], "less_than_equal"),
        ):
            wrong = {**entry, "escalation": {**CHASE, "level_percents": bad}}
            r = await client.put("/v1/catalog/plumbing", json=wrong, headers=admin)
            assert r.status_code == 422, r.text
            [err] = r.json()["errors"]
            assert err["type"] == code and "escalation" in err["loc"], err
        plain = await client.put("/v1/catalog/electrical", json=ENTRY, headers=admin)
        assert plain.json()["escalation"] is None and plain.json()["reply_minutes"] is None
    first, second = await feedback.events(CHANGED)
    assert (first["escalation"], first["reply_minutes"]) == (CHASE, 480)
    assert (second["escalation"], second["reply_minutes"]) == (None, None)
