"""Routing without a database: most specific area wins, category over wildcard, department
queue fallback, primary/backup posts with duty and leave; the demo directory resolves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from houqin_shared.contracts import Location
from tickets.domain import Directory, Leave, Post, Responsibility
from tickets.routing import Availability, area_chain, assignee, pick_post, route

ROOT = Path(__file__).resolve().parents[3]
PARENTS = {
    "north": None,
    "north-dorm-7": "north",
    "north-dorm-7-3": "north-dorm-7",
    "north-dorm-7-3-312": "north-dorm-7-3",
    "south": None,
}
TEAMS = {"plumbers": "maintenance", "room-team": "maintenance", "cleaners": "property"}
RULES = [
    Responsibility(category="plumbing", team_id="plumbers"),
    Responsibility(category="*", department_id="property"),
    Responsibility(area_id="north-dorm-7", category="cleaning", team_id="cleaners"),
    Responsibility(area_id="north-dorm-7-3-312", category="plumbing", team_id="room-team"),
    Responsibility(area_id="north", category="*", department_id="maintenance"),
]
NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def loc(**kw: str) -> Location:
    return Location(**kw)


def test_area_chain_most_specific_first() -> None:
    full = loc(campus="north", building="north-dorm-7", floor="3", room="312")
    assert area_chain(full, PARENTS) == [
        "north-dorm-7-3-312",
        "north-dorm-7-3",
        "north-dorm-7",
        "north",
    ]
    assert area_chain(loc(building="north-dorm-7", floor="9"), PARENTS) == ["north-dorm-7", "north"]
    assert area_chain(loc(campus="south", building="unknown"), PARENTS) == ["south"]
    assert area_chain(loc(text="somewhere"), PARENTS) == []
    no_floor = loc(campus="north", building="north-dorm-7", room="312")
    assert area_chain(no_floor, PARENTS)[0] == "north-dorm-7-3-312"
    assert area_chain(loc(building="north-dorm-7", room="999"), PARENTS) == [
        "north-dorm-7",
        "north",
    ]


def test_the_most_specific_area_wins() -> None:
    room = loc(campus="north", building="north-dorm-7", floor="3", room="312")
    assert route(room, "plumbing", PARENTS, RULES, TEAMS).team_id == "room-team"
    other_room = loc(campus="north", building="north-dorm-7", floor="3", room="313")
    r = route(other_room, "plumbing", PARENTS, RULES, TEAMS)
    # the campus rule (wildcard category) is more specific by area than the global plumbing rule
    assert (r.team_id, r.department_id) == (None, "maintenance")
    r = route(other_room, "cleaning", PARENTS, RULES, TEAMS)
    assert (r.team_id, r.department_id) == ("cleaners", "property")


def test_exact_category_beats_wildcard_in_the_same_area_and_fallbacks() -> None:
    south = loc(campus="south", building="x")
    r = route(south, "plumbing", PARENTS, RULES, TEAMS)
    assert (r.team_id, r.department_id) == ("plumbers", "maintenance")
    r = route(south, "noise", PARENTS, RULES, TEAMS)
    assert (r.team_id, r.department_id) == (None, "property")  # the dispatch queue
    assert route(south, "noise", PARENTS, RULES[:1], TEAMS).rule is None


PLUMBING = Post(id="p", team_id="plumbers", name="duty", primary_id="a", backup_id="b")


def test_primary_backup_duty_and_leave() -> None:
    on = Availability(True, [])
    assert assignee(PLUMBING, {"a": on, "b": on}, NOW) == ("a", "primary")
    assert assignee(PLUMBING, {"a": Availability(False, []), "b": on}, NOW) == ("b", "backup")
    away = Leave(start=NOW - timedelta(days=1), end=NOW + timedelta(hours=1))
    assert assignee(PLUMBING, {"a": Availability(True, [away]), "b": on}, NOW) == ("b", "backup")
    # leave ends exclusive: back at its end
    assert assignee(PLUMBING, {"a": Availability(True, [away]), "b": on}, away.end) == (
        "a",
        "primary",
    )
    assert (
        assignee(PLUMBING, {"a": Availability(False, []), "b": Availability(False, [])}, NOW)
        is None
    )
    assert assignee(None, {}, NOW) is None


def test_pick_post() -> None:
    second = Post(id="q", team_id="plumbers", name="second", primary_id="c")
    other = Post(id="a0", team_id="cleaners", name="x")
    assert pick_post("plumbers", None, [second, other, PLUMBING]) == PLUMBING
    assert pick_post("plumbers", "q", [second, PLUMBING]) == second
    assert pick_post("cleaners", "q", [second]) is None


def test_document_problems_and_validation() -> None:
    doc = Directory.model_validate(
        {
            "departments": [{"id": "d", "name": "D", "head_id": "ghost"}],
            "teams": [{"id": "t", "department_id": "d", "name": "T"}],
            "posts": [{"id": "p", "team_id": "t", "name": "P", "primary_id": "nobody"}],
            "responsibilities": [
                {"area_id": "nowhere", "category": "x", "team_id": "t"},
                {"category": "y", "team_id": "t"},
                {"category": "y", "department_id": "d"},
            ],
        }
    )
    problems = doc.problems()
    assert "department d: unknown head ghost" in problems
    assert "post p: unknown primary nobody" in problems
    assert "responsibility nowhere x x: unknown area nowhere" in problems
    assert "responsibility * x y: listed twice" in problems
    # what is stored already resolves references
    stored = Directory.model_validate({"staff": [{"id": "ghost", "name": "G"}]})
    assert "department d: unknown head ghost" not in doc.problems(stored)
    with pytest.raises(ValidationError):
        Responsibility(category="x")
    with pytest.raises(ValidationError):
        Leave(start=NOW, end=NOW)


def test_demo_directory_resolves_and_routes_north_dorm_7() -> None:
    doc = Directory.model_validate(
        yaml.safe_load((ROOT / "deploy/demo/directory.yaml").read_text())
    )
    assert doc.problems() == []
    users = {u["username"] for u in yaml.safe_load((ROOT / "deploy/demo/users.json").read_text())}
    assert {
        "plumber",
        "plumber-backup",
        "plumbing-lead",
        "maintenance-head",
        "supervisor",
        "leader",
    } <= {s.id for s in doc.staff} and users
    parents = {a.id: a.parent_id for a in doc.areas}
    teams = {t.id: t.department_id for t in doc.teams}
    where = loc(campus="north", building="north-dorm-7", floor="3", room="312")
    got = {
        c: route(where, c, parents, doc.responsibilities, teams).team_id
        for c in ("plumbing", "electrical", "cleaning")
    }
    assert got == {"plumbing": "plumbers", "electrical": "electricians", "cleaning": "north-roads"}
    canteen = route(loc(building="north-canteen"), "canteen", parents, doc.responsibilities, teams)
    assert canteen.team_id == "north-canteen-hot"
    post = pick_post("plumbers", "plumbing-duty", doc.posts)
    assert post is not None and (post.primary_id, post.backup_id) == ("plumber", "plumber-backup")
    assert next(t for t in doc.teams if t.id == "plumbers").lead_id == "plumbing-lead"
    assert next(d for d in doc.departments if d.id == "maintenance").head_id == "maintenance-head"
    # every category the demo catalogue publishes has its own rule
    catalog = yaml.safe_load((ROOT / "deploy/demo/catalog.yaml").read_text())
    assert {c["code"] for c in catalog["services"]} <= {r.category for r in doc.responsibilities}
    roles = {s.id: s.roles for s in doc.staff}
    assert "supervisor" in roles["supervisor"] and "leader" in roles["leader"]


def test_place_keys_for_recurring_problems() -> None:
    from tickets.recurring import place_key, problem_id

    assert place_key(loc(campus="north", building="b7", room="312")) == "north/b7//312"
    assert place_key(loc(text="near the gate")) is None
    assert problem_id("plumbing", "north/b7//312") == "plumbing@north/b7//312"


def test_staff_from_csv() -> None:
    from tickets.domain import staff_from_csv

    text = (
        "\ufeffid,name,roles,team_id,department_id,phone,on_duty\n"
        "plumber-3,钱师傅,staff,plumbers,maintenance,13800000009,false\n"
        "lead-2,孙班长,staff;team_lead,plumbers,maintenance,,\n"
    ).removeprefix("\ufeff")
    rows = staff_from_csv(text)
    assert rows[0] == {
        "id": "plumber-3", "name": "钱师傅", "roles": ["staff"], "team_id": "plumbers",
        "department_id": "maintenance", "phone": "13800000009", "on_duty": False,
    }  # fmt: skip
    assert rows[1]["roles"] == ["staff", "team_lead"] and rows[1]["phone"] is None
    assert "on_duty" not in rows[1]
    with pytest.raises(ValueError, match="columns"):
        staff_from_csv("id,salary\nx,1\n")
    with pytest.raises(ValueError, match="on_duty"):
        staff_from_csv("id,name,on_duty\nx,X,maybe\n")
