"""The supervisors' API calls (issue 17): tickets' overdue board and chase, rectification items,
inspections and their checklists, names of units and people; feedback's survey links. On top of
`console.api.Api.call`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, TypeAdapter

from console.api import Api, Location, Model


class LateTicket(Model):
    id: uuid.UUID
    tracking_no: str
    kind: str
    category: str
    urgency: str
    location: Location
    status: str
    department_id: str | None = None
    team_id: str | None = None
    assignee_id: str | None = None
    stage: str
    level: int
    warning: bool
    due_at: datetime
    chased_at: datetime | None = None

    @property
    def bucket(self) -> int:
        """0 for the warning (即将超时), else the level."""
        return 0 if self.warning else self.level


class Counts(Model):
    id: str
    warning: int = 0
    level_1: int = 0
    level_2: int = 0
    level_3: int = 0


class Board(Model):
    items: list[LateTicket]
    departments: list[Counts] = Field(default_factory=list)
    teams: list[Counts] = Field(default_factory=list)
    people: list[Counts] = Field(default_factory=list)
    department_id: str | None = None
    team_id: str | None = None


class Chase(Model):
    at: datetime
    actor_id: str | None = None
    note: str | None = None


class Note(Model):
    at: datetime
    author_id: str | None = None
    kind: str = "progress"
    note: str = ""


class Rectification(Model):
    id: uuid.UUID
    origin: str
    origin_id: str | None = None
    problem: str
    measures: str | None = None
    responsible_id: str | None = None
    team_id: str | None = None
    department_id: str | None = None
    deadline: datetime
    status: str
    round: int = 0
    opened_at: datetime
    accepted_at: datetime | None = None
    notes: list[Note] = Field(default_factory=list)


class ChecklistItem(Model):
    name: str
    name_en: str = ""
    max_score: float

    def title(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class Template(Model):
    id: str
    kind: str
    name: str
    name_en: str = ""
    items: list[ChecklistItem]

    def title(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


_TEMPLATES = TypeAdapter(list[Template])
_CHASES = TypeAdapter(list[Chase])


async def board(api: Api, token: str, **params: str | int) -> Board:
    query = {k: v for k, v in params.items() if v not in ("", None)}
    r = await api.call("tickets", "GET", "/v1/overdue-board", token, params=query)
    return Board.model_validate(r.json())


async def chase(api: Api, token: str, ticket_id: uuid.UUID, note: str) -> list[Chase]:
    r = await api.call(
        "tickets", "POST", f"/v1/tickets/{ticket_id}/chase", token, json={"note": note}
    )
    return _CHASES.validate_python(r.json()["chases"])


async def staff_names(api: Api, token: str) -> dict[str, str]:
    """Every person's name by id (tickets' directory)."""
    body = (await api.call("tickets", "GET", "/v1/directory", token)).json()
    return {s["id"]: s.get("name") or s["id"] for s in body.get("staff", [])}


async def rectifications(api: Api, token: str, status: str = "") -> list[Rectification]:
    params: dict[str, str | int] = {"limit": 200}
    if status:
        params["status"] = status
    r = await api.call("tickets", "GET", "/v1/rectifications", token, params=params)
    return [Rectification.model_validate(x) for x in r.json()["items"]]


async def rectification(api: Api, token: str, item_id: uuid.UUID) -> Rectification:
    r = await api.call("tickets", "GET", f"/v1/rectifications/{item_id}", token)
    return Rectification.model_validate(r.json())


async def add_note(api: Api, token: str, item_id: uuid.UUID, note: str) -> None:
    path = f"/v1/rectifications/{item_id}/notes"
    await api.call("tickets", "POST", path, token, json={"note": note})


async def decide(api: Api, token: str, item_id: uuid.UUID, body: dict[str, Any]) -> None:
    path = f"/v1/rectifications/{item_id}/acceptance"
    await api.call("tickets", "POST", path, token, json=body)


async def templates(api: Api, token: str) -> list[Template]:
    r = await api.call("tickets", "GET", "/v1/inspection-templates", token)
    return _TEMPLATES.validate_python(r.json())


async def record_inspection(api: Api, token: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await api.call("tickets", "POST", "/v1/inspections", token, json=body)
    out: dict[str, Any] = r.json()
    return out


async def survey_link(api: Api, token: str) -> dict[str, Any]:
    """What a personal survey link shows (no sign-in: the token is the credential)."""
    out: dict[str, Any] = (
        await api.call("feedback", "GET", f"/v1/survey-responses/{token}")
    ).json()
    return out


async def answer_survey(api: Api, token: str, answers: list[dict[str, Any]]) -> None:
    path = f"/v1/survey-responses/{token}"
    await api.call("feedback", "POST", path, json={"answers": answers})


class Recurring(Model):
    problem_id: str
    category: str | None = None
    location: Location | None = None
    building_name: str | None = None
    department_id: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    department_name: str | None = None
    count: int
    detections: int = 1
    last_detected_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledgement: str | None = None


async def recurring(api: Api, token: str, open_only: bool) -> list[Recurring]:
    params: dict[str, str | int] = {"open_only": "true" if open_only else "false"}
    r = await api.call("tickets", "GET", "/v1/recurring-problems", token, params=params)
    return [Recurring.model_validate(x) for x in r.json()]


async def acknowledge(api: Api, token: str, problem_id: str, note: str) -> None:
    body = {"problem_id": problem_id, "note": note}
    await api.call("tickets", "POST", "/v1/recurring-problems/acknowledge", token, json=body)
