"""What the security tests share: tokens of any role from the instance's own SSO key, HTTP
calls to the running services, filing a report and waiting for its ticket."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

import httpx
import launcher
from helpers import eventually

from houqin_shared.identity import LocalIssuer, Role

ROLES: tuple[Role, ...] = tuple(Role)  # all nine
PROBLEM_JSON = "application/problem+json"

# A report in a room of the demo directory that routes to the plumbers (maintenance).
PLUMBING_REPORT: dict[str, Any] = {
    "kind": "repair",
    "category": "plumbing",
    "location": {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"},
    "description": "水龙头漏水 the tap in room 312 leaks",
}


@cache
def issuer(inst: launcher.Instance) -> LocalIssuer:
    return LocalIssuer(inst.data / "sso-key.pem", issuer=inst.sso_url, audience="houqin")


def token(
    inst: launcher.Instance,
    subject: str,
    *roles: Role | str,
    dept: str | None = None,
    team: str | None = None,
) -> str:
    return issuer(inst).issue(
        subject, [str(r) for r in roles], name=subject, department_id=dept, team_id=team
    )


def auth(
    inst: launcher.Instance,
    subject: str,
    *roles: Role | str,
    dept: str | None = None,
    team: str | None = None,
) -> dict[str, str]:
    return {"Authorization": "Bearer " + token(inst, subject, *roles, dept=dept, team=team)}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Api:
    """Plain HTTP calls to one instance's services."""

    def __init__(self, inst: launcher.Instance) -> None:
        self.inst = inst
        self.http = httpx.Client(timeout=60)

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        method: str,
        service: str,
        path: str,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self.http.request(
            method, self.inst.url(service) + path, headers=headers or {}, **kwargs
        )

    def ok(
        self,
        method: str,
        service: str,
        path: str,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> Any:
        r = self.call(method, service, path, headers, **kwargs)
        assert r.status_code in expect, f"{method} {service} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def file_report(self, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
        body = {**PLUMBING_REPORT, **overrides}
        out: dict[str, Any] = self.ok("POST", "feedback", "/v1/reports", headers, json=body)
        return out

    def ticket_of(self, report_id: str, timeout_s: float = 120) -> dict[str, Any]:
        supervisor = auth(self.inst, "sec-supervisor", Role.supervisor)

        def fetch() -> dict[str, Any] | None:
            r = self.call("GET", "tickets", f"/v1/tickets/by-report/{report_id}", supervisor)
            return r.json() if r.status_code == 200 else None

        return eventually(fetch, f"the ticket of report {report_id}", timeout_s)


def assert_problem(r: httpx.Response, *statuses: int) -> None:
    """An error answer of one of `statuses`, as problem+json (never data)."""
    assert r.status_code in statuses, f"expected {statuses}, got {r.status_code}: {r.text[:500]}"
    assert r.headers.get("content-type", "").startswith(PROBLEM_JSON), r.headers
    body = r.json()
    assert body["status"] == r.status_code, body
