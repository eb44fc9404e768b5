"""Awards as the seeds run them (issue 18), the console's calls to scoring: a campaign's award
kinds and quotas, nominations (推荐表) and their sign-offs, and a filled form as PDF."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, ApiDown, Model


class Kind(Model):
    code: str
    name: str
    unit_type: str
    basis: str = "composite"
    prize: int = 0


class Step(Model):
    code: str
    label: str
    role: str
    scope: str = "any"


class Unit(Model):
    unit_type: str
    unit_id: str
    name: str
    department_id: str | None = None


class Setup(Model):
    kinds: list[Kind]
    steps: list[Step]
    units: list[Unit] = Field(default_factory=list)
    publicity_days: int = 5


class Quota(Model):
    kind: str
    kind_name: str
    department_id: str | None = None
    department_name: str | None = None
    base: int
    quota: int


class AwardSetup(Model):
    setup: Setup
    quotas: list[Quota]


class SignOff(Model):
    step: str
    decision: str
    comment: str = ""
    signed_by: str
    signed_name: str | None = None
    signed_at: datetime


class Nomination(Model):
    id: uuid.UUID
    kind: str
    unit_type: str
    unit_id: str
    unit_name: str
    department_id: str | None = None
    team_id: str | None = None
    deeds: str
    status: str
    step: int
    chain: list[Step]
    score: dict[str, Any] = Field(default_factory=dict)
    signoffs: list[SignOff] = Field(default_factory=list)

    @property
    def current(self) -> Step | None:
        if self.status != "in_review" or not 0 <= self.step < len(self.chain):
            return None
        return self.chain[self.step]


_NOMINATIONS = TypeAdapter(list[Nomination])


async def setup(api: Api, token: str, campaign_id: uuid.UUID) -> AwardSetup:
    r = await api.call("scoring", "GET", f"/v1/campaigns/{campaign_id}/award-setup", token)
    return AwardSetup.model_validate(r.json())


async def nominations(api: Api, token: str, campaign_id: uuid.UUID) -> list[Nomination]:
    r = await api.call("scoring", "GET", f"/v1/campaigns/{campaign_id}/nominations", token)
    return _NOMINATIONS.validate_python(r.json())


async def nominate(api: Api, token: str, campaign_id: uuid.UUID, body: dict[str, Any]) -> None:
    await api.call("scoring", "POST", f"/v1/campaigns/{campaign_id}/nominations", token, json=body)


async def sign(api: Api, token: str, nomination_id: uuid.UUID, body: dict[str, Any]) -> None:
    await api.call("scoring", "POST", f"/v1/nominations/{nomination_id}/signoffs", token, json=body)


async def resubmit(api: Api, token: str, nomination_id: uuid.UUID, deeds: str) -> None:
    body = {"deeds": deeds, "attachments": []}
    await api.call("scoring", "POST", f"/v1/nominations/{nomination_id}/resubmit", token, json=body)


PDF_ATTEMPTS = 3


async def form_pdf(api: Api, token: str, nomination_id: uuid.UUID) -> bytes:
    """The filled form as scoring draws it in a report worker; scoring keeps a form it made
    after the call timed out (a cold worker pool starts slowly), so it is asked for again."""
    path = f"/v1/nominations/{nomination_id}/form.pdf"
    for attempt in range(PDF_ATTEMPTS):
        try:
            return (await api.call("scoring", "GET", path, token)).content
        except ApiDown:
            if attempt + 1 == PDF_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
