"""Ticket rules without I/O."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

_TICKET_NS = uuid.UUID("8f0c2b8e-2a55-4f0e-9a53-5a8f3b0d6c11")
CODE = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


def ticket_id_for(report_id: uuid.UUID) -> uuid.UUID:
    """One report opens one ticket: its id follows from the report's, on every redelivery."""
    return uuid.uuid5(_TICKET_NS, str(report_id))


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)


class Team(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    department_id: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    parent_id: str | None = Field(None, pattern=CODE)
    kind: str = Field(pattern=r"^(campus|building|floor|room)$")
    name: str = Field(min_length=1, max_length=200)


class Directory(BaseModel):
    """A directory document (imported from YAML/JSON through the API)."""

    model_config = ConfigDict(extra="forbid")
    departments: list[Department] = []
    teams: list[Team] = []
    areas: list[Area] = []

    def problems(self) -> list[str]:
        """References that do not resolve inside the document."""
        depts = {d.id for d in self.departments}
        area_ids = {a.id for a in self.areas}
        out = [
            f"team {t.id}: unknown department {t.department_id}"
            for t in self.teams
            if t.department_id not in depts
        ]
        out += [
            f"area {a.id}: unknown parent {a.parent_id}"
            for a in self.areas
            if a.parent_id and a.parent_id not in area_ids
        ]
        return out
