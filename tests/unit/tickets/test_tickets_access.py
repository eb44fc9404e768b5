"""Who may read what (no I/O): reading follows acting (the assignee, the team's lead, the
department's head, supervisors), leaders and admins read everything, the deciders of a pending
transfer read the ticket offered to them, and a team's queue is for its members and its
department's head."""

from __future__ import annotations

import itertools

import pytest

from houqin_shared.principal import Principal, Role
from tickets.access import (
    Scope,
    may_act,
    may_read_department,
    may_read_rectification,
    may_read_team,
    may_read_ticket,
    read_scope,
)

R = Role


def who(subject: str, *roles: Role, dept: str | None = None, team: str | None = None) -> Principal:
    return Principal(subject, frozenset(roles), department_id=dept, team_id=team)


PLUMBER = who("plumber", R.staff, dept="maintenance", team="plumbers")
PLUMBER_BACKUP = who("plumber-backup", R.staff, dept="maintenance", team="plumbers")
PLUMBING_LEAD = who("plumbing-lead", R.staff, R.team_lead, dept="maintenance", team="plumbers")
ELECTRICIAN_LEAD = who(
    "electrician-lead", R.staff, R.team_lead, dept="maintenance", team="electricians"
)
MAINTENANCE_HEAD = who("maintenance-head", R.dept_head, dept="maintenance")
CATERING_HEAD = who("catering-head", R.dept_head, dept="catering")
CATERING_LEAD = who(
    "catering-lead", R.staff, R.team_lead, dept="catering", team="north-canteen-hot"
)
CATERING_COOK = who("north-cook", R.staff, dept="catering", team="north-canteen-hot")
SUPERVISOR = who("supervisor", R.supervisor)
LEADER = who("leader", R.leader)
ADMIN = who("admin", R.admin)

PEOPLE = {
    p.subject: p
    for p in (
        PLUMBER, PLUMBER_BACKUP, PLUMBING_LEAD, ELECTRICIAN_LEAD, MAINTENANCE_HEAD,
        CATERING_HEAD, CATERING_LEAD, CATERING_COOK, SUPERVISOR, LEADER, ADMIN,
    )
}  # fmt: skip

# the plumber's ticket in the plumbers' team of maintenance
TICKET = ("plumber", "plumbers", "maintenance")


@pytest.mark.parametrize(
    ("subject", "reads"),
    [
        ("plumber", True),  # its assignee
        ("plumber-backup", False),  # same team, not assigned, not a lead
        ("plumbing-lead", True),
        ("electrician-lead", False),  # another team's lead, same department
        ("maintenance-head", True),
        ("catering-head", False),
        ("catering-lead", False),
        ("north-cook", False),
        ("supervisor", True),
        ("leader", True),
        ("admin", True),
    ],
)
def test_who_reads_a_plumbers_ticket(subject: str, reads: bool) -> None:
    assert may_read_ticket(PEOPLE[subject], *TICKET) is reads


def test_a_department_queue_ticket_is_its_heads_not_any_lead_of_the_department() -> None:
    ticket = (None, None, "maintenance")  # routed to the department, no team, nobody yet
    assert may_read_ticket(MAINTENANCE_HEAD, *ticket)
    assert not may_read_ticket(PLUMBING_LEAD, *ticket)
    assert not may_read_ticket(PLUMBER, *ticket)
    assert not may_read_ticket(CATERING_HEAD, *ticket)


def test_the_side_a_pending_transfer_is_offered_to_reads_the_ticket() -> None:
    to_catering = [(None, "catering")]
    assert may_read_ticket(CATERING_HEAD, *TICKET, offered_to=to_catering)
    assert not may_read_ticket(CATERING_LEAD, *TICKET, offered_to=to_catering)  # no team named
    to_kitchen = [("north-canteen-hot", "catering")]
    assert may_read_ticket(CATERING_LEAD, *TICKET, offered_to=to_kitchen)
    assert may_read_ticket(CATERING_HEAD, *TICKET, offered_to=to_kitchen)
    # the cook does not decide transfers, so is not shown the ticket either
    assert not may_read_ticket(CATERING_COOK, *TICKET, offered_to=to_kitchen)
    # a transfer to someone else does not open it to the catering head
    to_electricians = [("electricians", "maintenance")]
    assert may_read_ticket(ELECTRICIAN_LEAD, *TICKET, offered_to=to_electricians)
    assert not may_read_ticket(CATERING_HEAD, *TICKET, offered_to=to_electricians)


ASSIGNEES = (None, "plumber", "plumber-backup", "electrician", "north-cook", "plumbing-lead")
TEAMS = (None, "plumbers", "electricians", "north-canteen-hot")
DEPARTMENTS = (None, "maintenance", "catering")


