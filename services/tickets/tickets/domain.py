"""Ticket rules without I/O: ticket ids and the directory document (departments, teams, staff,
posts, areas and the responsibility map), imported as YAML/JSON through the API."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from houqin_shared.field_errors import invalid_field
from houqin_shared.params import MAX_ID, PLAIN, Instant
from houqin_shared.strict import STRICT_INT

_TICKET_NS = uuid.UUID("8f0c2b8e-2a55-4f0e-9a53-5a8f3b0d6c11")
CODE = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
ANY_CATEGORY = "*"


def ticket_id_for(report_id: uuid.UUID) -> uuid.UUID:
    """One report opens one ticket: its id follows from the report's, on every redelivery."""
    return uuid.uuid5(_TICKET_NS, str(report_id))


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN)
    name_en: str | None = Field(None, max_length=200, pattern=PLAIN)
    head_id: str | None = Field(None, pattern=CODE, description="Department head (staff id).")


class Team(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    department_id: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN)
    name_en: str | None = Field(None, max_length=200, pattern=PLAIN)
    lead_id: str | None = Field(None, pattern=CODE, description="Team lead (staff id).")


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    parent_id: str | None = Field(None, pattern=CODE)
    kind: str = Field(pattern=r"^(campus|building|floor|room)$")
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN)
    name_en: str | None = Field(
        None,
        max_length=200,
        pattern=PLAIN,
        description="For English readers (left out: kept as stored).",
    )


class Leave(BaseModel):
    """A period a member of staff is away (start inclusive, end exclusive)."""

    model_config = ConfigDict(extra="forbid")
    start: Instant
    end: Instant
    reason: str | None = Field(None, max_length=500, pattern=PLAIN)

    @model_validator(mode="after")
    def _ordered(self) -> Leave:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise invalid_field("leave_timezone_required")
        if self.end <= self.start:
            raise invalid_field("leave_reversed")
        return self


class Staff(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE, description="The SSO username.")
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN)
    roles: list[Annotated[str, Field(pattern=CODE)]] = Field([], max_length=20)
    department_id: str | None = Field(None, pattern=CODE)
    team_id: str | None = Field(None, pattern=CODE)
    email: str | None = Field(None, max_length=320, pattern=PLAIN)
    phone: str | None = Field(None, max_length=40, pattern=PLAIN)
    wecom: str | None = Field(None, max_length=120, pattern=PLAIN)
    dingtalk: str | None = Field(None, max_length=120, pattern=PLAIN)
    feishu: str | None = Field(None, max_length=120, pattern=PLAIN)
    on_duty: StrictBool = True
    leave: list[Leave] | None = Field(
        None, description="Leave periods; when given they replace the stored ones."
    )


class Post(BaseModel):
    """A team's post (主辅岗): the primary takes the work, the backup when the primary is away."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CODE)
    team_id: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200, pattern=PLAIN)
    primary_id: str | None = Field(None, pattern=CODE)
    backup_id: str | None = Field(None, pattern=CODE)


class Responsibility(BaseModel):
    """Area x category -> team (or a department's dispatch queue when no team is named)."""

    model_config = ConfigDict(extra="forbid")
    area_id: str | None = Field(None, pattern=CODE, description="null: everywhere.")
    category: str = Field(ANY_CATEGORY, pattern=r"^(\*|[a-z0-9][a-z0-9_.-]{0,63})$")
    team_id: str | None = Field(None, pattern=CODE)
    department_id: str | None = Field(None, pattern=CODE)
    post_id: str | None = Field(None, pattern=CODE, description="Post to assign; default: first.")

    @model_validator(mode="after")
    def _target(self) -> Responsibility:
        if self.team_id is None and self.department_id is None:
            raise invalid_field("responsibility_unit_required")
        return self


class Directory(BaseModel):
    """A directory document (imported from YAML/JSON through the API; upsert by id)."""

    model_config = ConfigDict(extra="forbid")
    departments: list[Department] = []
    teams: list[Team] = []
    areas: list[Area] = []
    staff: list[Staff] = []
    posts: list[Post] = []
    responsibilities: list[Responsibility] = []
    version: Annotated[int, Field(ge=0, le=MAX_ID), STRICT_INT] | None = Field(
        None, description="Directory version (set on read)."
    )

    def problems(self, known: Directory | None = None) -> list[str]:
        """References that resolve neither inside the document nor in `known` (what is stored)."""
        k = known or Directory()
        depts = {d.id for d in self.departments + k.departments}
        teams = {t.id for t in self.teams + k.teams}
        areas = {a.id for a in self.areas + k.areas}
        staff = {s.id for s in self.staff + k.staff}
        posts = {p.id for p in self.posts + k.posts}
        out = [f"team {t.id}: unknown department {t.department_id}" for t in self.teams]
        out = [p for p, t in zip(out, self.teams, strict=True) if t.department_id not in depts]
        out += [
            f"area {a.id}: unknown parent {a.parent_id}"
            for a in self.areas
            if a.parent_id and a.parent_id not in areas
        ]
        refs: list[tuple[str, str | None, set[str], str]] = []
        refs += [(f"department {d.id}", d.head_id, staff, "head") for d in self.departments]
        refs += [(f"team {t.id}", t.lead_id, staff, "lead") for t in self.teams]
        for s in self.staff:
            refs += [(f"staff {s.id}", s.department_id, depts, "department")]
            refs += [(f"staff {s.id}", s.team_id, teams, "team")]
        for p in self.posts:
            refs += [(f"post {p.id}", p.team_id, teams, "team")]
            refs += [(f"post {p.id}", p.primary_id, staff, "primary")]
            refs += [(f"post {p.id}", p.backup_id, staff, "backup")]
        for r in self.responsibilities:
            what = f"responsibility {r.area_id or '*'} x {r.category}"
            refs += [(what, r.area_id, areas, "area"), (what, r.team_id, teams, "team")]
            refs += [(what, r.department_id, depts, "department"), (what, r.post_id, posts, "post")]
        out += [
            f"{who}: unknown {name} {ref}" for who, ref, ids, name in refs if ref and ref not in ids
        ]
        keys = [(r.area_id, r.category) for r in self.responsibilities]
        out += [
            f"responsibility {a or '*'} x {c}: listed twice"
            for a, c in set(keys)
            if keys.count((a, c)) > 1
        ]
        return out


STAFF_CSV_COLUMNS = (
    "id", "name", "roles", "department_id", "team_id", "email", "phone", "wecom", "dingtalk",
    "feishu", "on_duty",
)  # fmt: skip


def staff_from_csv(text: str) -> list[dict[str, Any]]:
    """Staff rows from a spreadsheet export: a header with STAFF_CSV_COLUMNS (id and name
    required); roles separated by spaces or semicolons; empty cells are null; on_duty
    true/false (default true)."""
    reader = csv.DictReader(io.StringIO(text))
    unknown = set(reader.fieldnames or []) - set(STAFF_CSV_COLUMNS)
    if unknown or not {"id", "name"} <= set(reader.fieldnames or []):
        raise ValueError(
            f"staff CSV columns are {', '.join(STAFF_CSV_COLUMNS)} (id and name required)"
        )
    out = []
    for row in reader:
        item: dict[str, Any] = {
            k: (v.strip() or None) for k, v in row.items() if k and v is not None
        }
        item["roles"] = (item.get("roles") or "").replace(";", " ").split()
        duty = item.pop("on_duty", None)
        if duty is not None:
            if duty.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(f"staff {item.get('id')}: on_duty must be true or false")
            item["on_duty"] = duty.lower() in ("true", "1", "yes")
        out.append(item)
    return out
