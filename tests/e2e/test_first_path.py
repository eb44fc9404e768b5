"""A report posted to feedback becomes a ticket and a recorded notification, through real
processes, real Kafka and real PostgreSQL; one correlation id follows it through every log."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import launcher
import pytest
from helpers import eventually

pytestmark = pytest.mark.infra


def auth(inst: launcher.Instance, user: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + launcher.token(inst, user)}


def test_report_becomes_ticket_and_notifications(platform: launcher.Platform) -> None:
    inst = platform.inst
    request_id = "e2e-" + uuid.uuid4().hex
    report = {
        "kind": "repair",
        "category": "plumbing",
        "location": {"campus": "north", "building": "north-dorm-7", "floor": "3", "room": "312"},
        "description": "水龙头漏水 the tap in room 312 leaks",
    }
    r = httpx.post(
        inst.url("feedback") + "/v1/reports",
        json=report,
        headers={**auth(inst, "student"), "X-Request-ID": request_id},
    )
    assert r.status_code == 201, r.text
    assert r.headers["x-request-id"] == request_id
    filed = r.json()
    assert filed["tracking_no"].startswith("FK") and filed["status"] == "filed"

    supervisor = auth(inst, "supervisor")

    def ticket() -> dict[str, Any] | None:
        t = httpx.get(
            inst.url("tickets") + f"/v1/tickets/by-report/{filed['id']}", headers=supervisor
        )
        return t.json() if t.status_code == 200 else None

    t = eventually(ticket, "the report's ticket", 60)
    assert t["tracking_no"] == filed["tracking_no"]
    assert t["status"] == "assigned"  # routed to the plumbing post's on-duty primary
    assert t["team_id"] == "plumbers"

    def messages() -> list[dict[str, Any]]:
        m = httpx.get(
            inst.url("notify") + "/v1/messages",
            params={"tracking_no": filed["tracking_no"]},
            headers=supervisor,
        )
        body = m.json()
        return body if len(body) >= 3 else []

    recorded = eventually(messages, "the assignee's messages", 60)
    kinds = {m["event_type"] for m in recorded}
    # the reporter's receipt, the team queue's new ticket, the assignee's message
    assert {
        "houqin.feedback.ComplaintFiled.v1",
        "houqin.tickets.TicketOpened.v1",
        "houqin.tickets.TicketAssigned.v1",
    } <= kinds
    assigned = [m for m in recorded if m["event_type"] == "houqin.tickets.TicketAssigned.v1"]
    assert [m["recipient"] for m in assigned] == ["plumber"]
    inbox = httpx.get(inst.url("notify") + "/v1/inbox", headers=auth(inst, "student")).json()
    assert any(filed["tracking_no"] in m["subject"] for m in inbox)

    def status() -> str | None:
        s = httpx.get(
            inst.url("feedback") + f"/v1/reports/{filed['id']}", headers=auth(inst, "student")
        ).json()
        return s["status"] if s["status"] == "assigned" else None

    assert (
        eventually(status, "the report's status", 60) == "assigned"
    )  # the reporter sees the ticket was assigned

    # One correlation id across all four services' logs.
    logs = inst.data / "logs"
    for proc in ("tickets-worker", "notify-worker", "scoring-worker", "feedback-worker"):
        text = eventually(
            lambda p=proc: request_id in (logs / f"{p}.log").read_text() or None,
            f"the request id in {proc}'s log",
            10,
        )
        assert text


def test_anonymous_report_carries_no_identity(platform: launcher.Platform) -> None:
    inst = platform.inst
    r = httpx.post(
        inst.url("feedback") + "/v1/reports",
        json={
            "kind": "complaint",
            "category": "canteen",
            "location": {"campus": "south", "building": "south-canteen"},
            "description": "rude service at window 3",
            "anonymous": True,
        },
        headers=auth(inst, "teacher"),
    )
    assert r.status_code == 201
    filed = r.json()
    assert filed["reporter_id"] == "teacher"  # the reporter sees their own identity
    seen_by_supervisor = httpx.get(
        inst.url("feedback") + f"/v1/reports/{filed['id']}", headers=auth(inst, "supervisor")
    )
    assert seen_by_supervisor.json()["reporter_id"] is None
    # Yet the reporter gets the receipt: notify asks feedback who filed it, as itself.
    teacher = auth(inst, "teacher")

    def receipt() -> list[dict[str, Any]]:
        inbox = httpx.get(inst.url("notify") + "/v1/inbox", headers=teacher).json()
        return [m for m in inbox if m["tracking_no"] == filed["tracking_no"]]

    assert [m["kind"] for m in eventually(receipt, "the reporter's receipt", 60)] == ["receipt"]
    logged = httpx.get(
        inst.url("notify") + "/v1/messages",
        params={"tracking_no": filed["tracking_no"]},
        headers=auth(inst, "supervisor"),
    )
    assert "teacher" not in logged.text


def test_bad_reports_get_problem_json(platform: launcher.Platform) -> None:
    inst = platform.inst
    r = httpx.post(
        inst.url("feedback") + "/v1/reports",
        json={"kind": "nonsense"},
        headers=auth(inst, "student"),
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"]
    r = httpx.post(inst.url("feedback") + "/v1/reports", json={}, headers={})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")


def test_health_ready_metrics_openapi_on_every_process(platform: launcher.Platform) -> None:
    for proc in launcher.processes(platform.inst)[1:]:
        base = proc.health.removesuffix("/healthz")
        assert httpx.get(base + "/healthz").status_code == 200
        ready = httpx.get(base + "/readyz")
        assert ready.status_code == 200, (proc.name, ready.text)
        if proc.name != "console-api":  # the console has no database: the APIs are its data
            assert ready.json()["checks"]["database"] == "ok"
        metrics = httpx.get(base + "/metrics").text
        assert "houqin_" in metrics
    for service in launcher.SERVICES:
        spec = httpx.get(platform.inst.url(service) + "/openapi.json").json()
        assert spec["openapi"].startswith("3.")
