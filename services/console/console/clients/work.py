"""The workers' and team leads' API calls (issue 16): queues, a ticket with the moves it allows
now, its audit and transfers, the report as its workers read it, completion photos, pause
requests, the team's roster, my duty and leave; on top of `console.api.Api.call`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, Location, Model, Photo

STAGES = ("accept", "arrive", "finish")
DONE_AT = {"accept": "accepted_at", "arrive": "arrived_at", "finish": "resolved_at"}
MINE_OPEN = ["assigned", "accepted", "on_site", "paused", "reopened", "cannot_handle"]
TEAM_OPEN = ["new", *MINE_OPEN]


class Ticket(Model):
    id: uuid.UUID
    report_id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    urgency: str
    location: Location
    description: str = ""
    status: str
    department_id: str | None = None
    team_id: str | None = None
    opened_at: datetime
    assignee_id: str | None = None
    accept_due_at: datetime | None = None
    arrive_due_at: datetime | None = None
    finish_due_at: datetime | None = None
    accepted_at: datetime | None = None
    arrived_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    paused_at: datetime | None = None
    pause_reason: str | None = None
    pause_until: datetime | None = None
    track: str = "repair"

    def due(self, stage: str) -> datetime | None:
        value: datetime | None = getattr(self, f"{stage}_due_at")
        return value

    def done(self, stage: str) -> datetime | None:
        value: datetime | None = getattr(self, DONE_AT[stage])
        return value

    def next_due(self) -> datetime | None:
        """The due time of the first stage not done yet (what the queue sorts by)."""
        return next((self.due(s) for s in STAGES if self.done(s) is None and self.due(s)), None)


class QueuePage(Model):
    items: list[Ticket]
    total: int
    counts: dict[str, int] = Field(default_factory=dict)


class PauseRequest(Model):
    id: uuid.UUID
    ticket_id: uuid.UUID
    asked_by: str
    asked_at: datetime
    pause_reason: str
    pause_days: int
    note: str | None = None
    state: str


class Allowed(Model):
    moves: list[str]
    pause_request: PauseRequest | None = None


class AuditEntry(Model):
    id: int
    at: datetime
    actor_id: str | None = None
    action: str
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    detail: dict[str, Any] | None = None


class Transfer(Model):
    id: uuid.UUID
    ticket_id: uuid.UUID
    state: str
    from_team_id: str | None = None
    from_department_id: str | None = None
    to_team_id: str | None = None
    to_department_id: str | None = None
    reason: str = ""
    requested_by: str | None = None
    requested_at: datetime | None = None


class WorkView(Model):
    """The report as its workers read it (feedback's GET /v1/reports/{id}/work)."""

    description: str
    anonymous: bool
    contact: str | None = None
    filed_at: datetime
    photo_ids: list[uuid.UUID] = Field(default_factory=list)
    completion_photo_ids: list[uuid.UUID] = Field(default_factory=list)


class Leave(Model):
    id: int
    start: datetime
    end: datetime
    reason: str | None = None


class Person(Model):
    id: str
    name: str
    roles: list[str] = Field(default_factory=list)
    on_duty: bool
    on_leave: bool = False
    leave: list[Leave] = Field(default_factory=list)


class Roster(Model):
    team_id: str
    people: list[Person]
    pause_requests: list[PauseRequest] = Field(default_factory=list)

    def names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.people}


class Me(Model):
    id: str
    name: str
    team_id: str | None = None
    on_duty: bool
    leave: list[Leave] = Field(default_factory=list)


_AUDIT = TypeAdapter(list[AuditEntry])
_TRANSFERS = TypeAdapter(list[Transfer])


