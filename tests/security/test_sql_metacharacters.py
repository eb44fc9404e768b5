"""SQL metacharacters in every kind of text field (reports, catalogue entries, directory
entries, notification rules, campaigns and work marks): stored and read back verbatim, used as
search and filter values without errors and without LIKE-style over-matching, and nothing else
in the database changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import launcher
import psycopg
import pytest
from security_support import Api, assert_problem, auth, eventually, unique

from houqin_shared.identity import Role

pytestmark = pytest.mark.infra

NASTY = [
    "'; DROP TABLE x; --",
    "' OR '1'='1",
    '"); DELETE FROM reports; --',
    "%",
    "_",
    "%_%",
    "\\",
    "\\\\%",
    "$1",
    "$$ dollar $$ quoted",
    "E'\\x41' || chr(65)",
    'O\'Brien "quoted" `back` ;',
    "100% _done_ \\N ' '' \\'",
    "😀 漏水 ñ é ‮reversed‬ \u200b zero-width",
]
SCHEMAS = ("feedback", "tickets", "scoring", "notify")


@pytest.fixture(scope="module")
def api(platform: launcher.Platform) -> Iterator[Api]:
    client = Api(platform.inst)
    yield client
    client.close()


def tables(inst: launcher.Instance) -> set[str]:
    with psycopg.connect(inst.admin_dsn) as conn:
        rows = conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            " WHERE table_schema = ANY(%s)",
            (list(SCHEMAS),),
        ).fetchall()
    return {r[0] for r in rows}


def test_metacharacters_are_stored_and_read_back_verbatim(api: Api) -> None:
    inst = api.inst
    before = tables(inst)
    assert "feedback.reports" in before and "tickets.tickets" in before
    admin = auth(inst, "sql-admin", Role.admin)
    supervisor = auth(inst, "sql-supervisor", Role.supervisor)
    leader = auth(inst, "sql-leader", Role.leader)
    catalogue = api.ok("GET", "feedback", "/v1/catalog")

    # reports: description, free-text location and contact, read by the reporter and as a ticket
    reporter = auth(inst, unique("sql-reporter"), Role.reporter)
    filed = []
    for value in NASTY:
        location = {"campus": "north", "building": "north-dorm-7", "room": "312", "text": value}
        report = api.file_report(reporter, description=value, location=location, contact=value)
        filed.append((value, report))
    for value, report in filed:
        back = api.ok("GET", "feedback", f"/v1/reports/{report['id']}", reporter)
        assert (back["description"], back["location"]["text"], back["contact"]) == (
            value,
            value,
            value,
        )
    for value, report in filed:
        ticket = api.ticket_of(report["id"])
        assert ticket["description"] == value and ticket["location"]["text"] == value

    # a catalogue entry (withdrawn at once, so the public catalogue does not show it)
    code = unique("sql-svc")
    for value in NASTY:
        entry = {"name": value, "description": value, "standard": value, "fee": value}
        api.ok("PUT", "feedback", f"/v1/catalog/{code}", admin, json={**entry, "active": False})
        back = api.ok("GET", "feedback", f"/v1/catalog/{code}")
        assert [back[k] for k in entry] == [value] * 4

    # directory entries: staff names and contact details (a member with no post routes nothing)
    staff = []
    for i, value in enumerate(NASTY):
        member = {
            "id": f"{code}-{i}",
            "name": value,
            "department_id": "maintenance",
            "team_id": "carpenters",
            "phone": value[:40],
            "email": value,
        }
        staff.append(member)
    api.ok("PUT", "tickets", "/v1/directory", admin, json={"staff": staff})
    directory = {s["id"]: s for s in api.ok("GET", "tickets", "/v1/directory", admin)["staff"]}
    for member in staff:
        back = api.ok("GET", "tickets", f"/v1/directory/staff/{member['id']}", supervisor)
        assert back["name"] == member["name"]
        assert {k: directory[member["id"]][k] for k in member} == member

    # a notification rule's match values (disabled, and removed afterwards)
    # (a rule of its own: the fuzzer before this module may have deleted the seeded ones)
    model = {
        "event_type": "houqin.feedback.ComplaintFiled.v1",
        "audience": "reporter",
        "kind": "receipt",
        "priority": "normal",
        "channels": ["inbox"],
        "template": "receipt",
    }
    made = []
    try:
        for value in NASTY:
            rule = {k: v for k, v in model.items() if k != "id"}
            rule |= {"match": {"category": value}, "enabled": False}
            made.append(api.ok("POST", "notify", "/v1/rules", admin, json=rule))
        stored = {r["id"]: r for r in api.ok("GET", "notify", "/v1/rules", admin)}
        for value, rule in zip(NASTY, made, strict=True):
            assert stored[rule["id"]]["match"] == {"category": value}
    finally:
        for rule in made:
            api.ok("DELETE", "notify", f"/v1/rules/{rule['id']}", admin, expect=(204,))

    # a campaign's name and a work mark's justification
    today = date.today()
    for value in NASTY:
        campaign = api.ok(
            "POST",
            "scoring",
            "/v1/campaigns",
            leader,
            json={
                "name": value,
                "period_start": str(today - timedelta(days=7)),
                "period_end": str(today),
                "departments": ["clinic"],
            },
        )
        cid = campaign["id"]
        assert api.ok("GET", "scoring", f"/v1/campaigns/{cid}", leader)["name"] == value
        api.ok(
            "PUT",
            "scoring",
            f"/v1/campaigns/{cid}/work-marks/team/nurses",
            leader,
            json={"mark": 80, "justification": value},
        )
        [mark] = api.ok("GET", "scoring", f"/v1/campaigns/{cid}/work-marks", leader)
        assert mark["justification"] == value

    # nothing else changed: the same tables, the same public catalogue
    assert tables(inst) == before
    assert api.ok("GET", "feedback", "/v1/catalog") == catalogue


def test_metacharacters_as_search_and_filter_values_match_only_themselves(api: Api) -> None:
    inst = api.inst
    supervisor = auth(inst, "sql-supervisor", Role.supervisor)
    plumber = auth(inst, "plumber", Role.staff, dept="maintenance", team="plumbers")
    reporter = auth(inst, unique("sql-searcher"), Role.reporter)
    report = api.file_report(reporter)  # so there is something a wildcard would over-match
    api.ticket_of(report["id"])
    everything = api.ok(
        "GET", "feedback", "/v1/supervision/reports", supervisor, params={"limit": 5}
    )
    assert everything, "no reports at all: the filters below would prove nothing"

    def nothing(service: str, path: str, who: dict[str, str], **params: str) -> None:
        """No rows for the value, or a typed refusal (a code filter refuses what no code is)."""
        r = api.call("GET", service, path, who, params=params)
        if r.status_code == 422:
            assert_problem(r, 422)
            return
        assert r.status_code == 200, r.text[:500]
        body = r.json()
        if isinstance(body, dict):
            assert (body["items"], body["total"]) == ([], 0)
        else:
            assert body == []

    for value in NASTY:
        nothing("feedback", "/v1/supervision/reports", supervisor, category=value)
        nothing("feedback", "/v1/supervision/reports", supervisor, status=value)
        nothing(
            "feedback",
            "/v1/duplicates",
            reporter,
            category="plumbing",
            building=value,
            room=value,
        )
        nothing("notify", "/v1/messages", supervisor, tracking_no=value)
        nothing("notify", "/v1/deliveries", supervisor, channel=value[:20])
        nothing("tickets", "/v1/queues/team", plumber, category=value, status=value, urgency=value)
        nothing("tickets", "/v1/tickets", supervisor, team_id=value)
        nothing("tickets", "/v1/rectifications", supervisor, department_id=value, status=value)
        # as path values: nothing of that name (and never an error)
        quoted = value.replace("%", "%25").replace("\\", "%5C").replace("'", "%27")
        quoted = quoted.replace('"', "%22").replace(" ", "%20").replace(";", "%3B")
        for service, path, who in [
            ("tickets", f"/v1/directory/staff/{quoted}", supervisor),
            ("notify", f"/v1/preferences/{quoted}", auth(inst, "sql-admin", Role.admin)),
        ]:
            r = api.call("GET", service, path, who)
            if service == "notify":  # preferences of someone never seen are the defaults
                assert r.status_code == 200 and r.json()["person_id"] == value, r.text
            else:
                assert_problem(r, 404)
        for service, path in [
            ("feedback", f"/v1/catalog/{quoted}"),
            ("feedback", f"/v1/reports/by-tracking-no/FK{quoted}"),
        ]:
            assert_problem(api.call("GET", service, path, reporter), 404, 422)
    # the same filters with a real value do find things (the filters are not simply broken)
    category = everything[0]["category"]
    found = api.ok(
        "GET", "feedback", "/v1/supervision/reports", supervisor, params={"category": category}
    )
    assert found and all(r["category"] == category for r in found)

    def queued() -> list[dict[str, Any]] | None:
        page = api.ok("GET", "tickets", "/v1/queues/team", plumber, params={"category": "plumbing"})
        items: list[dict[str, Any]] = page["items"]
        return items or None

    assert all(t["category"] == "plumbing" for t in eventually(queued, "the plumbers' queue"))
