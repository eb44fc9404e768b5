"""Transfers without buck-passing (不推诿): the receiving side accepts or rejects; accepted
transfers are counted per ticket."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from houqin_shared import outbox
from houqin_shared.contracts import TicketAssigned, TicketTransferred
from houqin_shared.contracts.base import Event
from houqin_shared.db import Conn
from houqin_shared.principal import Principal
from houqin_shared.problems import problem
from tickets.access import may_manage
from tickets.lifecycle import RESTARTS, TRANSFERABLE
from tickets.lifecycle_service import load
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repo
from tickets.repository import transfers as tr_repo
from tickets.routing_service import find_assignee
from tickets.rows import TicketRow, TransferRow


def _event(
    t: TicketRow, x: TransferRow, state: str, actor: str, count: int, at: datetime
) -> TicketTransferred:
    return TicketTransferred(
        ticket_id=t["id"],
        report_id=t["report_id"],
        tracking_no=t["tracking_no"],
        transfer_id=x["id"],
        state=state,
        from_department_id=x["from_department_id"],
        from_team_id=x["from_team_id"],
        to_department_id=x["to_department_id"],
        to_team_id=x["to_team_id"],
        reason=x["reason"],
        actor_id=actor,
        transfer_count=count,
        at=at,
    )


async def request(
    conn: Conn,
    ticket_id: uuid.UUID,
    p: Principal,
    to_team: str | None,
    to_dept: str | None,
    reason: str,
    now: datetime,
) -> TransferRow:
    t = await load(conn, ticket_id, p)
    if t["track"] == "complaint" and to_team is not None:
        raise problem(
            "complaint-kept-from-team", "a complaint moves to a department (its head), not a team"
        )
    unit = await dir_repo.unit_exists(conn, to_team, to_dept)
    if unit is None:
        raise problem("unit-unknown", f"no team {to_team} / department {to_dept} to transfer to")
    if t["status"] not in TRANSFERABLE:
        raise problem(
            "ticket-not-transferable", f"a ticket that is {t['status']} cannot be transferred"
        )
    if (unit["team_id"], unit["department_id"]) == (t["team_id"], t["department_id"]):
        raise problem("transfer-same-place", "the ticket is already there")
    x: TransferRow = {
        "id": uuid.uuid4(),
        "ticket_id": t["id"],
        "from_team_id": t["team_id"],
        "from_department_id": t["department_id"],
        "to_team_id": unit["team_id"],
        "to_department_id": unit["department_id"],
        "reason": reason,
        "state": "requested",
        "requested_by": p.subject,
        "requested_at": now,
        "decided_by": None,
        "decided_at": None,
        "decision_note": None,
    }
    if not await tr_repo.insert(conn, x):
        raise problem(
            "transfer-pending-exists", "this ticket already has a transfer waiting for an answer"
        )
    await repo.add_action(conn, t["id"], now, p.subject, "transfer_requested", t["status"], t["status"], reason,
                          {"transfer_id": str(x["id"]), "to_team_id": x["to_team_id"], "to_department_id": x["to_department_id"]})  # fmt: skip
    await outbox.add(conn, _event(t, x, "requested", p.subject, t["transfer_count"], now))
    return x


async def _pending(
    conn: Conn, transfer_id: uuid.UUID, p: Principal
) -> tuple[TicketRow, TransferRow]:
    """The ticket (locked) and its transfer, still requested, if `p` decides for the receiving
    side."""
    x = await tr_repo.get(conn, transfer_id)
    if x is None:
        raise problem("transfer-not-found", f"no transfer {transfer_id}")
    t = await load(conn, x["ticket_id"], None)
    x = await tr_repo.get(conn, transfer_id)  # again, under the ticket's lock
    assert x is not None
    if not may_manage(p, x["to_team_id"], x["to_department_id"]):
        raise problem(
            "transfer-decide-forbidden",
            "only the receiving team's lead, department's head or a supervisor decides",
        )
    if x["state"] != "requested":
        raise problem("transfer-not-pending", f"this transfer is already {x['state']}")
    return t, x


async def _hand_over(
    conn: Conn, t: TicketRow, x: TransferRow, count: int, now: datetime
) -> tuple[dict[str, Any], list[Event]]:
    """An accepted transfer: the ticket goes to the receiving team (its next assignee, if any;
    from where it started, it starts again). Returns the fields stored and the events."""
    who = await find_assignee(conn, x["to_team_id"], None, now)
    fields: dict[str, Any] = {
        "team_id": x["to_team_id"],
        "department_id": x["to_department_id"],
        "assignee_id": who[0] if who else None,
        "assigned_via": who[1] if who else None,
        "transfer_count": count,
        "updated_at": now,
    }
    if t["status"] in RESTARTS:  # the receiving side starts again
        fields |= {"status": "assigned" if who else "new", "stuck_at": None}
    await repo.update_ticket(conn, t["id"], fields)
    if not who:
        return fields, []
    assigned = TicketAssigned(
        ticket_id=t["id"], report_id=t["report_id"], tracking_no=t["tracking_no"],
        assignee_id=who[0], team_id=x["to_team_id"], department_id=x["to_department_id"],
        via=who[1], assigned_at=now,
    )  # fmt: skip
    return fields, [assigned]


async def decide(
    conn: Conn,
    transfer_id: uuid.UUID,
    p: Principal,
    decision: Literal["accept", "reject"],
    note: str | None,
    now: datetime,
) -> dict[str, Any]:
    t, x = await _pending(conn, transfer_id, p)
    if decision == "reject" and not (note and note.strip()):
        raise problem("transfer-reason-required", "say why the transfer is rejected")
    state = "accepted" if decision == "accept" else "rejected"
    await tr_repo.decide(conn, transfer_id, state, p.subject, now, note)
    count = t["transfer_count"] + (1 if state == "accepted" else 0)
    events: list[Event] = [_event(t, x, state, p.subject, count, now)]
    fields: dict[str, Any] = {}
    if state == "accepted":
        fields, assigned = await _hand_over(conn, t, x, count, now)
        events += assigned
    await repo.add_action(conn, t["id"], now, p.subject, f"transfer_{state}", t["status"],
                          fields.get("status", t["status"]), note, {"transfer_id": str(transfer_id)})  # fmt: skip
    await outbox.add(conn, *events)
    return {**x, "state": state, "decided_by": p.subject, "decided_at": now, "decision_note": note}
