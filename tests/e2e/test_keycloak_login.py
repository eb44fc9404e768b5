"""A real identity provider (issue 19): Keycloak with the realm deploy/keycloak/houqin-realm.json,
a console and a tickets API configured against it as a campus would (docs/identity.md), beside the
platform of the test instance (whose own processes keep the demo SSO).

A plumber signs in through Keycloak's own login form in Chromium and lands on their queue, which
shows the ticket a student's report just opened for them, and signing out ends Keycloak's
session too; the tickets API takes the plumber's Keycloak token (subject `preferred_username`,
roles at `realm_access.roles`, department and team from the realm's groups) and refuses, with
problem+json, a Keycloak token without the role and one meant for another audience.

Keycloak is started by deploy/local/keycloak.py: the zip from Maven once per clone, Java 21 or
newer (a JDK beside Java 17); without either the test fails and says why, it is never skipped.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import keycloak
import launcher
import psycopg
import pytest
from helpers import eventually
from playwright.sync_api import Browser, expect, sync_playwright

pytestmark = [pytest.mark.infra, pytest.mark.timeout(720)]

CHROMIUM = os.environ.get("HOUQIN_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "houqin-demo"  # the demo realm's users' password (deploy/keycloak/houqin-realm.json)
CLIENT_SECRET = "demo-console-secret"  # the demo realm's console client
# How Keycloak's tokens name the caller (the realm's mappers; docs/identity.md).
CLAIMS = {
    "JWT_SUBJECT_CLAIM": "preferred_username",
    "JWT_ROLES_CLAIM": "realm_access.roles",
    "JWT_DEPARTMENT_CLAIM": "department",
    "JWT_TEAM_CLAIM": "team",
}


class Stack:
    """Keycloak, and a console and tickets API signed into it, on the instance's own ports."""

    def __init__(self, inst: launcher.Instance) -> None:
        self.inst = inst
        self.kc = keycloak.Keycloak(inst.name, inst.port_offset)
        self.console = f"http://127.0.0.1:{keycloak.TEST_CONSOLE_PORT + inst.port_offset}"
        self.tickets = f"http://127.0.0.1:{keycloak.TEST_TICKETS_PORT + inst.port_offset}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.browser: Browser | None = None

    def oidc_env(self, prefix: str) -> dict[str, str]:
        return {
            prefix + "JWT_ISSUER": self.kc.issuer,
            prefix + "JWT_JWKS_URL": self.kc.jwks_url,
            prefix + "JWT_AUDIENCE": "houqin",
            **{prefix + k: v for k, v in CLAIMS.items()},
        }

    def tickets_env(self) -> dict[str, str]:
        return {
            **launcher.service_env(self.inst, "tickets"),
            "TICKETS_HTTP_PORT": self.tickets.rsplit(":", 1)[1],
            **self.oidc_env("TICKETS_"),
        }

    def console_env(self) -> dict[str, str]:
        return {
            **launcher.console_env(self.inst),
            "CONSOLE_HTTP_PORT": self.console.rsplit(":", 1)[1],
            "CONSOLE_PUBLIC_URL": self.console,
            "CONSOLE_OIDC_DISCOVERY_URL": self.kc.discovery_url,
            "CONSOLE_OIDC_CLIENT_ID": "console",
            "CONSOLE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "CONSOLE_TICKETS_URL": self.tickets,
            **self.oidc_env("CONSOLE_"),
        }

    def spawn(self, name: str, argv: list[str], env: dict[str, str], health: str) -> None:
        logs = self.inst.data / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with (logs / f"keycloak-test-{name}.log").open("ab") as log:
            clean = {k: v for k, v in os.environ.items() if k not in launcher.ADMIN_KAFKA_ENV}
            proc = subprocess.Popen(
                argv, env={**clean, "PYTHONUNBUFFERED": "1", **env}, stdout=log,
                stderr=subprocess.STDOUT, cwd=launcher.ROOT,
            )  # fmt: skip
        self.procs.append(proc)

        def healthy() -> bool | None:
            assert proc.poll() is None, f"{name} exited with {proc.returncode} (see {logs})"
            try:
                return httpx.get(health, timeout=2).status_code == 200 or None
            except httpx.HTTPError:
                return None

        eventually(healthy, f"{name} healthy", timeout_s=120)

    def stop(self, keycloak_too: bool) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if keycloak_too:
            self.kc.stop()


