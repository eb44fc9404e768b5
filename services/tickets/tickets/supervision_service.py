"""Inspections (scored checklists whose findings become rectification items) and incidents for
the one-vote veto (verified, appealed, overturned)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from houqin_shared import outbox
from houqin_shared.contracts import IncidentOverturned, IncidentVerified, InspectionRecorded
from houqin_shared.db import Conn
from houqin_shared.field_errors import invalid_field
from houqin_shared.params import PLAIN, Instant
from houqin_shared.principal import Principal, Role
from houqin_shared.problems import problem
from houqin_shared.strict import JsonFloat
from tickets import rectification_service
from tickets.access import may_manage
from tickets.domain import CODE
from tickets.repository import directory as dir_repo
from tickets.repository import supervision as repo
from tickets.rows import TicketRow
from tickets.sla import WorkingCalendar

MAX_SCORE = 10_000  # an item's points on a checklist


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=500, pattern=PLAIN)
    score: JsonFloat = Field(ge=0, le=MAX_SCORE)
    max_score: JsonFloat = Field(gt=0, le=MAX_SCORE)

    @model_validator(mode="after")
    def _within(self) -> ChecklistItem:
        if self.score > self.max_score:
            raise invalid_field("score_above_maximum", name=self.name)
        return self


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem: str = Field(min_length=1, max_length=4000, pattern=PLAIN)
    measures: str | None = Field(None, max_length=4000, pattern=PLAIN)
    responsible_id: str | None = Field(None, max_length=64, pattern=CODE)
    deadline: Instant
    hazard: StrictBool = False


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["quality", "safety"] = "quality"
    unit_type: Literal["department", "team"]
    unit_id: str = Field(min_length=1, max_length=64, pattern=CODE)
    items: list[ChecklistItem] = Field(min_length=1, max_length=200)
    photos: list[Annotated[str, Field(max_length=500, pattern=PLAIN)]] = Field([], max_length=50)
    findings: list[Finding] = Field([], max_length=100)
    inspected_at: Instant | None = None

    def score(self) -> float:
        """The checklist as a 0-100 score."""
        return round(
            100 * sum(i.score for i in self.items) / sum(i.max_score for i in self.items), 2
        )


async def _unit(conn: Conn, unit_type: str, unit_id: str) -> dict[str, Any]:
    if unit_type == "staff":
        s = await dir_repo.get_staff(conn, unit_id)
        found = (
            None if s is None else {"team_id": s["team_id"], "department_id": s["department_id"]}
        )
    else:
        found = await dir_repo.unit_exists(
            conn,
            unit_id if unit_type == "team" else None,
            unit_id if unit_type == "department" else None,
        )
    if found is None:
        raise problem("unit-unknown", f"no {unit_type} {unit_id}")
    return found


async def record_inspection(
    conn: Conn, body: InspectionIn, p: Principal, now: datetime, cal: WorkingCalendar
) -> dict[str, Any]:
    unit = await _unit(conn, body.unit_type, body.unit_id)
    at = body.inspected_at or now
    x = {
        "id": uuid.uuid4(),
        "kind": body.kind,
        "unit_type": body.unit_type,
        "unit_id": body.unit_id,
        "department_id": unit["department_id"],
        "score": body.score(),
        "items": [i.model_dump() for i in body.items],
        "photos": body.photos,
        "findings": len(body.findings),
        "hazards": sum(f.hazard for f in body.findings),
        "inspector_id": p.subject,
        "inspected_at": at,
        "recorded_at": now,
    }
    await repo.insert_inspection(conn, x)
    items = []
    for f in body.findings:
        item = rectification_service.RectificationIn(
            origin="safety" if f.hazard or body.kind == "safety" else "inspection",
            origin_id=str(x["id"]),
            problem=f.problem,
            measures=f.measures,
            responsible_id=f.responsible_id,
            team_id=unit["team_id"],
            department_id=unit["department_id"],
            deadline=f.deadline,
        )
        items.append(await rectification_service.open_item(conn, item, p.subject, now, cal))
    fields = (
        "kind",
        "unit_type",
        "unit_id",
        "department_id",
        "score",
        "findings",
        "hazards",
        "inspector_id",
    )
    await outbox.add(
        conn,
        InspectionRecorded(inspection_id=x["id"], inspected_at=at, **{k: x[k] for k in fields}),
    )
    return {**x, "rectification_ids": [i["id"] for i in items]}


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["service_quality", "safety"]
    unit_type: Literal["department", "team", "staff"]
    unit_id: str = Field(min_length=1, max_length=64, pattern=CODE)
    ticket_id: uuid.UUID | None = None
    summary: str = Field(min_length=1, max_length=4000, pattern=PLAIN)
    evidence: list[Annotated[str, Field(max_length=2000, pattern=PLAIN)]] = Field(
        min_length=1, max_length=50
    )
    occurred_at: Instant


async def verify_incident(
    conn: Conn, body: IncidentIn, p: Principal, now: datetime
) -> dict[str, Any]:
    if body.occurred_at > now:
        raise problem("incident-in-future", "occurred_at has not happened yet")
    unit = await _unit(conn, body.unit_type, body.unit_id)
    x = {
        **body.model_dump(),
        **unit,
        "id": uuid.uuid4(),
        "status": "verified",
        "verified_by": p.subject,
        "verified_at": now,
        **dict.fromkeys(
            (
                "appeal_reason",
                "appealed_by",
                "appealed_at",
                "decided_by",
                "decided_at",
                "decision_note",
            )
        ),
    }
    await repo.insert_incident(conn, x)
    await outbox.add(
        conn,
        IncidentVerified(
            incident_id=x["id"], kind=body.kind, unit_type=body.unit_type, unit_id=body.unit_id,
            department_id=unit["department_id"], team_id=unit["team_id"], ticket_id=body.ticket_id,
            summary_text=body.summary, occurred_at=body.occurred_at, verified_by=p.subject, verified_at=now,
        ),
    )  # fmt: skip
    return x


async def complaint_upheld(
    conn: Conn, t: TicketRow, p: Principal, reply: str, now: datetime
) -> dict[str, Any] | None:
    """A complaint a supervisor upheld (经查属实) is a verified service-quality incident of the
    team it is about (else its department); None when it names neither. (A complaint upheld by
    the department head waits for a supervisor to verify it through POST /incidents.)"""
    unit_type, unit_id = (
        ("team", t["about_team_id"]) if t["about_team_id"] else ("department", t["department_id"])
    )
    if unit_id is None:
        return None
    body = IncidentIn(
        kind="service_quality", unit_type=unit_type, unit_id=unit_id, ticket_id=t["id"],
        summary=reply[:4000] or f"complaint {t['tracking_no']} upheld",
        evidence=[f"complaint {t['tracking_no']}"], occurred_at=t["opened_at"],
    )  # fmt: skip
    return await verify_incident(conn, body, p, now)


async def _incident(conn: Conn, incident_id: uuid.UUID) -> dict[str, Any]:
    x = await repo.get_incident(conn, incident_id, lock=True)
    if x is None:
        raise problem("incident-not-found", f"no incident {incident_id}")
    return x


async def appeal(
    conn: Conn, incident_id: uuid.UUID, p: Principal, reason: str, now: datetime
) -> dict[str, Any]:
    """The unit appeals (its lead or head, or the member of staff concerned)."""
    x = await _incident(conn, incident_id)
    own = x["unit_type"] == "staff" and x["unit_id"] == p.subject
    if not own and not (
        p.has_any(Role.team_lead, Role.dept_head)
        and may_manage(p, x["team_id"], x["department_id"])
    ):
        raise problem("incident-appeal-forbidden", "only the unit concerned appeals")
    if x["status"] != "verified":
        raise problem(
            "incident-not-appealable", f"an incident that is {x['status']} cannot be appealed"
        )
    fields = {
        "status": "appealed",
        "appeal_reason": reason,
        "appealed_by": p.subject,
        "appealed_at": now,
    }
    await repo.update_incident(conn, incident_id, fields)
    return {**x, **fields}


async def decide_appeal(
    conn: Conn, incident_id: uuid.UUID, p: Principal, overturn: bool, note: str, now: datetime
) -> dict[str, Any]:
    """A supervisor or leader overturns (the veto is lifted) or upholds the incident."""
    x = await _incident(conn, incident_id)
    if x["status"] == "overturned" or (x["status"] == "verified" and not overturn):
        raise problem("incident-not-appealed", f"the incident is {x['status']}")
    fields = {
        "status": "overturned" if overturn else "verified",
        "decided_by": p.subject,
        "decided_at": now,
        "decision_note": note,
    }
    await repo.update_incident(conn, incident_id, fields)
    if overturn:
        await outbox.add(
            conn,
            IncidentOverturned(
                incident_id=incident_id, unit_type=x["unit_type"], unit_id=x["unit_id"], reason=note,
                overturned_by=p.subject, overturned_at=now,
            ),
        )  # fmt: skip
    return {**x, **fields}
