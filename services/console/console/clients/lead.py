"""The leaders' API calls (scoring: campaigns, work marks, rankings, explanations and their facts
page by page, trends, publication, reports; 公示 for the public board), on top of
`console.api.Api.call`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, ApiDown, Model

UNIT_TYPES = ("department", "team", "staff")


class Campaign(Model):
    id: uuid.UUID
    name: str
    period_start: date
    period_end: date
    timezone: str = "Asia/Shanghai"
    departments: list[str] | None = None
    rules: dict[str, Any] = Field(default_factory=dict)
    published_at: datetime | None = None
    updated_at: datetime | None = None


class Score(Model):
    unit_type: str
    unit_id: str
    unit_name: str
    department_id: str | None = None
    team_id: str | None = None
    composite: float | None = None
    work_score: float | None = None
    inspection_score: float | None = None
    satisfaction_score: float | None = None
    on_time_rate: float | None = None
    pass_rate: float | None = None
    rank: int | None = None
    award: str | None = None
    vetoed: bool = False
    not_ranked_reason: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    computed_at: datetime | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        found = self.detail.get("metrics")
        return found if isinstance(found, dict) else {}


class Component(Model):
    component: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    facts: int | None = None


class Explanation(Model):
    score: Score
    rules: dict[str, Any] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    work_mark: dict[str, Any] | None = None
    incidents: list[dict[str, Any]] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)


class FactsPage(Model):
    component: str
    items: list[dict[str, Any]] = Field(default_factory=list)
    next: str | None = None
    limit: int = 0


class WorkMark(Model):
    unit_type: str
    unit_id: str
    mark: float
    justification: str
    marked_by: str = ""
    marked_at: datetime | None = None


class Award(Model):
    award: str
    unit_type: str
    unit_id: str | None = None
    unit_name: str | None = None
    rank: int
    composite: float


class TrendPeriod(Model):
    first_day: date
    last_day: date
    label: str


class TrendSeries(Model):
    unit_id: str
    unit_name: str
    on_time_rate: list[float | None]
    pass_rate: list[float | None]
    satisfaction: list[float | None]


class Trends(Model):
    monthly: bool
    periods: list[TrendPeriod]
    series: list[TrendSeries]


class PublishedRank(Model):
    unit_type: str
    unit_name: str
    rank: int
    composite: float | None = None
    work_score: float | None = None
    inspection_score: float | None = None
    satisfaction_score: float | None = None
    on_time_rate: float | None = None
    pass_rate: float | None = None
    award: str | None = None


class RectificationProgress(Model):
    department_name: str
    accepted_on_time: int = 0
    accepted_late: int = 0
    rejected: int = 0


class Published(Model):
    campaign_id: uuid.UUID
    name: str
    period_start: date
    period_end: date
    published_at: datetime
    awards: list[Award]
    rankings: list[PublishedRank]
    rectifications: list[RectificationProgress] = Field(default_factory=list)


_CAMPAIGNS = TypeAdapter(list[Campaign])
_SCORES = TypeAdapter(list[Score])
_MARKS = TypeAdapter(list[WorkMark])
_AWARDS = TypeAdapter(list[Award])
_PUBLISHED = TypeAdapter(list[Published])


def _base(campaign_id: uuid.UUID) -> str:
    return f"/v1/campaigns/{campaign_id}"


async def campaigns(api: Api, token: str) -> list[Campaign]:
    r = await api.call("scoring", "GET", "/v1/campaigns", token, params={"limit": 500})
    return _CAMPAIGNS.validate_python(r.json())


async def campaign(api: Api, token: str, campaign_id: uuid.UUID) -> Campaign:
    r = await api.call("scoring", "GET", _base(campaign_id), token)
    return Campaign.model_validate(r.json())


async def save_campaign(
    api: Api, token: str, body: dict[str, Any], campaign_id: uuid.UUID | None = None
) -> Campaign:
    """Create (no id) or replace a campaign; ApiProblem `campaign-invalid` names each field."""
    if campaign_id is None:
        r = await api.call("scoring", "POST", "/v1/campaigns", token, json=body)
    else:
        r = await api.call("scoring", "PUT", _base(campaign_id), token, json=body)
    return Campaign.model_validate(r.json())


async def rankings(
    api: Api, token: str, campaign_id: uuid.UUID, unit_type: str | None = None
) -> list[Score]:
    params = {"unit_type": unit_type} if unit_type else None
    r = await api.call("scoring", "GET", _base(campaign_id) + "/rankings", token, params=params)
    return _SCORES.validate_python(r.json())


async def score(
    api: Api, token: str, campaign_id: uuid.UUID, unit_type: str, unit_id: str
) -> Score:
    path = f"{_base(campaign_id)}/scores/{unit_type}/{unit_id}"
    return Score.model_validate((await api.call("scoring", "GET", path, token)).json())


async def explanation(
    api: Api, token: str, campaign_id: uuid.UUID, unit_type: str, unit_id: str
) -> Explanation:
    path = f"{_base(campaign_id)}/scores/{unit_type}/{unit_id}/explanation"
    return Explanation.model_validate((await api.call("scoring", "GET", path, token)).json())


async def facts(
    api: Api, token: str, campaign_id: uuid.UUID, unit_type: str, unit_id: str, component: str,
    after: str | None, limit: int,
) -> FactsPage:  # fmt: skip
    """One page of the facts behind one component (`after`: the page before's `next`)."""
    path = f"{_base(campaign_id)}/scores/{unit_type}/{unit_id}/facts/{component}"
    params: dict[str, Any] = {"limit": limit} | ({"after": after} if after else {})
    r = await api.call("scoring", "GET", path, token, params=params)
    return FactsPage.model_validate(r.json())


async def marks(api: Api, token: str, campaign_id: uuid.UUID) -> list[WorkMark]:
    r = await api.call("scoring", "GET", _base(campaign_id) + "/work-marks", token)
    return _MARKS.validate_python(r.json())


async def set_mark(
    api: Api, token: str, campaign_id: uuid.UUID, unit_type: str, unit_id: str,
    mark: float, justification: str,
) -> None:  # fmt: skip
    path = f"{_base(campaign_id)}/work-marks/{unit_type}/{unit_id}"
    body = {"mark": mark, "justification": justification}
    await api.call("scoring", "PUT", path, token, json=body)


async def recompute(api: Api, token: str, campaign_id: uuid.UUID) -> None:
    await api.call("scoring", "POST", _base(campaign_id) + "/recompute", token)


async def awards(api: Api, token: str, campaign_id: uuid.UUID) -> list[Award]:
    r = await api.call("scoring", "GET", _base(campaign_id) + "/awards", token)
    return _AWARDS.validate_python(r.json())


async def publish(api: Api, token: str, campaign_id: uuid.UUID) -> list[Award]:
    r = await api.call("scoring", "POST", _base(campaign_id) + "/publish", token)
    return _AWARDS.validate_python(r.json().get("awards", []))


async def trends(api: Api, token: str, campaign_id: uuid.UUID, unit_type: str) -> Trends:
    r = await api.call(
        "scoring", "GET", _base(campaign_id) + "/trends", token, params={"unit_type": unit_type}
    )
    return Trends.model_validate(r.json())


REPORT_ATTEMPTS = 3


async def report(api: Api, token: str, campaign_id: uuid.UUID, kind: str) -> tuple[bytes, str]:
    """The CSV, XLSX or PNG report as made by scoring: its bytes and media type. Scoring makes
    a report in a worker process and keeps it (by campaign, kind and data) even when the call
    that asked for it has timed out, so a slow first making is asked for again (a GET)."""
    for attempt in range(REPORT_ATTEMPTS):
        try:
            r = await api.call("scoring", "GET", f"{_base(campaign_id)}/report.{kind}", token)
        except ApiDown:
            if attempt + 1 == REPORT_ATTEMPTS:
                raise
            continue
        return r.content, r.headers.get("content-type", "application/octet-stream")
    raise AssertionError("unreachable")


async def published(api: Api, token: str, limit: int = 3) -> list[Published]:
    r = await api.call("scoring", "GET", "/v1/published", token, params={"limit": limit})
    return _PUBLISHED.validate_python(r.json())