@pytest.fixture(scope="module")
def houqin(request: pytest.FixtureRequest) -> launcher.Instance:
    """The test instance's platform; HOUQIN_BROWSER_REUSE=1 uses one already running on
    HOUQIN_TEST_INSTANCE (`./houqin run --instance hN`) instead, as the browser tests do."""
    if os.environ.get("HOUQIN_BROWSER_REUSE") == "1":
        return launcher.instance(os.environ.get("HOUQIN_TEST_INSTANCE", "test"))
    platform: launcher.Platform = request.getfixturevalue("platform")
    return platform.inst


@pytest.fixture(scope="module")
def stack(houqin: launcher.Instance) -> Iterator[Stack]:
    """Everything up, then the browser, ours and stopped with the module: Playwright's sync API
    keeps an event loop running in this thread while it is open, where the later e2e tests'
    asyncio.run is refused (pytest-playwright's session `browser` stayed open: CI at cbeee69 had
    test_replicas, test_restarts, test_roles and test_story fail after this module)."""
    s = Stack(houqin)
    began = time.monotonic()
    ours = s.kc.pid() is None  # one already running (while working on this test) is left so
    try:
        took = s.kc.start()  # fails with the reason when Java 21 or the zip cannot be had
        print(f"\nkeycloak ready in {took:.0f} s (load {os.getloadavg()[0]:.1f})")
        s.spawn("tickets-api", [sys.executable, "-m", "tickets", "api"], s.tickets_env(),
                s.tickets + "/healthz")  # fmt: skip
        s.spawn("console-api", [sys.executable, "-m", "console", "api"], s.console_env(),
                s.console + "/healthz")  # fmt: skip
        print(f"stack ready in {time.monotonic() - began:.0f} s")
        with sync_playwright() as pw:
            s.browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
            )
            try:
                yield s
            finally:
                s.browser.close()
    finally:
        s.stop(keycloak_too=ours)


def demo_api(inst: launcher.Instance, service: str, method: str, path: str, user: str,
             **kw: Any) -> httpx.Response:  # fmt: skip
    """A call to the platform's own API with the demo SSO's token."""
    headers = {"Authorization": "Bearer " + launcher.token(inst, user)}
    r = httpx.request(method, inst.url(service) + path, headers=headers, timeout=30, **kw)
    assert r.status_code < 400, r.text
    return r


def quiet_plumbers(inst: launcher.Instance) -> None:
    """Close what is open for the plumbers (as tests/browser/test_worker.py does), before (a
    queue shows the 200 that fall due first, and the fault tests leave thousands) and after
    (this test's ticket is not left in later tests' queues)."""
    with psycopg.connect(inst.admin_dsn, connect_timeout=10) as conn:
        conn.execute(
            "UPDATE tickets.tickets SET status = 'closed', closed_at = now(), updated_at = now()"
            " WHERE team_id = 'plumbers' AND status <> 'closed' AND closed_at IS NULL"
        )


@pytest.fixture
def quiet(stack: Stack) -> Iterator[None]:
    quiet_plumbers(stack.inst)
    yield
    quiet_plumbers(stack.inst)


def file_leak(inst: launcher.Instance) -> dict[str, Any]:
    """A student's report through the platform; the ticket it opens once routed to a plumber."""
    words = f"卫生间水管漏水 keycloak {uuid.uuid4().hex[:6]}"
    body = {"kind": "repair", "category": "plumbing", "description": words,
            "location": {"campus": "north", "building": "north-dorm-7", "floor": "3",
                         "room": f"3{uuid.uuid4().int % 20 + 1:02d}"}}  # fmt: skip
    report = demo_api(inst, "feedback", "POST", "/v1/reports", "student", json=body).json()

    def routed() -> dict[str, Any] | None:
        headers = {"Authorization": "Bearer " + launcher.token(inst, "supervisor")}
        r = httpx.get(f"{inst.url('tickets')}/v1/tickets/by-report/{report['id']}",
                      headers=headers, timeout=30)  # fmt: skip
        return r.json() if r.status_code == 200 and r.json().get("assignee_id") else None

    return eventually(routed, "the ticket routed to a plumber", timeout_s=60)


