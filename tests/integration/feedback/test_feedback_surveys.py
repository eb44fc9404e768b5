"""Satisfaction surveys: personal links, one answer each (also under a double submit), results
per unit on closing, no respondent identity stored with an answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from feedback_support import Feedback

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
