"""Rectification items (整改): raised with problem, measures, responsible person and deadline;
progress notes; acceptance (验收) by a supervisor, where a fail reopens with a new deadline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from houqin_shared import outbox
from houqin_shared.contracts import (
    RectificationAccepted,
    RectificationOpened,
    RectificationRejected,
)
from houqin_shared.db import Conn
from houqin_shared.identity import Principal, Role
from houqin_shared.params import PLAIN, Instant
from houqin_shared.problems import problem
from tickets.access import may_manage
from tickets.domain import CODE
from tickets.escalation import deadline_limit, step
from tickets.repository import directory as dir_repo
from tickets.repository import rectifications as repo
from tickets.rows import RectificationRow
from tickets.sla import RoundTheClock, WorkingCalendar

Origin = Literal["inspection", "reception_day", "supervisor", "meeting", "ticket", "safety"]


class RectificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: Origin = "supervisor"
    origin_id: str | None = Field(None, max_length=200, pattern=PLAIN)
    problem: str = Field(min_length=1, max_length=4000, pattern=PLAIN)
    measures: str | None = Field(None, max_length=4000, pattern=PLAIN)
    responsible_id: str | None = Field(None, max_length=64, pattern=CODE)
    team_id: str | None = Field(None, max_length=64, pattern=CODE)
    department_id: str | None = Field(None, max_length=64, pattern=CODE)
    deadline: Instant


def _future(deadline: datetime, now: datetime) -> None:
    if deadline.tzinfo is None:
        raise problem("deadline-timezone-required", "give the deadline with an offset")
    if deadline <= now:
        raise problem("deadline-past", f"the deadline {deadline.isoformat()} has passed")


def _schedule(
    round_started_at: datetime, deadline: datetime, cal: WorkingCalendar
) -> datetime | None:
    limit, sla = deadline_limit(round_started_at, deadline)
    first = step(0, limit, sla, RoundTheClock(), cal)
    return first.at if first else None


async def open_item(
    conn: Conn, body: RectificationIn, by: str, now: datetime, cal: WorkingCalendar
) -> dict[str, Any]:
    """Validate and store a new item with its RectificationOpened (caller checks who may)."""
    _future(body.deadline, now)
    if not (body.team_id or body.department_id):
        raise problem("unit-required", "give team_id or department_id")
    unit = await dir_repo.unit_exists(conn, body.team_id, body.department_id)
    if unit is None:
        raise problem("unit-unknown", f"no team {body.team_id} / department {body.department_id}")
    if body.responsible_id and await dir_repo.get_staff(conn, body.responsible_id) is None:
        raise problem("staff-unknown", f"no staff {body.responsible_id}")
    item = {
        **body.model_dump(),
        **unit,
        "id": uuid.uuid4(),
        "status": "open",
        "round": 0,
        "round_started_at": now,
        "opened_by": by,
        "opened_at": now,
        "accepted_by": None,
        "accepted_at": None,
        "esc_step": 0,
        "next_check_at": _schedule(now, body.deadline, cal),
    }
    await repo.insert(conn, item)
    fields = (
        "origin",
        "origin_id",
        "problem",
        "measures",
        "responsible_id",
        "department_id",
        "team_id",
        "deadline",
    )
    await outbox.add(
        conn, RectificationOpened(item_id=item["id"], opened_at=now, **{k: item[k] for k in fields})
    )
    return item


async def _load(conn: Conn, item_id: uuid.UUID) -> RectificationRow:
    item = await repo.get(conn, item_id, lock=True)
    if item is None:
        raise problem("rectification-not-found", f"no rectification item {item_id}")
    return item


async def note(
    conn: Conn, item_id: uuid.UUID, p: Principal, text: str, now: datetime
) -> RectificationRow:
    item = await _load(conn, item_id)
    if p.subject != item["responsible_id"] and not may_manage(
        p, item["team_id"], item["department_id"]
    ):
        raise problem(
            "rectification-note-forbidden",
            "only the responsible person, their lead or head, or a supervisor add progress",
        )
    if item["status"] != "open":
        raise problem("rectification-accepted", "the item is already accepted")
    await repo.add_note(conn, item_id, now, p.subject, "progress", text)
    return item


async def decide(
    conn: Conn,
    item_id: uuid.UUID,
    p: Principal,
    passed: bool,
    reason: str | None,
    new_deadline: datetime | None,
    now: datetime,
    cal: WorkingCalendar,
) -> dict[str, Any]:
    """Acceptance by a supervisor: pass closes the item; fail reopens it with a new deadline."""
    if not p.has_any(Role.supervisor):
        raise problem("acceptance-supervisors-only", "acceptance (验收) is for quality supervisors")
    item = await _load(conn, item_id)
    if item["status"] != "open":
        raise problem("rectification-accepted", "the item is already accepted")
    if passed:
        return await _accept(conn, item, p, reason, now)
    if not (reason and reason.strip()) or new_deadline is None:
        raise problem("acceptance-reason-required", "a failed acceptance says why and until when")
    _future(new_deadline, now)
    return await _reject(conn, item, p, reason, new_deadline, now, cal)


async def _accept(
    conn: Conn, item: RectificationRow, p: Principal, reason: str | None, now: datetime
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "status": "accepted",
        "accepted_by": p.subject,
        "accepted_at": now,
        "next_check_at": None,
    }
    await repo.update(conn, item["id"], fields)
    await repo.add_note(conn, item["id"], now, p.subject, "accepted", reason or "passed")
    await outbox.add(
        conn,
        RectificationAccepted(
            item_id=item["id"], department_id=item["department_id"], team_id=item["team_id"],
            accepted_by=p.subject, on_time=now <= item["deadline"], accepted_at=now,
            responsible_id=item["responsible_id"],
        ),
    )  # fmt: skip
    return {**item, **fields}


async def _reject(
    conn: Conn,
    item: RectificationRow,
    p: Principal,
    reason: str,
    new_deadline: datetime,
    now: datetime,
    cal: WorkingCalendar,
) -> dict[str, Any]:
    fields = {
        "deadline": new_deadline,
        "round": item["round"] + 1,
        "round_started_at": now,
        "esc_step": 0,
        "next_check_at": _schedule(now, new_deadline, cal),
    }
    await repo.update(conn, item["id"], fields)
    await repo.add_note(conn, item["id"], now, p.subject, "rejected", reason)
    await outbox.add(
        conn,
        RectificationRejected(
            item_id=item["id"], department_id=item["department_id"], team_id=item["team_id"],
            rejected_by=p.subject, reason=reason, new_deadline=new_deadline, rejected_at=now,
            responsible_id=item["responsible_id"],
        ),
    )  # fmt: skip
    return {**item, **fields}