def keycloak_token(s: Stack, username: str) -> dict[str, Any]:
    """The authorization code flow with PKCE over plain HTTP, through Keycloak's login form as
    a browser would post it; the console's client exchanges the code (no password grant: the
    realm does not allow one)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    redirect = s.console + "/auth/callback"
    params = {"client_id": "console", "response_type": "code", "scope": "openid profile",
              "redirect_uri": redirect, "state": secrets.token_urlsafe(8),
              "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"}  # fmt: skip
    with httpx.Client(timeout=30) as http:
        page = http.get(s.kc.issuer + "/protocol/openid-connect/auth", params=params)
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', page.text)
        assert form is not None, page.text[:2000]
        # Keycloak's session cookies are `Secure`, which a browser sends to 127.0.0.1 over
        # http (a secure context) but Python's cookie jar does not: sent by hand.
        cookies = "; ".join(f"{c.name}={c.value}" for c in http.cookies.jar)
        answer = http.post(
            urljoin(str(page.url), unescape(form[1])),
            data={"username": username, "password": PASSWORD, "credentialId": ""},
            headers={"Cookie": cookies},
        )
        assert answer.status_code == 302, answer.text[:2000]
        location = answer.headers["location"]
        assert location.startswith(redirect), location
        code = parse_qs(urlsplit(location).query)["code"][0]
        token = http.post(
            s.kc.issuer + "/protocol/openid-connect/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                  "code_verifier": verifier},
            auth=("console", CLIENT_SECRET),
        )  # fmt: skip
    assert token.status_code == 200, token.text
    return dict(token.json())


def get(s: Stack, path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
    return httpx.get(s.tickets + path, params={"limit": 200, **params}, headers=headers, timeout=30)


@pytest.mark.usefixtures("quiet")
def test_a_worker_signs_in_through_keycloak_and_the_apis_take_its_tokens(stack: Stack) -> None:
    began = time.monotonic()
    ticket = file_leak(stack.inst)
    worker = ticket["assignee_id"]
    assert worker in ("plumber", "plumber-backup", "plumbing-lead"), ticket

    # The browser: the console sends the worker to Keycloak, whose own form signs them in.
    assert stack.browser is not None
    ctx = stack.browser.new_context(base_url=stack.console, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto("/login?next=/work")
    page.wait_for_url(stack.kc.issuer + "/**")
    page.locator("#username").fill(worker)
    page.locator("#password").fill(PASSWORD)
    page.locator("#kc-login").click()
    page.wait_for_url(stack.console + "/work**")
    card = page.locator(f"a.work-card[href='/work/tickets/{ticket['id']}']")
    expect(card).to_be_visible()
    expect(card).to_contain_text("学生公寓7号楼")  # their queue, the place in words
    # Signing out ends Keycloak's session too: the next visit asks for the password again.
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(stack.console + "/")
    page.goto("/login?next=/work")
    expect(page.locator("#password")).to_be_visible()
    ctx.close()

    # The API takes the worker's Keycloak token: subject, roles and units from its claims.
    token = keycloak_token(stack, worker)
    mine = httpx.get(stack.tickets + "/v1/queues/mine", timeout=30,
                     params={"status": "assigned", "limit": 200},
                     headers={"Authorization": "Bearer " + token["access_token"]})  # fmt: skip
    assert mine.status_code == 200, mine.text
    assert ticket["id"] in [t["id"] for t in mine.json()["items"]]
    # Team and department come from the realm's groups: the worker's team is theirs to read...
    worker_auth = {"Authorization": "Bearer " + token["access_token"]}
    team = get(stack, "/v1/queues/team", worker_auth, status="assigned")
    assert team.status_code == 200, team.text
    assert ticket["id"] in [t["id"] for t in team.json()["items"]]
    assert get(stack, "/v1/queues/team", worker_auth, team_id="flowers").status_code == 403
    # ... and the head of maintenance reads the plumbers' queue through their department.
    head = keycloak_token(stack, "maintenance-head")["access_token"]
    plumbers = get(stack, "/v1/queues/team", {"Authorization": "Bearer " + head},
                   team_id="plumbers", status="assigned")  # fmt: skip
    assert plumbers.status_code == 200, plumbers.text

    # A Keycloak token without the role: the console's own (client credentials).
    own = httpx.post(stack.kc.issuer + "/protocol/openid-connect/token", timeout=30,
                     data={"grant_type": "client_credentials"}, auth=("console", CLIENT_SECRET))  # fmt: skip
    assert own.status_code == 200, own.text
    refused = httpx.get(stack.tickets + "/v1/queues/mine", timeout=30,
                        headers={"Authorization": "Bearer " + own.json()["access_token"]})  # fmt: skip
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/role-required")

    # The id_token is Keycloak's too, but meant for the console, not the APIs.
    wrong = httpx.get(stack.tickets + "/v1/queues/mine", timeout=30,
                      headers={"Authorization": "Bearer " + token["id_token"]})  # fmt: skip
    assert wrong.status_code == 401, wrong.text
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["type"].endswith("/token-invalid")
    print(f"sign-in and API checks took {time.monotonic() - began:.0f} s")
