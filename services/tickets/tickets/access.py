"""Who may do what (no I/O): staff their own work, leads their team's, heads their department's,
supervisors everything; admins keep the directory.

Reading follows acting: whoever may act on a ticket (or add progress to a rectification item) may
read it, and supervisors, leaders and admins read everything. The other side of a pending transfer
(the receiving team's lead, the receiving department's head) may read the ticket offered to it,
so it can decide. A team's queue is for its members, its department's head and those who see
everything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from houqin_shared.principal import Principal, Role


def may_manage(p: Principal, team_id: str | None, department_id: str | None) -> bool:
    """Leads manage their team, heads their department, supervisors and admins everything."""
    if p.has_any(Role.supervisor, Role.admin):
        return True
    if p.has_any(Role.team_lead) and team_id is not None and p.team_id == team_id:
        return True
    return (
        p.has_any(Role.dept_head) and department_id is not None and p.department_id == department_id
    )


def may_act(
    p: Principal, assignee_id: str | None, team_id: str | None, department_id: str | None
) -> bool:
    """On a ticket: its assignee, or whoever manages its team or department (not admins)."""
    if p.has_any(Role.supervisor):
        return True
    if (
        assignee_id is not None
        and p.subject == assignee_id
        and p.has_any(Role.staff, Role.team_lead)
    ):
        return True
    if p.has_any(Role.team_lead) and team_id is not None and p.team_id == team_id:
        return True
    return (
        p.has_any(Role.dept_head) and department_id is not None and p.department_id == department_id
    )


def sees_everything(p: Principal) -> bool:
    """Supervisors, leaders and admins read every unit's tickets and rectifications."""
    return p.has_any(Role.supervisor, Role.leader, Role.admin)


@dataclass(frozen=True)
class Scope:
    """What a caller may read of a unit's work: everything, or the union of one department, one
    team and the work assigned to (or made the responsibility of) one person."""

    everything: bool = False
    department_id: str | None = None
    team_id: str | None = None
    person_id: str | None = None

    def covers(self, person_id: str | None, team_id: str | None, department_id: str | None) -> bool:
        """Whether a ticket (assignee, team, department) or rectification item (responsible
        person, team, department) is inside the scope."""
        return (
            self.everything
            or (self.department_id is not None and department_id == self.department_id)
            or (self.team_id is not None and team_id == self.team_id)
            or (self.person_id is not None and person_id == self.person_id)
        )


def read_scope(p: Principal) -> Scope:
    """A head reads their department's, a lead their team's, anyone what is theirs."""
    if sees_everything(p):
        return Scope(everything=True)
    return Scope(
        department_id=p.department_id if p.has_any(Role.dept_head) else None,
        team_id=p.team_id if p.has_any(Role.team_lead) else None,
        person_id=p.subject,
    )


def may_read_ticket(
    p: Principal,
    assignee_id: str | None,
    team_id: str | None,
    department_id: str | None,
    offered_to: Iterable[tuple[str | None, str | None]] = (),
) -> bool:
    """Whoever may act on it, those who see everything, and the deciders of a pending transfer
    (`offered_to`: the (team, department) each pending transfer is addressed to)."""
    if read_scope(p).covers(assignee_id, team_id, department_id):
        return True
    return any(may_manage(p, team, department) for team, department in offered_to)


def may_read_rectification(
    p: Principal, responsible_id: str | None, team_id: str | None, department_id: str | None
) -> bool:
    """The responsible person, the team's lead, the department's head, and those who see
    everything (the same people who may add progress, and leaders)."""
    return read_scope(p).covers(responsible_id, team_id, department_id)


def may_read_team(p: Principal, team_id: str, team_department_id: str | None) -> bool:
    """A team's queue and incoming transfers: its members, the head of the team's department
    (`team_department_id` from the directory; None for an unknown team), and those who see
    everything."""
    if sees_everything(p):
        return True
    if p.team_id is not None and p.team_id == team_id:
        return True
    return (
        p.has_any(Role.dept_head)
        and team_department_id is not None
        and p.department_id == team_department_id
    )


def may_read_department(p: Principal, department_id: str) -> bool:
    """Asking for a department's list: those who see everything, and its own people (who then
    see only their part of it, see `read_scope`)."""
    return sees_everything(p) or p.department_id == department_id


def may_read_unit_record(p: Principal, record: Mapping[str, Any]) -> bool:
    """An inspection or incident (about a department, team or person): those who see
    everything, the department's head, the team's lead, and the person it is about."""
    unit_type, unit_id = record.get("unit_type"), record.get("unit_id")
    return read_scope(p).covers(
        unit_id if unit_type == "staff" else None,
        unit_id if unit_type == "team" else record.get("team_id"),
        record.get("department_id"),
    )