class WorkApi:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def _get(self, service: Any, path: str, token: str, **params: Any) -> Any:
        return (await self.api.call(service, "GET", path, token, params=params or None)).json()

    async def queue(
        self, token: str, team: bool, limit: int, held: Sequence[str] = ()
    ) -> tuple[QueuePage | None, str]:
        """The first `limit` tickets of my queue (the team's: `team`), most pressing first, and
        the version of the whole queue at that length (tickets' ETag); no page (304) while one
        of the versions `held` is current, and the version is then that one."""
        path, status = ("/v1/queues/team", TEAM_OPEN) if team else ("/v1/queues/mine", MINE_OPEN)
        params: Any = {"status": status, "limit": limit}
        headers = {"If-None-Match": ", ".join(f'"{v}"' for v in held)} if held else None
        r = await self.api.call("tickets", "GET", path, token, params=params, headers=headers)
        version = r.headers.get("etag", "").removeprefix("W/").strip('"')
        if r.status_code == 304:
            return None, version
        return QueuePage.model_validate(r.json()), version

    async def ticket(self, token: str, ticket_id: uuid.UUID) -> Ticket:
        return Ticket.model_validate(await self._get("tickets", f"/v1/tickets/{ticket_id}", token))

    async def allowed(self, token: str, ticket_id: uuid.UUID) -> Allowed:
        path = f"/v1/tickets/{ticket_id}/allowed"
        return Allowed.model_validate(await self._get("tickets", path, token))

    async def audit(self, token: str, ticket_id: uuid.UUID) -> list[AuditEntry]:
        path = f"/v1/tickets/{ticket_id}/actions"
        return _AUDIT.validate_python(await self._get("tickets", path, token))

    async def transfers(self, token: str, ticket_id: uuid.UUID) -> list[Transfer]:
        path = f"/v1/tickets/{ticket_id}/transfers"
        return _TRANSFERS.validate_python(await self._get("tickets", path, token))

    async def incoming(self, token: str) -> list[Transfer]:
        return _TRANSFERS.validate_python(
            await self._get("tickets", "/v1/transfers/incoming", token)
        )

    async def work_view(self, token: str, report_id: uuid.UUID) -> WorkView | None:
        try:
            body = await self._get("feedback", f"/v1/reports/{report_id}/work", token)
        except Exception:  # the page still works without the reporter's side
            return None
        return WorkView.model_validate(body)

    async def roster(self, token: str) -> Roster | None:
        try:
            return Roster.model_validate(await self._get("tickets", "/v1/work/team", token))
        except Exception:
            return None

    async def me(self, token: str) -> Me:
        return Me.model_validate(await self._get("tickets", "/v1/work/me", token))

    async def move(self, token: str, ticket_id: uuid.UUID, move: str, body: dict[str, Any]) -> None:
        await self.api.call("tickets", "POST", f"/v1/tickets/{ticket_id}/{move}", token, json=body)

    async def ask_pause(self, token: str, ticket_id: uuid.UUID, body: dict[str, Any]) -> None:
        path = f"/v1/tickets/{ticket_id}/pause-requests"
        await self.api.call("tickets", "POST", path, token, json=body)

    async def decide_pause(self, token: str, request_id: uuid.UUID, approve: bool) -> None:
        path = f"/v1/pause-requests/{request_id}/{'approve' if approve else 'refuse'}"
        await self.api.call("tickets", "POST", path, token)

    async def transfer(self, token: str, ticket_id: uuid.UUID, body: dict[str, Any]) -> None:
        path = f"/v1/tickets/{ticket_id}/transfers"
        await self.api.call("tickets", "POST", path, token, json=body)

    async def decide_transfer(self, token: str, transfer_id: uuid.UUID, accept: bool) -> None:
        path = f"/v1/transfers/{transfer_id}/{'accept' if accept else 'reject'}"
        await self.api.call("tickets", "POST", path, token)

    async def assign(self, token: str, ticket_id: uuid.UUID, assignee: str) -> None:
        path = f"/v1/tickets/{ticket_id}/assign"
        await self.api.call("tickets", "POST", path, token, json={"assignee_id": assignee})

    async def completion_photo(
        self, token: str, report_id: uuid.UUID, name: str, data: bytes, content_type: str
    ) -> Photo:
        files = {"file": (name, data, content_type)}
        path = f"/v1/reports/{report_id}/completion-photos"
        response = await self.api.call("feedback", "POST", path, token, files=files)
        return Photo.model_validate(response.json())

    async def set_duty(self, token: str, on_duty: bool) -> None:
        await self.api.call(
            "tickets", "PUT", "/v1/work/me/on-duty", token, json={"on_duty": on_duty}
        )

    async def add_leave(self, token: str, start: datetime, end: datetime, reason: str) -> None:
        body = {"start": start.isoformat(), "end": end.isoformat(), "reason": reason or None}
        await self.api.call("tickets", "POST", "/v1/work/me/leave", token, json=body)

    async def cancel_leave(self, token: str, leave_id: int) -> None:
        await self.api.call("tickets", "DELETE", f"/v1/work/me/leave/{leave_id}", token)
