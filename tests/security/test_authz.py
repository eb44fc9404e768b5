"""Authorisation over every route of every service and every role, against the real processes.

`ACCESS` below is the expected-access table, written down from each router's `require_roles`
dependencies and in-handler checks. The matrix test takes the routes from each running
service's /openapi.json (and feedback's mounted Open311 document), so a new route without a
row here fails the test, and so does a row whose route is gone. Each route is called without a
token (401 problem+json unless public) and with a token of each of the nine roles (403
problem+json for the roles not allowed; anything but 401/403 for the allowed ones).

Resource-level rules are tested after the matrix: one department (head, team lead, staff)
reaching into another's tickets, queues, rectifications, scores and reports; one reporter
reading another's report; and unmasking anonymous reporters (supervisors only, audited; the
identity never shows anywhere else, nor in the events and notifications).
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import launcher
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from helpers import run_sync
from security_support import (
    PLUMBING_REPORT,
    PROBLEM_JSON,
    ROLES,
    Api,
    assert_problem,
    auth,
    eventually,
    issuer,
    unique,
)

from houqin_shared.identity import Role
from houqin_shared.kafka import security

pytestmark = pytest.mark.infra

R = Role
ALL = frozenset(Role)
READER = frozenset({R.staff, R.team_lead, R.dept_head, R.supervisor, R.leader, R.admin})
WORKER = frozenset({R.staff, R.team_lead, R.dept_head, R.supervisor})
MANAGER = frozenset({R.team_lead, R.dept_head, R.supervisor, R.admin})
REVIEWER = frozenset({R.team_lead, R.dept_head, R.supervisor, R.leader, R.admin})
FILER = frozenset({R.reporter, R.front_desk, R.service, R.supervisor})
SUPERVISOR = frozenset({R.supervisor})
ADMIN = frozenset({R.admin})
OVERSEER = frozenset({R.supervisor, R.admin})  # notify: supervisors and admins
LEADERSHIP = frozenset({R.leader, R.admin})  # scoring: campaigns, work marks, publishing
SUPERVISION = frozenset({R.leader, R.supervisor, R.admin})  # scoring: recompute, work marks
SEES_ALL = frozenset({R.supervisor, R.leader, R.admin})  # scoring: volume
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Access:
    """Who may call a route. `allowed=None`: public (no token needed). `denied`: the status the
    other roles get (403; 404 where the route hides that the resource exists). `apikey`: an
    Open311 write that only an api_key opens, whatever bearer token comes with it."""

    allowed: frozenset[Role] | None
    denied: int = 403
    apikey: bool = False
    # extra request arguments (json/files/params) and path values, for routes whose role check
    # runs only after the body validated (a bad body would give every role 422)
    probe: Callable[[Fixture], dict[str, Any]] | None = None


PUBLIC = Access(None)
OPS = {("GET", "/healthz"): PUBLIC, ("GET", "/readyz"): PUBLIC, ("GET", "/metrics"): PUBLIC}
DEAD_LETTERS = {  # houqin_shared.dlq_api, mounted by every service: admins only
    ("GET", "/v1/admin/dead-letters"): Access(ADMIN),
    ("GET", "/v1/admin/dead-letters/{partition}/{offset}"): Access(ADMIN),
    ("POST", "/v1/admin/dead-letters/requeue"): Access(ADMIN),
}


@dataclass
class Fixture:
    """Real things some probes need: another reporter's open report."""

    report_id: str = ""
    values: dict[str, str] = field(default_factory=dict)


