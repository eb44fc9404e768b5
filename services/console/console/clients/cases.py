"""The supervisors' case API calls (issue 17): tickets' incidents (record as verified, appeal,
uphold or overturn on appeal) and feedback's unmasking of an anonymous reporter with its audit
trail. On top of `console.api.Api.call`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, Model, Report


class Incident(Model):
    id: uuid.UUID
    kind: str
    unit_type: str
    unit_id: str
    team_id: str | None = None
    department_id: str | None = None
    ticket_id: uuid.UUID | None = None
    summary: str
    evidence: list[str] = Field(default_factory=list)
    occurred_at: datetime
    status: str
    verified_by: str | None = None
    verified_at: datetime | None = None
    appeal_reason: str | None = None
    appealed_by: str | None = None
    appealed_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None

    @property
    def state(self) -> str:
        """verified, appealed, upheld (the appeal failed: it stands) or overturned."""
        if self.status == "verified" and self.decided_at is not None:
            return "upheld"
        return self.status

    @property
    def vetoes(self) -> bool:
        """Whether the one-vote veto applies (verified, or upheld; an appeal does not lift it)."""
        return self.status != "overturned"


class Unmasked(Model):
    report_id: uuid.UUID
    reporter_id: str | None = None
    contact: str | None = None
    audit_id: int


class Unmasking(Model):
    id: int
    report_id: uuid.UUID
    supervisor_id: str
    reason: str
    at: datetime
    kind: str = "unmask"


_INCIDENTS = TypeAdapter(list[Incident])
_UNMASKINGS = TypeAdapter(list[Unmasking])
_REPORTS = TypeAdapter(list[Report])


async def incidents(api: Api, token: str, status: str = "") -> list[Incident]:
    params = {"status": status} if status else {}
    r = await api.call("tickets", "GET", "/v1/incidents", token, params=params)
    return _INCIDENTS.validate_python(r.json())


async def record_incident(api: Api, token: str, body: dict[str, Any]) -> Incident:
    r = await api.call("tickets", "POST", "/v1/incidents", token, json=body)
    return Incident.model_validate(r.json())


async def incident_step(
    api: Api, token: str, incident_id: uuid.UUID, step: str, reason: str
) -> None:
    """appeal, overturn or uphold, with the reason."""
    path = f"/v1/incidents/{incident_id}/{step}"
    await api.call("tickets", "POST", path, token, json={"reason": reason})


async def anonymous_reports(api: Api, token: str, limit: int = 100) -> list[Report]:
    """The newest reports (every one, for a supervisor), anonymous ones only."""
    params = {"limit": limit}
    r = await api.call("feedback", "GET", "/v1/supervision/reports", token, params=params)
    return [x for x in _REPORTS.validate_python(r.json()) if x.anonymous]


async def unmask(api: Api, token: str, report_id: uuid.UUID, reason: str) -> Unmasked:
    path = f"/v1/reports/{report_id}/unmask"
    r = await api.call("feedback", "POST", path, token, json={"reason": reason})
    return Unmasked.model_validate(r.json())


async def unmaskings(api: Api, token: str, limit: int = 100) -> list[Unmasking]:
    r = await api.call("feedback", "GET", "/v1/audit/unmaskings", token, params={"limit": limit})
    return _UNMASKINGS.validate_python(r.json())