def test_whoever_may_act_on_a_ticket_may_read_it() -> None:
    for p, where in itertools.product(
        PEOPLE.values(), itertools.product(ASSIGNEES, TEAMS, DEPARTMENTS)
    ):
        if may_act(p, *where):
            assert may_read_ticket(p, *where), (p.subject, where)


def test_reading_beyond_acting_is_only_for_those_who_see_everything() -> None:
    """Leaders and admins read without acting; everyone else reads exactly what they act on."""
    for p, where in itertools.product(
        PEOPLE.values(), itertools.product(ASSIGNEES, TEAMS, DEPARTMENTS)
    ):
        if p.subject in ("leader", "admin"):
            assert may_read_ticket(p, *where)
        else:
            assert may_read_ticket(p, *where) == may_act(p, *where), (p.subject, where)


def test_read_scopes() -> None:
    assert read_scope(SUPERVISOR) == Scope(everything=True)
    assert read_scope(LEADER) == Scope(everything=True)
    assert read_scope(ADMIN) == Scope(everything=True)
    assert read_scope(MAINTENANCE_HEAD) == Scope(
        department_id="maintenance", person_id="maintenance-head"
    )
    assert read_scope(PLUMBING_LEAD) == Scope(team_id="plumbers", person_id="plumbing-lead")
    # a staff member's team does not widen what they read: only their own work
    assert read_scope(PLUMBER) == Scope(person_id="plumber")
    # a role without a unit claim names nothing
    assert read_scope(who("lost-head", R.dept_head)) == Scope(person_id="lost-head")
    assert not read_scope(who("lost-head", R.dept_head)).covers(None, None, None)


def test_an_empty_scope_covers_nothing_not_even_unassigned_work() -> None:
    assert not Scope().covers(None, None, None)
    assert not Scope().covers("x", "plumbers", "maintenance")
    assert Scope(everything=True).covers(None, None, None)


@pytest.mark.parametrize(
    ("subject", "reads"),
    [
        ("plumbing-lead", True),  # responsible, and the team's lead
        ("plumber", False),
        ("electrician-lead", False),
        ("maintenance-head", True),
        ("catering-head", False),
        ("catering-lead", False),
        ("supervisor", True),
        ("leader", True),
        ("admin", True),
    ],
)
def test_who_reads_a_rectification_item(subject: str, reads: bool) -> None:
    assert may_read_rectification(PEOPLE[subject], "plumbing-lead", "plumbers", "maintenance") is (
        reads
    )


def test_the_responsible_person_reads_their_item_wherever_it_is() -> None:
    assert may_read_rectification(PLUMBER, "plumber", None, "maintenance")
    assert not may_read_rectification(PLUMBER_BACKUP, "plumber", None, "maintenance")


@pytest.mark.parametrize(
    ("subject", "team", "team_department", "reads"),
    [
        ("plumber", "plumbers", "maintenance", True),  # a member reads the team's queue
        ("plumber", "electricians", "maintenance", False),
        ("plumbing-lead", "plumbers", None, True),  # own team: no look-up needed
        ("electrician-lead", "plumbers", "maintenance", False),
        ("maintenance-head", "plumbers", "maintenance", True),
        ("maintenance-head", "plumbers", None, False),  # department not (yet) known
        ("maintenance-head", "north-canteen-hot", "catering", False),
        ("maintenance-head", "no-such-team", None, False),
        ("catering-head", "plumbers", "maintenance", False),
        ("catering-head", "north-canteen-hot", "catering", True),
        ("catering-lead", "plumbers", "maintenance", False),
        ("north-cook", "plumbers", "maintenance", False),
        ("supervisor", "plumbers", None, True),
        ("leader", "plumbers", None, True),
        ("admin", "plumbers", None, True),
    ],
)
def test_who_reads_a_teams_queue(
    subject: str, team: str, team_department: str | None, reads: bool
) -> None:
    assert may_read_team(PEOPLE[subject], team, team_department) is reads


@pytest.mark.parametrize(
    ("subject", "department", "asks"),
    [
        ("maintenance-head", "maintenance", True),
        ("plumber", "maintenance", True),  # their own (then filtered to their part)
        ("catering-head", "maintenance", False),
        ("catering-lead", "maintenance", False),
        ("north-cook", "maintenance", False),
        ("supervisor", "maintenance", True),
        ("leader", "catering", True),
        ("admin", "catering", True),
    ],
)
def test_who_may_ask_for_a_departments_list(subject: str, department: str, asks: bool) -> None:
    assert may_read_department(PEOPLE[subject], department) is asks