ACCESS: dict[str, dict[tuple[str, str], Access]] = {
    "feedback": {
        # the workers' view of a report and completion photos: the report's own rules (404)
        ("GET", "/v1/reports/{report_id}/work"): Access(ALL),
        ("POST", "/v1/reports/{report_id}/completion-photos"): Access(ALL),
        **OPS,
        **DEAD_LETTERS,
        ("POST", "/v1/reports"): Access(FILER, probe=lambda f: {"json": PLUMBING_REPORT}),
        ("GET", "/v1/reports"): Access(ALL),
        ("GET", "/v1/reports/by-tracking-no/{tracking_no}"): Access(ALL),
        ("GET", "/v1/reports/{report_id}"): Access(ALL),
        ("GET", "/v1/reports/{report_id}/timeline"): Access(ALL),
        ("POST", "/v1/reports/{report_id}/answers"): Access(ALL),
        ("POST", "/v1/reports/{report_id}/confirmation"): Access(ALL),
        ("POST", "/v1/reports/{report_id}/rating"): Access(ALL),
        ("GET", "/v1/reports/{report_id}/rating"): Access(ALL),
        ("GET", "/v1/duplicates"): Access(ALL),
        # only reporters add their voice; to everyone else the report is not there
        ("POST", "/v1/reports/{report_id}/me-too"): Access(
            frozenset({R.reporter}), denied=404, probe=lambda f: {"report_id": f.report_id}
        ),
        ("POST", "/v1/reports/{report_id}/link"): Access(
            frozenset({R.front_desk, R.team_lead, R.dept_head, R.supervisor})
        ),
        # the client scope houqin.audience.read (notify's), not a role: every role is refused
        ("GET", "/v1/reports/{report_id}/audience"): Access(frozenset()),
        ("POST", "/v1/ballots"): Access(frozenset({R.supervisor, R.leader})),
        ("GET", "/v1/ballots"): Access(ALL),
        ("GET", "/v1/ballots/{ballot_id}"): Access(ALL),
        ("POST", "/v1/ballots/{ballot_id}/votes"): Access(
            frozenset({R.reporter}),
            probe=lambda f: {"json": {"unit_type": "team", "unit_id": "plumbers"}},
        ),
        ("POST", "/v1/surveys"): Access(SUPERVISOR),
        ("POST", "/v1/surveys/{survey_id}/links"): Access(SUPERVISOR),
        ("GET", "/v1/surveys/{survey_id}"): Access(SUPERVISOR),
        ("GET", "/v1/survey-responses/{token}"): PUBLIC,  # the personal link is the credential
        ("POST", "/v1/survey-responses/{token}"): PUBLIC,
        ("POST", "/v1/surveys/{survey_id}/close"): Access(SUPERVISOR),
        ("GET", "/v1/surveys"): Access(SUPERVISOR),
        ("POST", "/v1/ballots/{ballot_id}/close"): Access(frozenset({R.supervisor, R.leader})),
        ("POST", "/v1/reception-days"): Access(frozenset({R.front_desk, R.supervisor, R.leader})),
        ("GET", "/v1/reception-days"): Access(frozenset({R.front_desk, R.supervisor, R.leader})),
        ("GET", "/v1/reception-days/{session_id}"): Access(
            frozenset({R.front_desk, R.supervisor, R.leader})
        ),
        ("POST", "/v1/reception-days/{session_id}/reports"): Access(
            frozenset({R.front_desk, R.supervisor, R.leader})
        ),
        ("POST", "/v1/reports/{report_id}/unmask"): Access(SUPERVISOR),
        ("GET", "/v1/supervision/reports"): Access(SUPERVISOR),
        ("GET", "/v1/audit/unmaskings"): Access(SUPERVISOR),
        ("GET", "/v1/catalog"): PUBLIC,
        ("GET", "/v1/catalog/{code}"): PUBLIC,
        ("PUT", "/v1/catalog/{code}"): Access(ADMIN),
        ("GET", "/v1/board"): PUBLIC,
        ("PUT", "/v1/board/replies/{report_id}"): Access(
            frozenset({R.team_lead, R.dept_head, R.supervisor})
        ),
        ("POST", "/v1/photos"): Access(
            FILER, probe=lambda f: {"files": {"file": ("p.png", PNG, "image/png")}}
        ),
        ("GET", "/v1/photos/{photo_id}"): Access(ALL),
        ("GET", "/v1/photos/{photo_id}/thumbnail"): Access(ALL),
        ("POST", "/v1/track"): PUBLIC,  # a tracking number and its access code, no account
        ("POST", "/v1/reports/{report_id}/photos"): Access(ALL),  # then the report's own rules
    },
    "open311": {  # feedback's Open311 GeoReport v2 app, mounted at /open311: no bearer tokens
        ("GET", "/discovery.{fmt}"): PUBLIC,
        ("GET", "/v2/services.{fmt}"): PUBLIC,
        ("GET", "/v2/services/{code}.{fmt}"): PUBLIC,
        ("POST", "/v2/requests.{fmt}"): Access(
            None,
            apikey=True,
            probe=lambda f: {
                "data": {"service_code": "plumbing", "description": "tap", "lat": 1, "long": 1}
            },
        ),
        ("GET", "/v2/requests.{fmt}"): PUBLIC,
        ("GET", "/v2/requests/{request_id}.{fmt}"): PUBLIC,
        ("GET", "/v2/tokens/{token}.{fmt}"): PUBLIC,
        ("GET", "/v2/media/{photo_id}"): PUBLIC,
    },
    "tickets": {
        ("GET", "/v1/directory/calendar/official"): Access(READER),
        ("GET", "/v1/directory/sheet"): Access(READER),
        ("POST", "/v1/directory/sheet"): Access(ADMIN),
        ("GET", "/v1/inspection-templates"): Access(READER),
        ("GET", "/v1/overdue-board"): Access(REVIEWER),  # a worker without a lead's role: 403
        ("POST", "/v1/tickets/{ticket_id}/chase"): Access(
            frozenset({R.team_lead, R.dept_head, R.supervisor, R.leader})
        ),
        ("GET", "/v1/tickets/{ticket_id}/allowed"): Access(READER),
        ("POST", "/v1/tickets/{ticket_id}/pause-requests"): Access(WORKER),
        ("POST", "/v1/pause-requests/{request_id}/{decision}"): Access(MANAGER),
        ("GET", "/v1/work/team"): Access(READER),
        ("GET", "/v1/work/me"): Access(WORKER),
        ("PUT", "/v1/work/me/on-duty"): Access(WORKER),
        ("POST", "/v1/work/me/leave"): Access(WORKER),
        ("DELETE", "/v1/work/me/leave/{leave_id}"): Access(WORKER),
        **OPS,
        **DEAD_LETTERS,
        ("GET", "/v1/directory"): Access(READER),
        ("POST", "/v1/directory/snapshot"): Access(ADMIN),
        ("GET", "/v1/places"): Access(ALL),  # the place picker of the report form
        ("GET", "/v1/places/{building}"): Access(ALL),
        ("GET", "/v1/units"): Access(ALL),  # names of departments and teams
        # reviewed by leads, heads, supervisors (leaders and admins read); then scoped by unit
        ("GET", "/v1/recurring-problems"): Access(REVIEWER),
        ("POST", "/v1/recurring-problems/acknowledge"): Access(
            REVIEWER, probe=lambda f: {"json": {"problem_id": "x@y", "note": "换水管"}}
        ),
        ("PUT", "/v1/directory"): Access(ADMIN),
        ("GET", "/v1/directory/staff/{staff_id}"): Access(READER),
        ("PUT", "/v1/directory/staff/{staff_id}/on-duty"): Access(MANAGER),
        ("POST", "/v1/directory/staff/{staff_id}/leave"): Access(MANAGER),
        ("DELETE", "/v1/directory/staff/{staff_id}/leave/{leave_id}"): Access(MANAGER),
        ("DELETE", "/v1/directory/posts/{post_id}"): Access(ADMIN),
        ("DELETE", "/v1/directory/teams/{team_id}"): Access(ADMIN),
        ("DELETE", "/v1/directory/departments/{department_id}"): Access(ADMIN),
        ("DELETE", "/v1/directory/responsibilities"): Access(ADMIN),
        ("POST", "/v1/directory/staff/{staff_id}/retire"): Access(ADMIN),
        ("GET", "/v1/directory/calendar"): Access(READER),
        ("PUT", "/v1/directory/calendar"): Access(ADMIN),
        ("GET", "/v1/directory/rules"): Access(READER),
        ("PUT", "/v1/directory/rules"): Access(ADMIN),
        ("GET", "/v1/queues/mine"): Access(READER),
        ("GET", "/v1/queues/team"): Access(READER),
        ("GET", "/v1/queues/mine/version"): Access(READER),
        ("GET", "/v1/queues/team/version"): Access(READER),
        # supervisors and leaders; a department head for their own department only
        ("GET", "/v1/queues/overdue"): Access(
            frozenset({R.supervisor, R.leader, R.dept_head}),
            probe=lambda f: {"params": {"department_id": "maintenance"}},
        ),
        ("GET", "/v1/transfers/incoming"): Access(READER),
        ("GET", "/v1/tickets"): Access(READER),
        ("POST", "/v1/rectifications"): Access(frozenset({R.supervisor, R.leader, R.dept_head})),
        ("GET", "/v1/rectifications"): Access(READER),
        ("GET", "/v1/rectifications/{item_id}"): Access(READER),
        ("POST", "/v1/rectifications/{item_id}/notes"): Access(WORKER),
        ("POST", "/v1/rectifications/{item_id}/acceptance"): Access(SUPERVISOR),
        ("POST", "/v1/inspections"): Access(SUPERVISOR),
        ("GET", "/v1/inspections"): Access(READER),
        ("GET", "/v1/inspections/{inspection_id}"): Access(READER),
        ("POST", "/v1/incidents"): Access(SUPERVISOR),
        ("GET", "/v1/incidents"): Access(READER),
        ("POST", "/v1/incidents/{incident_id}/appeal"): Access(
            frozenset({R.staff, R.team_lead, R.dept_head})
        ),
        ("POST", "/v1/incidents/{incident_id}/overturn"): Access(
            frozenset({R.supervisor, R.leader})
        ),
        ("POST", "/v1/incidents/{incident_id}/uphold"): Access(frozenset({R.supervisor, R.leader})),
        ("GET", "/v1/tickets/by-report/{report_id}"): Access(READER),
        ("GET", "/v1/tickets/{ticket_id}"): Access(READER),
        ("GET", "/v1/tickets/{ticket_id}/actions"): Access(READER),
        ("POST", "/v1/tickets/{ticket_id}/assign"): Access(MANAGER),
        ("POST", "/v1/tickets/{ticket_id}/transfers"): Access(WORKER),
        ("GET", "/v1/tickets/{ticket_id}/transfers"): Access(READER),
        ("POST", "/v1/transfers/{transfer_id}/{decision}"): Access(MANAGER),
        ("POST", "/v1/tickets/{ticket_id}/{move}"): Access(WORKER),
        ("POST", "/v1/tickets/{ticket_id}/accept-reason"): Access(WORKER),
    },
    "scoring": {
        ("GET", "/v1/campaigns/{campaign_id}/trends"): Access(ALL),
        ("GET", "/v1/published"): Access(ALL),
        **OPS,
        **DEAD_LETTERS,
        ("GET", "/v1/volume"): Access(SEES_ALL),
        ("GET", "/v1/campaigns"): Access(ALL),
        ("POST", "/v1/campaigns"): Access(LEADERSHIP),
        ("GET", "/v1/campaigns/{campaign_id}"): Access(ALL),
        ("PUT", "/v1/campaigns/{campaign_id}"): Access(LEADERSHIP),
        ("GET", "/v1/campaigns/{campaign_id}/work-marks"): Access(SUPERVISION),
        ("PUT", "/v1/campaigns/{campaign_id}/work-marks/{unit_type}/{unit_id}"): Access(LEADERSHIP),
        ("DELETE", "/v1/campaigns/{campaign_id}/work-marks/{unit_type}/{unit_id}"): Access(
            LEADERSHIP
        ),
        ("POST", "/v1/campaigns/{campaign_id}/recompute"): Access(SUPERVISION),
        ("POST", "/v1/campaigns/{campaign_id}/publish"): Access(LEADERSHIP),
        # the rest filter the units to those the caller may see (tested below)
        ("GET", "/v1/campaigns/{campaign_id}/rankings"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/scores/{unit_type}/{unit_id}"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/scores/{unit_type}/{unit_id}/explanation"): Access(
            ALL
        ),
        ("GET", "/v1/campaigns/{campaign_id}/scores/{unit_type}/{unit_id}/facts/{component}"): (
            Access(ALL)
        ),
        ("GET", "/v1/campaigns/{campaign_id}/awards"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/report.csv"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/report.xlsx"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/report.png"): Access(ALL),
        # awards (issue 18): nominations are the caller's department's or team's, else 404 or
        # 403 award-unit-forbidden (tests/integration/scoring/test_scoring_awards_seed002.py)
        ("GET", "/v1/award-templates/{name}"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/award-setup"): Access(ALL),
        ("PUT", "/v1/campaigns/{campaign_id}/award-setup"): Access(LEADERSHIP),
        ("POST", "/v1/campaigns/{campaign_id}/nominations"): Access(
            frozenset({R.dept_head, R.leader, R.admin})
        ),
        ("GET", "/v1/campaigns/{campaign_id}/nominations"): Access(REVIEWER),
        ("GET", "/v1/nominations/{nomination_id}"): Access(REVIEWER),
        ("POST", "/v1/nominations/{nomination_id}/signoffs"): Access(REVIEWER),
        ("POST", "/v1/nominations/{nomination_id}/resubmit"): Access(
            frozenset({R.dept_head, R.leader, R.admin})
        ),
        ("POST", "/v1/campaigns/{campaign_id}/awards/decision"): Access(LEADERSHIP),
        ("GET", "/v1/campaigns/{campaign_id}/awards/publicity"): Access(ALL),
        ("POST", "/v1/campaigns/{campaign_id}/awards/objections"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/awards/objections"): Access(SUPERVISION),
        ("POST", "/v1/campaigns/{campaign_id}/awards/objections/{objection_id}/answer"): Access(
            OVERSEER
        ),
        ("POST", "/v1/campaigns/{campaign_id}/awards/final"): Access(LEADERSHIP),
        ("GET", "/v1/campaigns/{campaign_id}/awards/{award_id}/certificate.pdf"): Access(ALL),
        ("GET", "/v1/campaigns/{campaign_id}/awards/prizes.xlsx"): Access(SUPERVISION),
        ("GET", "/v1/nominations/{nomination_id}/form.pdf"): Access(REVIEWER),
    },
    "notify": {
        **OPS,
        **DEAD_LETTERS,
        ("GET", "/v1/inbox"): Access(ALL),
        ("GET", "/v1/inbox/unread-count"): Access(ALL),
        ("POST", "/v1/inbox/read"): Access(ALL),
        ("GET", "/v1/messages"): Access(OVERSEER),
        ("GET", "/v1/deliveries"): Access(OVERSEER),
        ("GET", "/v1/deliveries/{message_id}"): Access(OVERSEER),
        ("POST", "/v1/deliveries/{message_id}/resend"): Access(ADMIN),
        ("GET", "/v1/rules"): Access(OVERSEER),
        ("POST", "/v1/rules"): Access(ADMIN),
        ("PUT", "/v1/rules/{rule_id}"): Access(ADMIN),
        ("DELETE", "/v1/rules/{rule_id}"): Access(ADMIN),
        ("GET", "/v1/templates"): Access(OVERSEER),
        ("PUT", "/v1/templates/{name}/{lang}"): Access(ADMIN),
        ("DELETE", "/v1/templates/{name}/{lang}"): Access(ADMIN),
        ("POST", "/v1/templates/preview"): Access(OVERSEER),
        ("GET", "/v1/channels"): Access(ADMIN),
        ("PUT", "/v1/channels/{name}"): Access(ADMIN),
        ("GET", "/v1/preferences/me"): Access(ALL),
        ("PUT", "/v1/preferences/me"): Access(ALL),
        ("GET", "/v1/preferences/{person_id}"): Access(ADMIN),
        ("PUT", "/v1/preferences/{person_id}"): Access(ADMIN),
    },
}

# Path values that name nothing that exists (a real id comes from a probe where one is needed).
# Destructive routes (DELETE a rule or template, PUT the calendar) are reached only with these
# and with a body that cannot validate, so an allowed caller changes nothing.
PATH_VALUES: dict[str, str] = {
    "fmt": "json",
    "decision": "accept",
    "move": "accept",
    "unit_type": "team",
    "unit_id": "no-such-unit",
    "lang": "zh-CN",
    "tracking_no": "FK20000101-0001",
    "code": "no-such-service",
    "staff_id": "no-such-staff",
    "person_id": "no-such-person",
    "name": "no-such-template",
    "token": "no-such-token-" + "x" * 20,
    "request_id": "00000000-0000-0000-0000-000000000001",
    "message_id": "999999999",
    "rule_id": "999999999",
    "leave_id": "999999999",
    "partition": "0",
    "offset": "999999999",
}
INVALID_BODY: list[Any] = []  # a JSON array: no route takes one, so it never validates


def mount_prefix(service: str) -> str:
    return "/open311" if service == "open311" else ""


def base_url(inst: launcher.Instance, service: str) -> str:
    return inst.url("feedback" if service == "open311" else service) + mount_prefix(service)


def operations(inst: launcher.Instance, service: str) -> dict[tuple[str, str], dict[str, Any]]:
    doc = httpx.get(base_url(inst, service) + "/openapi.json", timeout=30).json()
    return {
        (method.upper(), path): op
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def request_for(
    route: tuple[str, str], op: dict[str, Any], access: Access, fx: Fixture
) -> tuple[str, dict[str, Any]]:
    """The path (placeholders filled) and httpx arguments for one call of the route."""
    extra = dict(access.probe(fx)) if access.probe else {}
    path = route[1]
    for param in op.get("parameters", []):
        if param["in"] != "path":
            continue
        name = param["name"]
        if name in extra:
            value = extra.pop(name)
        elif name in PATH_VALUES:
            value = PATH_VALUES[name]
        else:
            value = str(uuid.uuid4())
        path = path.replace("{" + name + "}", value)
    if "requestBody" in op and not {"json", "files", "data"} & extra.keys():
        extra["json"] = INVALID_BODY
    return path, extra


def callers(inst: launcher.Instance) -> Iterator[tuple[Role | None, dict[str, str]]]:
    yield None, {}
    for role in ROLES:
        # staff, leads and heads belong to maintenance (the plumbers); the others to no unit
        unit = (
            {"dept": "maintenance", "team": "plumbers"}
            if role in (R.staff, R.team_lead, R.dept_head)
            else {}
        )
        yield role, auth(inst, f"authz-{role}", role, **unit)


def check(
    role: Role | None, access: Access, r: httpx.Response, what: str, failures: list[str]
) -> None:
    def fail(expected: str) -> None:
        failures.append(f"{what} as {role or 'no token'}: {expected}, got {r.status_code}")

    if access.apikey:  # Open311 writes: an api_key, never a bearer token
        if r.status_code != 403:
            fail("403 (no api_key)")
        return
    problem = r.headers.get("content-type", "").startswith(PROBLEM_JSON)
    if role is None:
        if access.allowed is None:
            if r.status_code in (401, 403):
                fail("a public answer")
        elif r.status_code != 401 or not problem:
            fail("401 problem+json")
        return
    if access.allowed is None or role in access.allowed:
        if r.status_code in (401, 403) or r.status_code >= 500:
            fail("not 401/403/5xx (the role is allowed)")
    elif r.status_code != access.denied or not problem:
        fail(f"{access.denied} problem+json (the role is not allowed)")


@pytest.fixture(scope="module")
def api(platform: launcher.Platform) -> Iterator[Api]:
    client = Api(platform.inst)
    yield client
    client.close()


@pytest.fixture(scope="module")
def fixture_data(api: Api) -> Fixture:
    other = auth(api.inst, unique("authz-other-reporter"), R.reporter)
    return Fixture(report_id=api.file_report(other)["id"])


@pytest.mark.parametrize("service", [*launcher.SERVICES, "open311"])
def test_every_route_answers_every_role_as_the_table_says(
    api: Api, fixture_data: Fixture, service: str
) -> None:
    inst = api.inst
    ops = operations(inst, service)
    table = ACCESS[service]
    assert sorted(set(ops) - set(table)) == [], "routes with no row in ACCESS: add them"
    assert sorted(set(table) - set(ops)) == [], "rows in ACCESS for routes that are gone"
    failures: list[str] = []
    checked = 0
    for route, op in sorted(ops.items()):
        access = table[route]
        path, kwargs = request_for(route, op, access, fixture_data)
        what = f"{route[0]} {mount_prefix(service)}{route[1]}"
        for role, headers in callers(inst):
            r = api.http.request(
                route[0], base_url(inst, service) + path, headers=headers, **kwargs
            )
            check(role, access, r, what, failures)
            checked += 1
    assert checked == len(ops) * (len(ROLES) + 1)
    assert failures == [], f"{len(failures)} of {checked} calls:\n" + "\n".join(failures)


def test_the_table_denies_something_on_every_service() -> None:
    """A guard on the table itself: no service is left all-public or all-allowed by mistake."""
    for service, table in ACCESS.items():
        if service == "open311":
            continue
        gated = [a for a in table.values() if a.allowed is not None and a.allowed != ALL]
        assert len(gated) >= 5, service


# --- one department reaching into another's data ----------------------------------------------

CATERING = {"dept": "catering", "team": "north-canteen-hot"}


def catering_people(inst: launcher.Instance) -> dict[str, dict[str, str]]:
    return {
        "catering head": auth(inst, "catering-head", R.dept_head, dept="catering"),
        "catering lead": auth(inst, "catering-lead", R.staff, R.team_lead, **CATERING),
        "catering staff": auth(inst, "catering-cook", R.staff, **CATERING),
    }


def test_another_department_cannot_act_on_or_read_maintenance_work(api: Api) -> None:
    inst = api.inst
    student = auth(inst, unique("authz-student"), R.reporter)
    report = api.file_report(student)
    ticket = api.ticket_of(report["id"])
    assert ticket["department_id"] == "maintenance" and ticket["team_id"] == "plumbers"
    supervisor = auth(inst, "authz-supervisor", R.supervisor)
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    item = api.ok(
        "POST",
        "tickets",
        "/v1/rectifications",
        supervisor,
        json={"problem": "漏水 again", "department_id": "maintenance", "deadline": deadline},
    )
    tid, t = ticket["id"], "tickets"
    leave = {"start": deadline, "end": (datetime.now(UTC) + timedelta(days=8)).isoformat()}
    refused: list[str] = []
    for who, headers in catering_people(inst).items():
        attempts: list[tuple[str, str, str, dict[str, Any]]] = [
            # acting on the ticket
            ("POST", t, f"/v1/tickets/{tid}/accept", {}),
            ("POST", t, f"/v1/tickets/{tid}/pause", {"json": {"pause_reason": "waiting_parts"}}),
            ("POST", t, f"/v1/tickets/{tid}/resolve", {"json": {"note": "done"}}),
            ("POST", t, f"/v1/tickets/{tid}/cannot-handle", {"json": {"note": "no"}}),
            ("POST", t, f"/v1/tickets/{tid}/assign", {"json": {"assignee_id": "north-cleaner"}}),
            (
                "POST",
                t,
                f"/v1/tickets/{tid}/transfers",
                {"json": {"to_team_id": "north-canteen-hot", "reason": "mine now"}},
            ),
            # the other department's people and rectifications
            ("PUT", t, "/v1/directory/staff/plumber/on-duty", {"json": {"on_duty": False}}),
            ("POST", t, "/v1/directory/staff/plumber/leave", {"json": leave}),
            ("POST", t, f"/v1/rectifications/{item['id']}/notes", {"json": {"note": "x"}}),
            (
                "POST",
                t,
                "/v1/rectifications",
                {"json": {"problem": "p", "department_id": "maintenance", "deadline": deadline}},
            ),
            # its queues
            ("GET", t, "/v1/queues/overdue", {"params": {"department_id": "maintenance"}}),
            # the reporter's report
            ("GET", "feedback", f"/v1/reports/{report['id']}", {}),
            ("GET", "feedback", f"/v1/reports/by-tracking-no/{report['tracking_no']}", {}),
            ("GET", "feedback", f"/v1/reports/{report['id']}/timeline", {}),
        ]
        attempts += [
            # another department's team queue and incoming transfers (a head: own teams only)
            ("GET", t, "/v1/queues/team", {"params": {"team_id": "plumbers"}}),
            ("GET", t, "/v1/queues/team/version", {"params": {"team_id": "plumbers"}}),
            ("GET", t, "/v1/transfers/incoming", {"params": {"team_id": "plumbers"}}),
            # reading the ticket, its audit trail and transfers, and the team's ticket list
            ("GET", t, f"/v1/tickets/{tid}", {}),
            ("GET", t, f"/v1/tickets/{tid}/actions", {}),
            ("GET", t, f"/v1/tickets/{tid}/transfers", {}),
            ("GET", t, f"/v1/tickets/by-report/{report['id']}", {}),
            ("GET", t, "/v1/tickets", {"params": {"team_id": "plumbers"}}),
            # maintenance's rectification items
            ("GET", t, "/v1/rectifications", {"params": {"department_id": "maintenance"}}),
            ("GET", t, f"/v1/rectifications/{item['id']}", {}),
        ]
        for method, service, path, kwargs in attempts:
            r = api.call(method, service, path, headers, **kwargs)
            if r.status_code not in (403, 404):
                refused.append(f"{who}: {method} {path} -> {r.status_code} {r.text[:200]}")
            else:
                assert_problem(r, 403, 404)
    assert refused == [], "\n".join(refused)
    after = api.ok("GET", "tickets", f"/v1/tickets/{tid}", supervisor)
    assert (after["status"], after["assignee_id"], after["team_id"], after["transfer_count"]) == (
        ticket["status"],
        ticket["assignee_id"],
        "plumbers",
        0,
    )
    plumber = api.ok("GET", "tickets", "/v1/directory/staff/plumber", supervisor)
    assert plumber["on_duty"] is True
    assert not [
        leave_row for leave_row in plumber["leave"] if leave_row["start"].startswith(deadline[:10])
    ]
    notes = api.ok("GET", "tickets", f"/v1/rectifications/{item['id']}", supervisor)["notes"]
    assert notes == []


def test_scores_of_another_department_are_not_shown(api: Api) -> None:
    inst = api.inst
    leader = auth(inst, "authz-leader", R.leader)
    today = date.today()
    campaign = api.ok(
        "POST",
        "scoring",
        "/v1/campaigns",
        leader,
        json={
            "name": unique("authz campaign"),
            "period_start": str(today - timedelta(days=30)),
            "period_end": str(today + timedelta(days=1)),
            "departments": ["maintenance", "catering"],
        },
    )
    cid = campaign["id"]
    api.ok("POST", "scoring", f"/v1/campaigns/{cid}/recompute", leader)

    def ranked() -> list[dict[str, Any]] | None:
        rows = api.ok("GET", "scoring", f"/v1/campaigns/{cid}/rankings", leader)
        units = {(r["unit_type"], r["unit_id"]) for r in rows}
        wanted = {("department", "maintenance"), ("department", "catering")}
        return rows if wanted <= units and ("team", "plumbers") in units else None

    everything = eventually(ranked, "scores of both departments")
    assert {r["department_id"] for r in everything} >= {"maintenance", "catering"}
    for who, headers in catering_people(inst).items():
        rows = api.ok("GET", "scoring", f"/v1/campaigns/{cid}/rankings", headers)
        assert all(r["department_id"] != "maintenance" for r in rows), (who, rows)
        for unit in (("department", "maintenance"), ("team", "plumbers"), ("staff", "plumber")):
            for suffix in ("", "/explanation", "/facts/tickets"):
                path = f"/v1/campaigns/{cid}/scores/{unit[0]}/{unit[1]}{suffix}"
                r = api.call("GET", "scoring", path, headers)
                assert_problem(r, 403, 404)
        csv = api.call("GET", "scoring", f"/v1/campaigns/{cid}/report.csv", headers)
        assert csv.status_code == 200, csv.text
        assert "plumbers" not in csv.text and "maintenance" not in csv.text, (who, csv.text)
        awards = api.ok("GET", "scoring", f"/v1/campaigns/{cid}/awards", headers)
        assert all(a.get("department_id") != "maintenance" for a in awards), awards
    # and the maintenance head sees their own department (the filter is not "nothing")
    head = auth(inst, "maintenance-head", R.dept_head, dept="maintenance")
    own = api.ok("GET", "scoring", f"/v1/campaigns/{cid}/rankings", head)
    assert {r["department_id"] for r in own} == {"maintenance"}


def test_award_nominations_of_another_department_are_refused(api: Api) -> None:
    """Issue 18: a department head nominates only their own department's units, and another
    department's people can neither read nor sign nor print its forms."""
    inst = api.inst
    leader = auth(inst, "authz-leader", R.leader)
    today = date.today()
    body = {"name": unique("authz awards"), "period_start": str(today - timedelta(days=30)),
            "period_end": str(today + timedelta(days=1)), "departments": ["maintenance", "catering"],
            "rules": {"min_samples": {"satisfaction": 0, "inspections": 0, "tickets": 0}}}  # fmt: skip
    cid = api.ok("POST", "scoring", "/v1/campaigns", leader, json=body)["id"]
    api.ok("POST", "scoring", f"/v1/campaigns/{cid}/recompute", leader)
    setup = api.ok("GET", "scoring", "/v1/award-templates/seed002", leader)
    api.ok("PUT", "scoring", f"/v1/campaigns/{cid}/award-setup", leader, json=setup)
    plumber = {
        "kind": "individual",
        "unit_type": "staff",
        "unit_id": "plumber",
        "deeds": "维修及时",
    }
    path = f"/v1/campaigns/{cid}/nominations"
    r = api.call("POST", "scoring", path, catering_people(inst)["catering head"], json=plumber)
    assert_problem(r, 403)
    assert r.json()["type"].endswith("/award-unit-forbidden")
    head = auth(inst, "maintenance-head", R.dept_head, dept="maintenance")
    nid = api.ok("POST", "scoring", path, head, json=plumber)["id"]
    for who, headers in catering_people(inst).items():
        for method, suffix, sent in (("GET", "", None), ("GET", "/form.pdf", None),
                                     ("POST", "/signoffs", {"step": "team_lead", "decision": "approve"}),
                                     ("POST", "/resubmit", {"deeds": "改"})):  # fmt: skip
            r = api.call(method, "scoring", f"/v1/nominations/{nid}{suffix}", headers, json=sent)
            assert_problem(r, 403, 404)
        listed = api.call("GET", "scoring", path, headers)
        assert listed.status_code == 403 or listed.json() == [], (who, listed.text)


def test_a_reporter_cannot_see_another_reporters_report(api: Api) -> None:
    inst = api.inst
    alice = auth(inst, unique("authz-alice"), R.reporter)
    bob = auth(inst, unique("authz-bob"), R.reporter)
    report = api.file_report(alice, contact="alice-13900000000")
    rid = report["id"]
    for method, path, kwargs in [
        ("GET", f"/v1/reports/{rid}", {}),
        ("GET", f"/v1/reports/by-tracking-no/{report['tracking_no']}", {}),
        ("GET", f"/v1/reports/{rid}/timeline", {}),
        ("GET", f"/v1/reports/{rid}/rating", {}),
        ("POST", f"/v1/reports/{rid}/confirmation", {"json": {"fixed": True}}),
        (
            "POST",
            f"/v1/reports/{rid}/rating",
            {"json": {"quality": 5, "timeliness": 5, "attitude": 5}},
        ),
        ("POST", f"/v1/reports/{rid}/answers", {"json": {"text": "I disagree"}}),
        ("POST", f"/v1/reports/{rid}/photos", {"files": {"file": ("p.png", PNG, "image/png")}}),
    ]:
        r = api.call(method, "feedback", path, bob, **kwargs)
        assert_problem(r, 404)
        assert "alice" not in r.text
    mine = api.ok("GET", "feedback", "/v1/reports", bob)
    assert rid not in {m["id"] for m in mine}
    # Alice still reads it, with her contact; nothing was added to it
    own = api.ok("GET", "feedback", f"/v1/reports/{rid}", alice)
    assert own["contact"] == "alice-13900000000" and own["photo_ids"] == []
    timeline = api.ok("GET", "feedback", f"/v1/reports/{rid}/timeline", alice)
    assert all(not e["by_reporter"] for e in timeline)


# --- object-level reads: the owner reads, a peer is refused, an anonymous one stays so ----------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


_PIXELS = _chunk(b"IHDR", b"\x00" * 13) + _chunk(b"IDAT", b"pixels")
CLEAN_PNG = b"\x89PNG\r\n\x1a\n" + _PIXELS + _chunk(b"IEND", b"")
GPS_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _PIXELS
    + _chunk(b"tEXt", b"GPS\x0030.51N 114.35E")
    + _chunk(b"IEND", b"")
)


def _with_photo(api: Api, headers: dict[str, str], **overrides: Any) -> tuple[dict[str, Any], str]:
    up = api.ok(
        "POST", "feedback", "/v1/photos", headers, files={"file": ("p.png", GPS_PNG, "image/png")}
    )
    return api.file_report(headers, photo_ids=[up["id"]], **overrides), str(up["id"])


def test_reports_and_photos_object_by_object(api: Api) -> None:
    """Issue 14: for a report, its timeline and its photo, three callers against real rows."""
    inst = api.inst
    owner_id = unique("obj-owner")
    owner = auth(inst, owner_id, R.reporter)
    report, photo = _with_photo(api, owner, contact="owner-13900000001")
    rid, f = report["id"], "feedback"
    # the owner reads it all, and only they (and the assigned staff) fetch the original photo
    assert api.ok("GET", f, f"/v1/reports/{rid}", owner)["contact"] == "owner-13900000001"
    assert api.call("GET", f, f"/v1/photos/{photo}", owner).content == CLEAN_PNG
    original = api.call("GET", f, f"/v1/photos/{photo}", owner, params={"original": "true"})
    assert original.content == GPS_PNG
    # a peer student, and staff of another department, are refused
    peer = auth(inst, unique("obj-peer"), R.reporter)
    cook = auth(inst, "catering-cook", R.staff, **CATERING)
    for who in (peer, cook):
        for path in (
            f"/v1/reports/{rid}",
            f"/v1/reports/{rid}/timeline",
            f"/v1/photos/{photo}",
            f"/v1/photos/{photo}/thumbnail",
        ):
            r = api.call("GET", f, path, who)
            assert_problem(r, 404)
            assert owner_id not in r.text
    # a peer who says "me too" follows the progress, never the text, photos or identity
    api.ok("POST", f, f"/v1/reports/{rid}/me-too", peer)
    seen = api.ok("GET", f, f"/v1/reports/{rid}", peer)
    assert seen["view"] == "supporter" and seen["description"] == "" and seen["photo_ids"] == []
    assert seen["location"]["room"] is None and seen["contact"] is None
    assert seen["reporter_id"] is None and owner_id not in json.dumps(seen)
    assert_problem(api.call("GET", f, f"/v1/photos/{photo}", peer), 404)
    # supervisors see the photo without its metadata; the original is the assignee's
    supervisor = auth(inst, "authz-supervisor", R.supervisor)
    assert api.call("GET", f, f"/v1/photos/{photo}", supervisor).content == CLEAN_PNG
    r = api.call("GET", f, f"/v1/photos/{photo}", supervisor, params={"original": "true"})
    assert_problem(r, 403)

    def assigned() -> str | None:
        ticket = api.ticket_of(rid)
        return str(ticket["assignee_id"]) if ticket.get("assignee_id") else None

    assignee_id = eventually(assigned, "the ticket's assignee")
    assignee = auth(inst, assignee_id, R.staff, dept="maintenance", team="plumbers")

    def fetched() -> bytes | None:
        r = api.call("GET", f, f"/v1/photos/{photo}", assignee, params={"original": "true"})
        return r.content if r.status_code == 200 else None

    assert eventually(fetched, "the assignee's original photo") == GPS_PNG


def test_an_anonymous_report_is_never_public_and_never_named(api: Api) -> None:
    inst = api.inst
    subject = unique("obj-anon")
    anon = auth(inst, subject, R.reporter)
    report, photo = _with_photo(api, anon, anonymous=True, contact="anon-13900000002")
    rid, f = report["id"], "feedback"
    supervisor = auth(inst, "authz-supervisor", R.supervisor)
    shown = api.ok("GET", f, f"/v1/reports/{rid}", supervisor)
    assert shown["reporter_id"] is None and shown["contact"] is None
    assert api.call("GET", f, f"/v1/photos/{photo}", supervisor).content == CLEAN_PNG

    # the public feed and its photos never show it (no token needed; listings are rate-limited
    # per address, so a 429 is waited out)
    def public(path: str, **kwargs: Any) -> httpx.Response:
        def asked() -> httpx.Response | None:
            r = api.call("GET", f, path, **kwargs)
            return None if r.status_code == 429 else r

        answer: httpx.Response = eventually(asked, f"GET {path} (rate-limited)")
        return answer

    number = report["tracking_no"]
    by_id = public("/open311/v2/requests.json", params={"service_request_id": number})
    assert by_id.status_code == 200 and by_id.json() == []
    assert public(f"/open311/v2/requests/{number}.json").status_code == 404
    assert public(f"/open311/v2/media/{photo}").status_code == 404
    listing = public("/open311/v2/requests.json")
    assert listing.status_code == 200 and number not in listing.text
    assert "13900000002" not in listing.text and "north-dorm-7 312" not in listing.text
    # the audience: the IoT account (role service) is refused; notify's client scope reads it,
    # and the read is in the audit
    iot = auth(inst, "campus-iot", R.service)
    r = api.call("GET", f, f"/v1/reports/{rid}/audience", iot)
    assert_problem(r, 403)
    assert subject not in r.text
    notify = {
        "Authorization": "Bearer "
        + issuer(inst).issue("notify", ["service"], scope="houqin.audience.read")
    }
    assert subject in api.ok("GET", f, f"/v1/reports/{rid}/audience", notify)["user_ids"]
    audit = api.ok("GET", f, "/v1/audit/unmaskings", supervisor, params={"report_id": rid})
    assert audit and {(e["kind"], e["supervisor_id"]) for e in audit} == {("audience", "notify")}
    # the delivery log is for operators, and names the reporter only as "reporter"
    assert_problem(api.call("GET", "notify", "/v1/deliveries", anon), 403)

    def told() -> list[dict[str, Any]] | None:
        rows: list[dict[str, Any]] = api.ok(
            "GET",
            "notify",
            "/v1/messages",
            supervisor,
            params={"tracking_no": report["tracking_no"]},
        )
        return rows or None

    messages = eventually(told, "notifications about the anonymous report")
    assert subject not in json.dumps(messages, ensure_ascii=False)


# --- unmasking anonymous reporters ------------------------------------------------------------


async def _events_about(bootstrap: str, topic: str, needle: str, back: int = 3000) -> list[str]:
    """The latest records of `topic` whose value mentions `needle` (as text)."""
    consumer = AIOKafkaConsumer(**security(), bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[str] = []
    try:
        cluster = await consumer._client.fetch_all_metadata()
        tps = [TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or [])]
        assert tps, f"no partitions of {topic}"
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(0, ends[tp] - back))
        done = False
        while not done:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for rec in records:
                    text = (rec.value or b"").decode("utf-8", "replace")
                    text += json.dumps([(k, v.decode("latin-1")) for k, v in rec.headers])
                    if needle in text:
                        found.append(text)
            positions = {tp: await consumer.position(tp) for tp in tps}
            done = all(positions[tp] >= ends[tp] for tp in tps)
    finally:
        await consumer.stop()
    return found


def test_only_supervisors_unmask_anonymous_reporters_and_it_is_audited(api: Api) -> None:
    inst = api.inst
    subject = unique("anon-reporter")
    contact = unique("anon-contact")
    reporter = auth(inst, subject, R.reporter)
    report = api.file_report(reporter, anonymous=True, contact=contact)
    rid = report["id"]
    supervisor = auth(inst, "authz-supervisor", R.supervisor)
    audit_path = "/v1/audit/unmaskings"

    def audit() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = api.ok(
            "GET", "feedback", audit_path, supervisor, params={"report_id": rid}
        )
        # notify's audience reads (to deliver the report's messages) are audited too, as kind
        # "audience"; this test is about supervisors' unmaskings
        assert all(r["kind"] in ("unmask", "audience") for r in rows)
        return [r for r in rows if r["kind"] == "unmask"]

    reason = {"reason": "threatening message to staff; police request 2026-001"}
    for role in ROLES:
        if role == R.supervisor:
            continue
        r = api.call(
            "POST", "feedback", f"/v1/reports/{rid}/unmask", auth(inst, "x", role), json=reason
        )
        assert_problem(r, 403)
        assert subject not in r.text and contact not in r.text
    assert_problem(api.call("POST", "feedback", f"/v1/reports/{rid}/unmask", json=reason), 401)
    # a reason is required (and a real one)
    for bad in ({}, {"reason": "because"}):
        r = api.call("POST", "feedback", f"/v1/reports/{rid}/unmask", supervisor, json=bad)
        assert_problem(r, 422)
    assert audit() == []
    # a report that is not anonymous has nothing to unmask
    named = api.file_report(auth(inst, unique("named"), R.reporter))
    r = api.call("POST", "feedback", f"/v1/reports/{named['id']}/unmask", supervisor, json=reason)
    assert_problem(r, 409)

    r = api.call("POST", "feedback", f"/v1/reports/{rid}/unmask", supervisor, json=reason)
    assert r.status_code == 200, r.text
    unmasked = r.json()
    assert (unmasked["reporter_id"], unmasked["contact"]) == (subject, contact)
    [entry] = audit()
    assert entry["id"] == unmasked["audit_id"]
    assert (entry["supervisor_id"], entry["reason"]) == ("authz-supervisor", reason["reason"])
    for role in ROLES:  # and only supervisors read the audit
        if role != R.supervisor:
            assert_problem(api.call("GET", "feedback", audit_path, auth(inst, "x", role)), 403)

    # Everywhere else the identity stays hidden, even after the unmasking.
    ticket = api.ticket_of(rid)
    plumber = auth(inst, "plumber", R.staff, dept="maintenance", team="plumbers")
    views = [
        api.call("GET", "feedback", f"/v1/reports/{rid}", h)
        for h in (supervisor, auth(inst, "x", R.front_desk), auth(inst, "x", R.admin))
    ]
    views += [
        api.call("GET", "feedback", "/v1/supervision/reports", supervisor, params={"limit": 500}),
        api.call("GET", "tickets", f"/v1/tickets/{ticket['id']}", plumber),
        api.call("GET", "tickets", f"/v1/tickets/{ticket['id']}/actions", plumber),
        api.call("GET", "tickets", "/v1/queues/mine", plumber, params={"limit": 200}),
        api.call("GET", "tickets", "/v1/queues/team", plumber, params={"limit": 200}),
    ]
    for view in views:
        assert view.status_code == 200, view.text
        assert subject not in view.text and contact not in view.text, view.request.url
    shown = views[0].json()
    assert shown["anonymous"] is True and shown["reporter_id"] is None and shown["contact"] is None
    # the reporter still follows it as their own (and hears about it through notify)
    assert api.ok("GET", "feedback", f"/v1/reports/{rid}", reporter)["reporter_id"] == subject

    def told() -> list[dict[str, Any]] | None:
        rows: list[dict[str, Any]] = api.ok(
            "GET",
            "notify",
            "/v1/messages",
            supervisor,
            params={"tracking_no": ticket["tracking_no"]},
        )
        kinds = {m["event_type"] for m in rows}
        return rows if "houqin.tickets.TicketAssigned.v1" in kinds else None

    messages = eventually(told, "notifications about the anonymous report")
    text = json.dumps(messages, ensure_ascii=False)
    assert subject not in text and contact not in text, text
    for topic in ("houqin.feedback.events", "houqin.tickets.events"):
        records = run_sync(_events_about(inst.kafka, topic, rid))
        assert records, topic
        leaked = [rec for rec in records if subject in rec or contact in rec]
        assert leaked == [], leaked
