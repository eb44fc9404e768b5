"""Workers' and team leads' steps beyond the lifecycle moves: what the caller may do now, a
pause that waits for the lead's approval, and a worker's own duty and leave."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.contracts.tickets import PauseReason
from houqin_shared.db import Conn
from houqin_shared.principal import Principal
from houqin_shared.problems import problem
from tickets import directory_events, lifecycle_service
from tickets.access import may_act, may_manage
from tickets.repository import directory as dir_repo
from tickets.repository import tickets as repo
from tickets.repository import transfers as tr_repo
from tickets.repository import work as work_repo
from tickets.rows import TicketRow
from tickets.work import Standing, allowed


async def standing(conn: Conn, t: TicketRow, p: Principal) -> Standing:
    where = (t["team_id"], t["department_id"])
    return Standing(
        acts=may_act(p, t["assignee_id"], *where),
        manages=may_manage(p, *where),
        transfer_pending=bool(await tr_repo.pending_of(conn, t["id"])),
        pause_request_pending=await work_repo.pending_pause_of(conn, t["id"]) is not None,
    )


async def allowed_now(conn: Conn, t: TicketRow, p: Principal) -> dict[str, Any]:
    return {
        "ticket_id": t["id"],
        "status": t["status"],
        "moves": allowed(t, await standing(conn, t, p)),
        "pause_request": await work_repo.pending_pause_of(conn, t["id"]),
    }


async def ask_pause(
    conn: Conn,
    ticket_id: UUID,
    p: Principal,
    reason: PauseReason,
    days: int,
    note: str | None,
    now: datetime,
) -> dict[str, Any]:
    """A pause longer than a worker may make alone, waiting for the team lead."""
    t = await lifecycle_service.load(conn, ticket_id, p)
    lifecycle_service.check(t, "pause", note)
    row = await work_repo.add_pause_request(
        conn,
        {
            "ticket_id": t["id"], "team_id": t["team_id"], "asked_by": p.subject,
            "asked_at": now, "pause_reason": reason, "pause_days": days, "note": note,
        },
    )  # fmt: skip
    if row is None:
        raise problem("pause-request-pending-exists", "this ticket already has a pause request")
    await repo.add_action(
        conn, t["id"], now, p.subject, "pause_requested", t["status"], t["status"], note,
        {"pause_reason": reason, "pause_days": days, "pause_request_id": str(row["id"])},
    )  # fmt: skip
    return row


async def decide_pause(
    conn: Conn, request_id: UUID, p: Principal, approve: bool, note: str | None, now: datetime
) -> dict[str, Any]:
    """The lead approves (the pause is made as asked, by the lead) or refuses it."""
    pr = await work_repo.get_pause_request(conn, request_id, lock=True)
    if pr is None:
        raise problem("pause-request-not-found", f"no pause request {request_id}")
    t = await lifecycle_service.load(conn, pr["ticket_id"], None)
    if not may_manage(p, t["team_id"], t["department_id"]):
        raise problem(
            "pause-approve-forbidden", "only the team lead, the department head or a supervisor"
        )
    if pr["state"] != "pending":
        raise problem("pause-request-not-pending", f"the request is already {pr['state']}")
    state = "approved" if approve else "refused"
    await work_repo.decide_pause_request(conn, request_id, state, p.subject, now, note)
    if approve:
        await lifecycle_service.act(
            conn, t["id"], p, "pause", pr["note"], now, None, pr["pause_reason"], pr["pause_days"]
        )
    else:
        await repo.add_action(
            conn, t["id"], now, p.subject, "pause_refused", t["status"], t["status"], note,
            {"pause_request_id": str(request_id)},
        )  # fmt: skip
    return {**pr, "state": state, "decided_by": p.subject, "decided_at": now,
            "decision_note": note}  # fmt: skip


async def me(conn: Conn, p: Principal, now: datetime) -> dict[str, Any]:
    s = await dir_repo.get_staff(conn, p.subject)
    if s is None:
        raise problem("staff-not-found", f"{p.subject} is not in the directory")
    leave = [lv for lv in await dir_repo.leave_rows(conn, p.subject) if lv["end"] > now]
    return {
        "id": s["id"], "name": s["name"], "team_id": s["team_id"],
        "department_id": s["department_id"], "on_duty": s["on_duty"], "leave": leave,
    }  # fmt: skip


async def set_my_duty(conn: Conn, p: Principal, on_duty: bool, now: datetime) -> dict[str, Any]:
    await dir_repo.lock(conn)
    if not await dir_repo.set_on_duty(conn, p.subject, on_duty):
        raise problem("staff-not-found", f"{p.subject} is not in the directory")
    await directory_events.publish_version(conn)
    return await me(conn, p, now)
